// Accessibility and themes in real Chromium, from the static build (recorded traces): axe-core
// finds no serious or critical violation on the lesson list, lesson views (several steps, a
// question open, its reveal, the Packets and Event-log tabs, an enlarged panel, the end card),
// two more lessons and the sandbox (editor, prediction and outcome, a saved run's differences),
// in the light and the dark theme; the theme switch; the phone layout (390×844).

import { expect, test, type Page } from '@playwright/test';
import { concurrentPlan } from '../../src/plan/examples.ts';
import { predictPlan } from '../../src/plan/predict.ts';
import { findScenario } from '../../src/scenarios/index.ts';
import type { TraceHeader } from '../../src/trace/types.ts';
import { expectAccessible } from './axe.ts';

const STATIC = process.env.FORKSCOPE_E2E_STATIC!;
const schedule = findScenario('concurrent')!.schedule;
const stepAfter = (id: string) => schedule.findIndex((e) => e.id === id) + 1;
const FIG_4_14 = stepAfter('client-connect'); // asks a question first
const FIG_4_16 = stepAfter('parent-fork'); // asks a question first
const LAST = schedule.length;

const indicator = (page: Page) => page.getByTestId('step-indicator');
const atStep = (page: Page, step: number) => expect(indicator(page)).toHaveAttribute('data-step', String(step));

/** Whether the page is drawn dark: the luminance of the body's background. */
async function pageIsDark(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const [r, g, b] = getComputedStyle(document.body).backgroundColor.match(/\d+(\.\d+)?/g)!.map(Number) as [number, number, number];
    return 0.2126 * r + 0.7152 * g + 0.0722 * b < 128;
  });
}
const expectScheme = async (page: Page, scheme: 'light' | 'dark') => expect.poll(() => pageIsDark(page)).toBe(scheme === 'dark');

/** A plan file carrying a run: the concurrent plan and, standing in for its real run, its prediction (unmarked as one). */
function planFileWithRun(): string {
  const [header, ...events] = predictPlan(concurrentPlan).records;
  const { predicted: _, ...asRun } = header as TraceHeader;
  const trace = [asRun, ...events].map((r) => JSON.stringify(r)).join('\n') + '\n';
  return JSON.stringify({ plan: concurrentPlan, trace });
}

const SCHEMES = ['light', 'dark'] as const;

// Each test has its own page and storage: the long scans run side by side with the rest.
test.describe.configure({ mode: 'parallel' });

/**
 * Scan what the page shows now in the light and then the dark theme (the system's preference,
 * emulated): every rule in the light one, and in the dark one the rules a theme can change (only
 * colours differ between them). A state that changes one part of the page is scanned there alone
 * (`include`): axe-core takes seconds a scan on a loaded machine, and the rest was scanned already.
 */
const THEME_RULES = ['color-contrast', 'link-in-text-block'];
async function scanBothThemes(page: Page, where: string, include?: string) {
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    await expectScheme(page, scheme);
    await expectAccessible(page, `${scheme}: ${where}`, include, scheme === 'dark' ? THEME_RULES : undefined);
  }
}

test.beforeEach(async ({ page }) => {
  await page.goto(`${STATIC}/?view=lessons`);
  await page.evaluate(() => localStorage.clear()); // questions unanswered, the system's theme
});

