import { describe, expect, it } from 'vitest';
import { clampStep, decodePlanParam, encodePlanParam, formatRoute, lessonHref, parseRoute, questionsOn, sandboxHref, socketUrl, stepIndicatorText, traceUrl, flagOn, withFlag } from '../../src/web/url.ts';
import { concurrentPlan } from '../../src/plan/examples.ts';
import type { Plan } from '../../src/plan/types.ts';
import { parsePlan } from '../../src/plan/parse.ts';

describe('web url: lesson and step in the query string', () => {
  it('reads the home page and a lesson step', () => {
    expect(parseRoute('')).toEqual({ view: 'home' });
    expect(parseRoute('?')).toEqual({ view: 'home' });
    expect(parseRoute('?lesson=concurrent&step=7')).toEqual({ view: 'lesson', lesson: 'concurrent', part: null, step: 7 });
    expect(parseRoute('?step=3&lesson=concurrent')).toEqual({ view: 'lesson', lesson: 'concurrent', part: null, step: 3 });
  });

  it('treats a missing or malformed step as the first', () => {
    for (const q of ['?lesson=concurrent', '?lesson=concurrent&step=', '?lesson=concurrent&step=-2', '?lesson=concurrent&step=abc', '?lesson=concurrent&step=1e3', '?lesson=concurrent&step=2.5']) {
      expect(parseRoute(q)).toEqual({ view: 'lesson', lesson: 'concurrent', part: null, step: 0 });
    }
  });

  it('writes the step back, keeping other parameters', () => {
    expect(formatRoute({ view: 'lesson', lesson: 'concurrent', part: null, step: 9 })).toBe('?lesson=concurrent&step=9');
    expect(formatRoute({ view: 'lesson', lesson: 'concurrent', part: null, step: 10 }, '?lesson=concurrent&step=9&debug=1')).toBe(
      '?lesson=concurrent&step=10&debug=1',
    );
    expect(formatRoute({ view: 'home' }, '?lesson=concurrent&step=9')).toBe('?');
    const back = parseRoute(formatRoute({ view: 'lesson', lesson: 'concurrent', part: null, step: 21 }));
    expect(back).toEqual({ view: 'lesson', lesson: 'concurrent', part: null, step: 21 });
  });

  it('holds a lesson part, and leaves it out for a lesson of one part', () => {
    expect(parseRoute('?lesson=zombies&part=sigchld-ignore&step=4')).toEqual({ view: 'lesson', lesson: 'zombies', part: 'sigchld-ignore', step: 4 });
    expect(parseRoute('?lesson=zombies&part=&step=4')).toEqual({ view: 'lesson', lesson: 'zombies', part: null, step: 4 });
    expect(formatRoute({ view: 'lesson', lesson: 'zombies', part: 'sigchld-ignore', step: 4 })).toBe('?lesson=zombies&part=sigchld-ignore&step=4');
    expect(formatRoute({ view: 'lesson', lesson: 'zombies', part: 'zombies', step: 0 }, '?step=9&debug=1&part=x&lesson=y')).toBe(
      '?lesson=zombies&part=zombies&step=0&debug=1',
    );
    expect(formatRoute({ view: 'lesson', lesson: 'concurrent', part: null, step: 2 }, '?lesson=concurrent&part=concurrent&step=1')).toBe(
      '?lesson=concurrent&step=2',
    );
    expect(lessonHref('zombies', 'accept-eintr')).toBe('?lesson=zombies&part=accept-eintr&step=0');
    expect(lessonHref('concurrent', null, 3)).toBe('?lesson=concurrent&step=3');
  });

  it('asks questions unless ?questions=off, and keeps that parameter while stepping', () => {
    expect(questionsOn('?lesson=concurrent&step=3')).toBe(true);
    expect(questionsOn('?lesson=concurrent&step=3&questions=off')).toBe(false);
    expect(formatRoute({ view: 'lesson', lesson: 'concurrent', part: null, step: 4 }, '?lesson=concurrent&step=3&questions=off')).toBe(
      '?lesson=concurrent&step=4&questions=off',
    );
  });

  it('shows the lesson list for /?, /?view=lessons and no lesson', () => {
    expect(parseRoute('?view=lessons')).toEqual({ view: 'home' });
    expect(parseRoute('?view=lessons&lesson=zombies')).toEqual({ view: 'home' });
    expect(formatRoute({ view: 'home' }, '?lesson=zombies&part=x&step=3')).toBe('?');
  });

  it('clamps steps into the lesson and counts them from 1 for people', () => {
    expect(clampStep(99, 22)).toBe(21);
    expect(clampStep(-1, 22)).toBe(0);
    expect(clampStep(5, 0)).toBe(0);
    expect(stepIndicatorText(0, 22)).toBe('Step 1 of 22');
    expect(stepIndicatorText(21, 22)).toBe('Step 22 of 22');
  });

  it('builds the WebSocket address only when the companion gave a token', () => {
    expect(socketUrl('http://127.0.0.1:4813/?lesson=concurrent', '/', null)).toBeNull();
    expect(socketUrl('http://127.0.0.1:4813/?lesson=concurrent&step=2', '/', 'a b/c')).toBe('ws://127.0.0.1:4813/ws?token=a%20b%2Fc');
    expect(socketUrl('https://example.test/app/index.html', '/app/', 't')).toBe('wss://example.test/app/ws?token=t');
  });

  it('finds recorded traces under the base path', () => {
    expect(traceUrl('/', 'concurrent')).toBe('/traces/concurrent.jsonl');
    expect(traceUrl('/forkscope', 'concurrent')).toBe('/forkscope/traces/concurrent.jsonl');
  });
});

