// Presenter mode, the notes window, clicker keys and "copy link to this step", on the recorded
// traces (the static server: no companion), except one check that presenter mode works live.

import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { findScenario } from '../../src/scenarios/index.ts';
import { expectAccessible } from './axe.ts';

const STATIC = process.env.FORKSCOPE_E2E_STATIC!;
const SHOTS = 'test-results/screenshots';
const stepAfter = (scenario: string, id: string) => findScenario(scenario)!.schedule.findIndex((e) => e.id === id) + 1;

const FIG_4_14 = stepAfter('concurrent', 'client-connect');
const FIG_4_16 = stepAfter('concurrent', 'parent-fork');
const FIG_4_17 = stepAfter('concurrent', 'child-close-listenfd');
const MANY_FORKED = stepAfter('many-clients', 'parent-fork-3');
const MANY_ALL = stepAfter('many-clients', 'parent-accept-again-5');

const lessonUrl = (lesson: string, step: number, extra = '') => `${STATIC}/?lesson=${lesson}&step=${step}&questions=off${extra}`;

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

interface TextReport {
  /** The smallest rendered text in presenter mode, in CSS pixels (SVG text: font size × screen scale). */
  minPx: number;
  smallest: string;
  /** Labels whose glyph box leaves the box or slot they belong to. */
  outside: string[];
  labels: number;
}

/** Every visible text of presenter mode: its rendered size, and whether the figure's labels stay in their boxes. */
async function presenterText(page: Page): Promise<TextReport> {
  return page.getByTestId('presenter').evaluate((root) => {
    let minPx = Infinity;
    let smallest = '';
    const note = (px: number, text: string) => {
      if (px < minPx) {
        minPx = px;
        smallest = text;
      }
    };
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent?.trim();
      const el = n.parentElement;
      if (!text || !el) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || el.closest('.sr-only')) continue;
      const px = parseFloat(getComputedStyle(el).fontSize);
      if (el instanceof SVGTextElement) {
        const ctm = el.getScreenCTM();
        note(px * (ctm ? Math.hypot(ctm.a, ctm.b) : 1), text);
      } else note(px, text);
    }
    const outside: string[] = [];
    let labels = 0;
    for (const g of root.querySelectorAll('[data-testid="pf-box"]')) {
      const frame = g.querySelector(':scope > rect')!.getBoundingClientRect();
      for (const t of g.querySelectorAll(':scope > text')) {
        labels += 1;
        const r = t.getBoundingClientRect();
        const e = 0.5;
        if (r.left < frame.left - e || r.right > frame.right + e || r.top < frame.top - e || r.bottom > frame.bottom + e) outside.push(t.textContent ?? '');
      }
    }
    return { minPx, smallest, outside, labels };
  });
}

async function atPresenterStep(page: Page, step: number) {
  await expect(page.getByTestId('presenter').getByTestId('step-indicator')).toHaveAttribute('data-step', String(step));
}

test('P enters presenter mode and Esc leaves it; &present comes back on reload; PageDown/PageUp step', async ({ page }) => {
  await page.goto(lessonUrl('concurrent', FIG_4_16));
  await expect(page.getByTestId('step-indicator')).toHaveAttribute('data-step', String(FIG_4_16));
  await page.keyboard.press('p');
  await expect(page.getByTestId('presenter')).toBeVisible();
  await expect(page.getByTestId('narration')).toHaveCount(0);
  await expect.poll(() => new URL(page.url()).searchParams.has('present')).toBe(true);
  await page.keyboard.press('PageDown');
  await atPresenterStep(page, FIG_4_16 + 1);
  await page.keyboard.press('PageUp');
  await atPresenterStep(page, FIG_4_16);
  // The URL follows the step once it is painted: reload after it has, as a reader would.
  await expect.poll(() => new URL(page.url()).searchParams.get('step')).toBe(String(FIG_4_16));
  await page.reload();
  await expect(page.getByTestId('presenter')).toBeVisible();
  await atPresenterStep(page, FIG_4_16);
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('presenter')).toHaveCount(0);
  await expect(page.getByTestId('narration')).toBeVisible();
  await expect.poll(() => new URL(page.url()).searchParams.has('present')).toBe(false);
  // The lesson view steps with a clicker too.
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('step-indicator')).toHaveAttribute('data-step', String(FIG_4_16 + 1));
});

