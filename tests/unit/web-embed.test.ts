// Embed mode's pure helpers: whether a page is framed, whether it may be drawn there, and the
// link from an embedded lesson to the full one.

import { describe, expect, it } from 'vitest';
import { fullLessonHref, isFramed, mayDraw } from '../../src/web/embed/framing.ts';

describe('framing', () => {
  it('is framed when the top window is another one, and when it cannot be read', () => {
    const self = {};
    expect(isFramed({ top: self, self })).toBe(false);
    expect(isFramed({ top: {}, self })).toBe(true);
    const hostile = {
      self,
      get top(): unknown {
        throw new Error('SecurityError: cross-origin');
      },
    };
    expect(isFramed(hostile)).toBe(true);
  });

  it('draws in a frame only an embedded lesson', () => {
    expect(mayDraw(false, false, false)).toBe(true);
    expect(mayDraw(false, true, true)).toBe(true);
    expect(mayDraw(true, true, true)).toBe(true);
    expect(mayDraw(true, false, true)).toBe(false);
    expect(mayDraw(true, true, false)).toBe(false);
  });
});

describe('the link out of an embedded lesson', () => {
  it('opens the full lesson at this step, keeping other flags but embed', () => {
    expect(fullLessonHref('http://10.0.0.5:4813/?lesson=concurrent&step=4&embed', '?lesson=concurrent&step=4&embed', 'concurrent', null, 7)).toBe(
      'http://10.0.0.5:4813/?lesson=concurrent&step=7',
    );
    expect(
      fullLessonHref('https://course.example.edu/fs/?lesson=zombies&part=sigchld-ignore&step=2&embed=1&questions=off', '?lesson=zombies&part=sigchld-ignore&step=2&embed=1&questions=off', 'zombies', 'sigchld-ignore', 3),
    ).toBe('https://course.example.edu/fs/?lesson=zombies&part=sigchld-ignore&step=3&questions=off');
  });
});