describe('the sandbox URL', () => {
  it('carries a plan that comes back the same, unicode text included', () => {
    const plan = { ...concurrentPlan, title: 'héllo — “quoted”' };
    const search = sandboxHref(plan);
    const route = parseRoute(search);
    expect(route.view).toBe('sandbox');
    const decoded = decodePlanParam((route as { plan: string }).plan);
    expect(decoded.ok && parsePlan(decoded.text)).toEqual({ ok: true, plan });
    expect(search).toMatch(/^\?view=sandbox&plan=[A-Za-z0-9_-]+$/);
  });

  it('opens without a plan', () => {
    expect(parseRoute('?view=sandbox')).toEqual({ view: 'sandbox', plan: null });
  });

  it('refuses a damaged link, and leaves an invalid plan to parsePlan', () => {
    expect(decodePlanParam('%%%')).toEqual({ ok: false, error: expect.stringMatching(/not base64url/) });
    const bad = decodePlanParam(encodePlanParam({ ...concurrentPlan, steps: [{ proc: 'parent', do: 'accept', fd: 'connfd' }] } as Plan));
    expect(bad.ok && parsePlan(bad.text)).toEqual({ ok: false, error: 'step 1: parent has no descriptor named connfd yet' });
    const cut = decodePlanParam(encodePlanParam(concurrentPlan).slice(0, 40));
    expect(cut.ok && parsePlan(cut.text)).toMatchObject({ ok: false });
  });
});

describe('view flags: present, embed, notes', () => {
  it('reads a bare flag as on and 0/off/false as off', () => {
    expect(flagOn('?lesson=concurrent&step=3&present', 'present')).toBe(true);
    expect(flagOn('?lesson=concurrent&present=1', 'present')).toBe(true);
    expect(flagOn('?lesson=concurrent&present=0', 'present')).toBe(false);
    expect(flagOn('?lesson=concurrent&present=off', 'present')).toBe(false);
    expect(flagOn('?lesson=concurrent', 'present')).toBe(false);
    expect(flagOn('?lesson=concurrent&embed', 'present')).toBe(false);
  });
  it('sets and clears a flag, keeping the other parameters', () => {
    expect(withFlag('?lesson=concurrent&step=3', 'present', true)).toBe('?lesson=concurrent&step=3&present');
    expect(withFlag('?lesson=concurrent&present&step=3', 'present', false)).toBe('?lesson=concurrent&step=3');
    expect(withFlag('?lesson=concurrent&present=1&step=3', 'present', true)).toBe('?lesson=concurrent&step=3&present');
    expect(withFlag('?embed', 'embed', false)).toBe('?');
  });
  it('keeps flags when the step changes', () => {
    const search = withFlag('?lesson=concurrent&step=3', 'present', true);
    expect(flagOn(formatRoute({ view: 'lesson', lesson: 'concurrent', part: null, step: 4 }, search), 'present')).toBe(true);
  });
});