for (const size of [
  { width: 1280, height: 720, min: 24 },
  { width: 1024, height: 768, min: 20 },
]) {
  test(`no text below ${size.min} px at ${size.width}×${size.height}, every label inside its box`, async ({ page }) => {
    await page.setViewportSize({ width: size.width, height: size.height });
    const cases = [
      { lesson: 'concurrent', step: FIG_4_14, name: 'fig-4.14' },
      { lesson: 'concurrent', step: FIG_4_16, name: 'fig-4.16' },
      { lesson: 'concurrent', step: FIG_4_17, name: 'fig-4.17' },
      { lesson: 'many-clients', step: MANY_FORKED, name: 'many-forked' },
      { lesson: 'many-clients', step: MANY_ALL, name: 'many-all' },
    ];
    for (const c of cases) {
      await page.goto(lessonUrl(c.lesson, c.step, '&present'));
      await atPresenterStep(page, c.step);
      await expect(page.getByTestId('present-figure').locator('svg')).toBeVisible();
      const report = await presenterText(page);
      await page.screenshot({ path: `${SHOTS}/present-${c.name}-${size.width}x${size.height}.png` });
      expect(report.labels, `${c.name}: figure labels`).toBeGreaterThan(4);
      expect(report.minPx, `${c.name}: smallest text “${report.smallest}”`).toBeGreaterThanOrEqual(size.min - 0.01);
      expect(report.outside, `${c.name}: labels outside their boxes`).toEqual([]);
    }
  });
}

test('B blanks the screen and B or a step key brings it back without stepping; F asks for fullscreen, F again leaves it, Esc leaves it and presenter mode', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { fullscreenRequests: number };
    w.fullscreenRequests = 0;
    const original = Element.prototype.requestFullscreen;
    Element.prototype.requestFullscreen = function (this: Element, options?: FullscreenOptions) {
      w.fullscreenRequests += 1;
      return original.call(this, options);
    };
  });
  await page.goto(lessonUrl('concurrent', FIG_4_16, '&present'));
  await atPresenterStep(page, FIG_4_16);
  const blank = page.getByTestId('blank');
  await page.keyboard.press('b');
  await expect(blank).toBeVisible();
  await page.keyboard.press('b');
  await expect(blank).toHaveCount(0);
  await atPresenterStep(page, FIG_4_16);
  await page.keyboard.press('b');
  await expect(blank).toBeVisible();
  await page.keyboard.press('PageDown');
  await expect(blank).toHaveCount(0);
  await atPresenterStep(page, FIG_4_16);
  await page.keyboard.press('PageDown');
  await atPresenterStep(page, FIG_4_16 + 1);

  await page.keyboard.press('f');
  await expect.poll(() => page.evaluate(() => (window as unknown as { fullscreenRequests: number }).fullscreenRequests)).toBe(1);
  await expect.poll(() => page.evaluate(() => document.fullscreenElement?.tagName ?? null)).toBe('HTML');
  await page.keyboard.press('f');
  await expect.poll(() => page.evaluate(() => document.fullscreenElement)).toBeNull();
  await expect(page.getByTestId('presenter')).toBeVisible();
  // Esc in fullscreen leaves both.
  await page.keyboard.press('f');
  await expect.poll(() => page.evaluate(() => document.fullscreenElement?.tagName ?? null)).toBe('HTML');
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('presenter')).toHaveCount(0);
  await expect.poll(() => page.evaluate(() => document.fullscreenElement)).toBeNull();
});

