// Pure helpers of embed mode: whether the page is drawn inside another page's frame, whether it
// may be, and the link from an embedded lesson to the full one. The static build cannot send
// X-Frame-Options, so the app itself refuses to draw in a frame except in embed mode.

import { formatRoute, withFlag } from '../url.ts';

/** Whether this window is inside a frame. Reading `top` never throws in today's browsers; if one did, assume framed. */
export function isFramed(win: { top: unknown; self: unknown }): boolean {
  try {
    return win.top !== win.self;
  } catch {
    return true;
  }
}

/** A page may be drawn when it is not framed, or when it is an embedded lesson (embed mode draws lessons only). */
export function mayDraw(framed: boolean, embed: boolean, isLesson: boolean): boolean {
  return !framed || (embed && isLesson);
}

/** The full lesson at this step, as an absolute URL, with every parameter of `search` kept but the embed flag. */
export function fullLessonHref(href: string, search: string, lesson: string, part: string | null, step: number): string {
  const route = formatRoute({ view: 'lesson', lesson, part, step }, withFlag(search, 'embed', false));
  return new URL(route, href).toString();
}
