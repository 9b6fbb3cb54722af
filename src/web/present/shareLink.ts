// "Copy link to this step": the page's own URL (lesson, part, step and any flags), with the
// notes window's &notes turned into &present — a link from the notes is a link to the room's view.

import { flagOn, withFlag } from '../url.ts';

/** The link to share for the page at `href`, presenting or not. Pure. */
export function shareLink(href: string, presenting: boolean): string {
  const url = new URL(href);
  let search = url.search;
  const notes = flagOn(search, 'notes');
  search = withFlag(search, 'notes', false);
  search = withFlag(search, 'present', presenting || notes);
  url.search = search === '?' ? '' : search;
  url.hash = '';
  return url.toString();
}

/** The notes window's URL for a presenting page at `href`: &notes instead of &present. Pure. */
export function notesHref(href: string): string {
  const url = new URL(href);
  url.search = withFlag(withFlag(url.search, 'present', false), 'notes', true);
  url.hash = '';
  return url.toString();
}