test('a question in presenter mode: large choices, 1–4 answer, the reveal; axe-core finds nothing serious', async ({ page }) => {
  const before = stepAfter('concurrent', 'parent-fork') - 1;
  await page.goto(`${STATIC}/?lesson=concurrent&step=${before}&present`);
  await atPresenterStep(page, before);
  await expectAccessible(page, 'presenter mode, a step');
  await page.keyboard.press('ArrowRight');
  const choices = page.getByTestId('presenter').getByTestId('choice');
  await expect(choices).toHaveCount(3);
  await expect(page.getByTestId('present-figure')).toHaveCount(0);
  const report = await presenterText(page);
  expect(report.minPx, `smallest text “${report.smallest}”`).toBeGreaterThanOrEqual(24);
  await page.screenshot({ path: `${SHOTS}/present-question-1280x720.png` });
  await expectAccessible(page, 'presenter mode, a question open');
  // Blank, an answer key waits for the screen: nothing is chosen unseen.
  await page.keyboard.press('b');
  await expect(page.getByTestId('blank')).toBeVisible();
  await page.keyboard.press('1');
  await page.keyboard.press('b');
  await expect(page.getByTestId('blank')).toHaveCount(0);
  await expect(choices).toHaveCount(3);
  await page.keyboard.press('2');
  await atPresenterStep(page, before + 1);
  await expect(page.getByTestId('reveal')).toHaveAttribute('data-verdict', 'right');
  await page.screenshot({ path: `${SHOTS}/present-reveal-1280x720.png` });
  await expectAccessible(page, 'presenter mode, the reveal');
});

test('copy link: the step (and &present) to the clipboard, or the link shown to copy by hand when refused', async ({ page, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: STATIC });
  await page.goto(lessonUrl('concurrent', FIG_4_16));
  await expect(page.getByTestId('step-indicator')).toHaveAttribute('data-step', String(FIG_4_16));
  await page.getByTestId('copy-link').click();
  await expect(page.getByTestId('copy-link-status')).toHaveText('Link copied');
  await page.screenshot({ path: `${SHOTS}/lesson-copy-link-1280x720.png` });
  const copied = new URL(await page.evaluate(() => navigator.clipboard.readText()));
  expect(copied.searchParams.get('lesson')).toBe('concurrent');
  expect(copied.searchParams.get('step')).toBe(String(FIG_4_16));
  expect(copied.searchParams.has('present')).toBe(false);

  await page.keyboard.press('p');
  await page.keyboard.press('ArrowRight');
  await atPresenterStep(page, FIG_4_16 + 1);
  await page.getByTestId('presenter').getByTestId('copy-link').click();
  await expect(page.getByTestId('presenter').getByTestId('copy-link-status')).toHaveText('Link copied');
  const presenting = new URL(await page.evaluate(() => navigator.clipboard.readText()));
  expect(presenting.searchParams.get('step')).toBe(String(FIG_4_16 + 1));
  expect(presenting.searchParams.has('present')).toBe(true);

  // A refused clipboard: the link, selected, in a read-only field.
  await page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('refused', 'NotAllowedError'));
  });
  await page.getByTestId('presenter').getByTestId('copy-link').click();
  const field = page.getByTestId('copy-link-field');
  await expect(field).toBeVisible();
  await expect(field).toHaveAttribute('readonly', '');
  expect(new URL(await field.inputValue()).searchParams.get('step')).toBe(String(FIG_4_16 + 1));
  expect(await field.evaluate((el: HTMLInputElement) => [el.selectionStart, el.selectionEnd, el.value.length])).toEqual([0, await field.inputValue().then((v) => v.length), await field.inputValue().then((v) => v.length)]);
});

