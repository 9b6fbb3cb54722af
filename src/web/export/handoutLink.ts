// Where the File menu's "Print handout" goes: the lesson part's URL with &handout, its other
// parameters kept (questions=off …), presenter mode left. Pure.

import { flagOn, formatRoute, withFlag } from '../url.ts';

export function handoutHref(lesson: string, part: string | null, step: number, search: string): string {
  const withoutPresent = flagOn(search, 'present') ? withFlag(search, 'present', false) : search;
  return withFlag(formatRoute({ view: 'lesson', lesson, part, step }, withoutPresent), 'handout', true);
}