test('axe-core finds nothing serious in either theme: the concurrent server at several steps, a question, the end card', async ({ page }) => {
  test.setTimeout(240_000);
  const scan = (where: string, include?: string) => scanBothThemes(page, `concurrent, ${where}`, include);

  await page.goto(`${STATIC}/?lesson=concurrent&step=0`);
  await atStep(page, 0);
  await expect(page.getByTestId('figure')).toBeVisible();
  await scan('step 0');

  await page.goto(`${STATIC}/?lesson=concurrent&step=${FIG_4_14 - 1}`);
  await atStep(page, FIG_4_14 - 1);
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('question')).toBeVisible();
  await scan('a question open', '[data-testid="question"]');
  await page.keyboard.press('1');
  await atStep(page, FIG_4_14);
  await expect(page.getByTestId('reveal')).toBeVisible();
  await scan('Figure 4.14 with the answer revealed', '[data-testid="narration"]');

  for (let step = FIG_4_14 + 1; step <= FIG_4_16; step++) {
    await page.keyboard.press('ArrowRight');
    if (step === FIG_4_16) {
      await expect(page.getByTestId('question')).toBeVisible();
      await page.keyboard.press('2');
    }
    await atStep(page, step);
  }
  await page.getByRole('tab', { name: 'Packets' }).click();
  await expect(page.getByRole('tab', { name: 'Packets' })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('tab', { name: 'Event log' }).click();
  await expect(page.getByRole('tab', { name: 'Event log' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.event-row').first()).toBeVisible();
  await scan('Figure 4.16, the Packets and Event-log tabs');
  await page.getByRole('button', { name: /^Enlarge descriptors/ }).click();
  await expect(page.locator('.panel.enlarged')).toBeVisible();
  await scan('the descriptors enlarged', '.panel.enlarged');
  await page.keyboard.press('Escape');
  await expect(page.locator('.panel.enlarged')).toHaveCount(0);

  await page.goto(`${STATIC}/?lesson=concurrent&step=${LAST}&questions=off`);
  await expect(page.getByTestId('end-card')).toBeVisible();
  await scan('the end card');
});

test('axe-core finds nothing serious in either theme: the lesson list, zombies, every state, the sandbox', async ({ page }) => {
  test.setTimeout(240_000);
  await page.reload();
  await expect(page.getByTestId('lesson-item').first()).toBeVisible();
  await scanBothThemes(page, 'the lesson list');

  // Exited and zombie rows; every state of the TCP diagram, with packets.
  await page.goto(`${STATIC}/?lesson=zombies&part=zombies&step=${findScenario('zombies')!.schedule.length}&questions=off`);
  await expect(page.getByTestId('end-card')).toBeVisible();
  await scanBothThemes(page, 'zombies, the last step');
  const halfWay = Math.floor(findScenario('every-state')!.schedule.length / 2);
  await page.goto(`${STATIC}/?lesson=every-state&step=${halfWay}&questions=off`);
  await atStep(page, halfWay);
  await page.getByRole('tab', { name: 'Packets' }).click();
  await expect(page.getByRole('tab', { name: 'Packets' })).toHaveAttribute('aria-selected', 'true');
  await scanBothThemes(page, 'every state, half way, packets');

  // The sandbox: the editor; the prediction to its outcome; a saved run against the prediction.
  await page.goto(`${STATIC}/?view=sandbox`);
  await expect(page.getByTestId('plan-step').first()).toBeVisible();
  await scanBothThemes(page, 'the sandbox editor');
  await page.getByTestId('predict').click();
  await expect(page.getByTestId('mode-badge')).toHaveText('predicted');
  await page.getByRole('button', { name: 'Last step' }).click();
  await expect(page.getByTestId('outcome')).toBeVisible();
  await scanBothThemes(page, 'the sandbox, a prediction and its outcome');
  await page.getByRole('button', { name: 'Edit plan' }).click();
  await page.getByTestId('import-plan').setInputFiles({ name: 'run.json', mimeType: 'application/json', buffer: Buffer.from(planFileWithRun()) });
  await page.getByTestId('saved-run').click();
  await expect(page.getByTestId('differences')).toBeVisible();
  await scanBothThemes(page, 'the sandbox, a saved run against the prediction');
});

test('the theme switch: a choice survives a reload and applies before the app runs; System follows the system', async ({ page }) => {
  await page.emulateMedia({ colorScheme: 'light' });
  await page.reload();
  const themeSwitch = page.getByRole('combobox', { name: 'Theme' });
  await expect(themeSwitch).toHaveValue('system');
  await expectScheme(page, 'light');

  await themeSwitch.selectOption('dark');
  await expectScheme(page, 'dark');
  await page.reload();
  await expect(themeSwitch).toHaveValue('dark');
  await expectScheme(page, 'dark');

  // index.html applies the choice by itself, before any of the app's code (here: none at all).
  await page.route('**/assets/*.js', (route) => route.abort());
  await page.reload();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expectScheme(page, 'dark');
  await page.unroute('**/assets/*.js');

  // The lesson's top bar has a compact switch, a button that steps system → light → dark: System
  // follows the system's preference as it changes.
  await page.goto(`${STATIC}/?lesson=concurrent&step=2&questions=off`);
  const barSwitch = page.getByRole('banner').getByTestId('theme-switch');
  await expect(barSwitch).toHaveAccessibleName('Theme: Dark');
  await barSwitch.click();
  await expect(barSwitch).toHaveAccessibleName('Theme: System');
  await expectScheme(page, 'light');
  await page.emulateMedia({ colorScheme: 'dark' });
  await expectScheme(page, 'dark');
  await barSwitch.click();
  await expect(barSwitch).toHaveAccessibleName('Theme: Light');
  await expectScheme(page, 'light');
  // Dark chosen, a print is still light: paper is white.
  await barSwitch.click();
  await expectScheme(page, 'dark');
  await page.emulateMedia({ media: 'print' });
  await expectScheme(page, 'light');
  await page.emulateMedia({ media: 'screen' });
  await barSwitch.click();
  await barSwitch.click();
  await expect(barSwitch).toHaveAccessibleName('Theme: Light');

  // So does the sandbox's; a broken stored value counts as System.
  await page.goto(`${STATIC}/?view=sandbox`);
  await expect(page.getByRole('banner').getByTestId('theme-switch')).toHaveAccessibleName('Theme: Light');
  await page.evaluate(() => localStorage.setItem('forkscope.theme', '{"oops'));
  await page.reload();
  await expect(page.getByRole('banner').getByTestId('theme-switch')).toHaveAccessibleName('Theme: System');
  await expectScheme(page, 'dark');
});

test('a phone (390×844): the list fits its width, a lesson stacks its panels with the step controls in reach, the sandbox fits', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const fitsWidth = () => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

  await page.goto(`${STATIC}/?view=lessons`);
  await expect(page.getByTestId('lesson-item').first()).toBeVisible();
  expect(await fitsWidth(), 'the lesson list scrolls sideways').toBe(true);

  await page.goto(`${STATIC}/?lesson=concurrent&step=${FIG_4_16}&questions=off`);
  await atStep(page, FIG_4_16);
  await expect(page.getByTestId('figure')).toBeVisible();
  expect(await fitsWidth(), 'the lesson scrolls sideways').toBe(true);
  // Stacked: the figure below the narration, each nearly the page's width.
  const narration = (await page.getByTestId('narration').boundingBox())!;
  const figure = (await page.getByRole('region', { name: 'Figure', exact: true }).boundingBox())!;
  expect(figure.y).toBeGreaterThanOrEqual(narration.y + narration.height);
  expect(figure.width).toBeGreaterThan(390 * 0.85);
  // At the foot of the page the step controls are still on screen, and they work.
  await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(844);
  const next = page.getByRole('button', { name: 'Next step' });
  await expect(next).toBeInViewport({ ratio: 1 });
  await next.click();
  await atStep(page, FIG_4_16 + 1);
  await expectAccessible(page, 'a phone: the lesson');

  await page.goto(`${STATIC}/?view=sandbox`);
  await expect(page.getByTestId('plan-step').first()).toBeVisible();
  expect(await fitsWidth(), 'the sandbox scrolls sideways').toBe(true);
});