test('live: the notes window follows the presenting window and steps it, shows the question and its answer, opens no WebSocket', async ({ page, context }) => {
  test.setTimeout(120_000);
  const before = stepAfter('concurrent', 'parent-fork') - 1;
  const mainSockets: string[] = [];
  page.on('websocket', (ws) => mainSockets.push(ws.url()));
  await page.goto(`/?lesson=concurrent&step=${before}&present`);
  await atPresenterStep(page, before);
  expect(mainSockets.length, 'the presenting window runs live').toBeGreaterThan(0);

  // N opens the notes window: the same step, &notes instead of &present.
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.keyboard.press('n')]);
  await popup.waitForLoadState();
  const popupUrl = new URL(popup.url());
  expect(popupUrl.searchParams.has('notes')).toBe(true);
  expect(popupUrl.searchParams.has('present')).toBe(false);
  await popup.close();

  const notes = await context.newPage();
  const notesSockets: string[] = [];
  notes.on('websocket', (ws) => notesSockets.push(ws.url()));
  await notes.goto(`/?lesson=concurrent&step=0&notes`);
  await expect(notes.getByTestId('notes-link')).toHaveAttribute('data-status', 'connected');
  await expect(notes.getByTestId('notes-step')).toHaveAttribute('data-step', String(before));

  // The room's question: the notes show it with its answer marked.
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('presenter').getByTestId('choice')).toHaveCount(3);
  await expect(notes.getByTestId('notes-question').first()).toContainText(/Asked now/);
  await expect(notes.getByTestId('notes-answer').first()).toHaveText(/^2 ✓ the answer$/);

  // Answered in the room: the notes follow, with the narration as the room's live run fills it.
  await page.keyboard.press('2');
  await atPresenterStep(page, before + 1);
  await expect(notes.getByTestId('notes-step')).toHaveAttribute('data-step', String(before + 1));
  // The room's figure says the live child's pid (its text alternative); the notes say the same pid.
  const facts = (await page.getByTestId('present-figure').locator('svg').getAttribute('aria-label'))!;
  const childPid = /child#1 \(pid (\d+)\)/.exec(facts)?.[1];
  expect(childPid, facts).toBeDefined();
  await expect(notes.getByTestId('notes-narration')).toContainText(`pid ${childPid}`);
  await expect(notes.getByTestId('notes-title')).toHaveText(/fork\(\)/);
  await expect(notes).toHaveTitle(/^Notes · Step \d+ · The concurrent server/);
  await notes.screenshot({ path: `${SHOTS}/notes-1280x720.png` });
  await expectAccessible(notes, 'the notes window');

  // The notes step the room: a key, and the outline.
  // (The next step asks the room a question first: PageDown in the notes opens it, PageUp closes it.)
  await notes.keyboard.press('PageDown');
  await expect(page.getByTestId('presenter').getByTestId('choice')).toHaveCount(3);
  await expect(notes.getByTestId('notes-question').first()).toContainText(/Asked now, before step/);
  await notes.keyboard.press('PageUp');
  await expect(page.getByTestId('presenter').getByTestId('choice')).toHaveCount(0);
  await atPresenterStep(page, before + 1);
  await notes.getByTestId('outline-step').nth(2).click();
  await atPresenterStep(page, 2);
  await expect(notes.getByTestId('notes-step')).toHaveAttribute('data-step', '2');
  await expect(notes.getByTestId('outline-step').nth(2)).toHaveAttribute('aria-current', 'step');

  // The notes window's link is the room's: this step, presenting.
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(notes.url()).origin });
  await notes.getByTestId('copy-link').click();
  await expect(notes.getByTestId('copy-link-status')).toHaveText('Link copied');
  const link = new URL(await notes.evaluate(() => navigator.clipboard.readText()));
  expect([link.searchParams.get('step'), link.searchParams.has('present'), link.searchParams.has('notes')]).toEqual(['2', true, false]);

  expect(notesSockets, 'the notes window runs nothing live').toEqual([]);
  await page.close();
  await expect(notes.getByTestId('notes-link')).toHaveAttribute('data-status', 'gone');
});

test('too many processes for the screen (a phone): the figure scrolls at the smallest font, the acting process in view', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const step = stepAfter('many-clients', 'child3-close-listenfd');
  await page.goto(lessonUrl('many-clients', step, '&present'));
  await atPresenterStep(page, step);
  const figure = page.getByTestId('present-figure');
  await expect(figure).toHaveAttribute('data-fits', 'false');
  await expect(figure).toHaveAttribute('tabindex', '0');
  const report = await presenterText(page);
  expect(report.minPx, `smallest text “${report.smallest}”`).toBeGreaterThanOrEqual(20 - 0.01);
  expect(report.outside).toEqual([]);
  // The process that acted (child#3) is scrolled to the middle of the figure's view.
  const seen = await figure.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const r = el.querySelector('[data-role="child#3"]')!.getBoundingClientRect();
    const x = r.left + r.width / 2;
    const y = r.top + r.height / 2;
    return x > box.left && x < box.right && y > box.top && y < box.bottom;
  });
  expect(seen).toBe(true);
  await page.screenshot({ path: `${SHOTS}/present-many-390x844.png` });
});
