// The URL holds the lesson, its part and the step: ?lesson=zombies&part=sigchld-ignore&step=4.
// A lesson with one part needs no part (?lesson=concurrent&step=7). Step numbers are the
// model's (0 is the start, before any call); the indicator shows them counted from 1.
// The lesson list is the page without a lesson (/?, /?view=lessons). The sandbox is
// ?view=sandbox, its plan in the URL as ?plan=<base64url of the plan's JSON> (sandboxHref).

import type { Plan } from '../plan/types.ts';

export type Route =
  | { view: 'home' }
  | { view: 'lesson'; lesson: string; part: string | null; step: number }
  /** `plan` is the raw ?plan= value (decode it with decodePlanParam), null when absent. */
  | { view: 'sandbox'; plan: string | null };

/** Parse a location.search string. A missing or malformed step is 0; a negative one is 0. */
export function parseRoute(search: string): Route {
  const params = new URLSearchParams(search);
  if (params.get('view') === 'sandbox') return { view: 'sandbox', plan: params.get('plan') };
  const lesson = params.get('lesson');
  if (!lesson || params.get('view') === 'lessons') return { view: 'home' };
  const raw = params.get('step');
  let step = 0;
  if (raw !== null && /^\d{1,7}$/.test(raw.trim())) step = Number.parseInt(raw.trim(), 10);
  const part = params.get('part')?.trim() || null;
  return { view: 'lesson', lesson, part, step };
}

/** The search string for a route, keeping any other parameters of `current`. */
export function formatRoute(route: Route, current = ''): string {
  const params = new URLSearchParams(current);
  if (route.view === 'sandbox') {
    const ordered = new URLSearchParams([['view', 'sandbox'], ...(route.plan ? [['plan', route.plan]] : [])]);
    return `?${ordered.toString()}`;
  }
  if (route.view === 'home') {
    params.delete('lesson');
    params.delete('part');
    params.delete('step');
  } else {
    // lesson, part, step first, in that order; then whatever else `current` had.
    const own = new Set(['lesson', 'part', 'step', 'view']);
    const rest = [...params.entries()].filter(([k]) => !own.has(k));
    const ordered = new URLSearchParams([
      ['lesson', route.lesson],
      ...(route.part ? [['part', route.part]] : []),
      ['step', String(route.step)],
      ...rest,
    ]);
    return `?${ordered.toString()}`;
  }
  const s = params.toString();
  return s ? `?${s}` : '?';
}

/** Whether the lesson asks its questions: ?questions=off steps straight through (a demonstration, a benchmark). */
export function questionsOn(search: string): boolean {
  return new URLSearchParams(search).get('questions') !== 'off';
}

/** Where a lesson part starts; `part` is left out for a lesson's only part. */
export function lessonHref(lesson: string, part: string | null, step = 0): string {
  return formatRoute({ view: 'lesson', lesson, part, step });
}

export function clampStep(step: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(Math.max(0, Math.trunc(step)), total - 1);
}

/** "Step N of M", N counted from 1. */
export function stepIndicatorText(step: number, total: number): string {
  return `Step ${step + 1} of ${total}`;
}

/** ws(s)://host/<base>ws?token=… for a page at `href`, or null without a token. */
export function socketUrl(href: string, base: string, token: string | null): string | null {
  if (!token) return null;
  const url = new URL(`${base.endsWith('/') ? base : `${base}/`}ws`, href);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = `?token=${encodeURIComponent(token)}`;
  url.hash = '';
  return url.toString();
}

/** Where the recorded trace of a scenario is served. */
export function traceUrl(base: string, scenario: string): string {
  return `${base.endsWith('/') ? base : `${base}/`}traces/${encodeURIComponent(scenario)}.jsonl`;
}

/** A plan as a URL parameter: base64url (no padding) of its JSON, UTF-8. */
export function encodePlanParam(plan: Plan): string {
  const bytes = new TextEncoder().encode(JSON.stringify(plan));
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * The JSON text of a ?plan= parameter, or why it is not one. Never throws. The sandbox then
 * validates it with parsePlan (kept out of this module, which the lesson list loads).
 */
export function decodePlanParam(param: string): { ok: true; text: string } | { ok: false; error: string } {
  if (!/^[A-Za-z0-9_-]*$/.test(param)) return { ok: false, error: 'the link\'s plan is not base64url text' };
  try {
    const binary = atob(param.replace(/-/g, '+').replace(/_/g, '/'));
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0))) };
  } catch {
    return { ok: false, error: 'the link\'s plan could not be decoded (is the link cut short?)' };
  }
}

/** The sandbox, opening with `plan` (or its default plan). */
export function sandboxHref(plan?: Plan): string {
  return formatRoute({ view: 'sandbox', plan: plan ? encodePlanParam(plan) : null });
}

/**
 * Modes of the lesson view named by a bare parameter: &present (presenter mode, for the room),
 * &embed (a minimal frame for a course page's iframe, recorded traces only), &notes (the
 * presenter's notes window), &handout (every step of the part on one page, to print). `&present=0` (or off, false) is off; any other value is on.
 */
export type ViewFlag = 'present' | 'embed' | 'notes' | 'handout';

export function flagOn(search: string, flag: ViewFlag): boolean {
  const value = new URLSearchParams(search).get(flag);
  return value !== null && !/^(0|off|false|no)$/i.test(value.trim());
}

/** `search` with `flag` set (as a bare `&flag`) or removed, every other parameter kept in order. */
export function withFlag(search: string, flag: ViewFlag, on: boolean): string {
  const params = new URLSearchParams(search);
  params.delete(flag);
  if (on) params.append(flag, '');
  // A bare flag reads better than `present=`.
  const s = params.toString().replace(new RegExp(`(^|&)${flag}=(?=&|$)`), `$1${flag}`);
  return s ? `?${s}` : '?';
}
