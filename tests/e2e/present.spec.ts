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
