// Export, import and print in the lesson view, against the static build (recorded traces; the last
// test against the companion, for a live run's trace so far): the
// figure as a standalone SVG and as a PNG, the step's facts as text, the trace as JSON Lines that
// opens again; a trace opened by the picker and by drag and drop; bad files refused with their
// line, the lesson untouched; the handout and the lesson view in print media.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, test, type Download, type Page } from '@playwright/test';
import { findScenario } from '../../src/scenarios/index.ts';
import { parseTrace } from '../../src/trace/parse.ts';
import { expectAccessible } from './axe.ts';
import { atStep } from './steps.ts';

const STATIC = process.env.FORKSCOPE_E2E_STATIC!;
const schedule = findScenario('concurrent')!.schedule;
const TOTAL = schedule.length + 1;
/** Figure 4.16: after fork, parent and child both hold listenfd and connfd (reference counts 2). */
const FIG_4_16 = schedule.findIndex((e) => e.id === 'parent-fork') + 1;
const RECORDED = readFileSync(fileURLToPath(new URL('../../public/traces/concurrent.jsonl', import.meta.url)), 'utf8');

function indicator(page: Page) {
  return page.getByTestId('step-indicator');
}

async function download(page: Page, testId: string): Promise<{ name: string; data: Buffer }> {
  const saving = page.waitForEvent('download');
  await page.getByTestId(testId).click();
  const d: Download = await saving;
  return { name: d.suggestedFilename(), data: readFileSync((await d.path())!) };
}

/** The recorded concurrent trace with a platform release of our own, so the page shows which file it plays. */
function markedTrace(release: string): string {
  const [head, ...rest] = RECORDED.split('\n');
  const header = JSON.parse(head!);
  header.platform.release = release;
  return [JSON.stringify(header), ...rest].join('\n');
}

test('the figure as SVG and PNG, and the step’s facts as text', async ({ page }) => {
  await page.goto(`${STATIC}/?lesson=concurrent&step=${FIG_4_16}&questions=off`);
  await atStep(page, FIG_4_16);
  await page.getByTestId('export-toggle').click();
  await expect(page.getByTestId('export-svg')).toBeVisible();
  // The menu and what it adds (the rest of the lesson view is scanned by the accessibility tests).
  await expectAccessible(page, 'the lesson with the File menu open', '.export-menu');

  const svg = await download(page, 'export-svg');
  expect(svg.name).toBe(`forkscope-concurrent-concurrent-step${FIG_4_16 + 1}.svg`);
  const text = svg.data.toString('utf8');
  expect(text).not.toMatch(/var\(--|class="|url\(#|href=/);
  // Parsed as SVG on its own, and loaded as an image at its own size.
  const check = await page.evaluate(async (source) => {
    const doc = new DOMParser().parseFromString(source, 'image/svg+xml');
    const root = doc.documentElement;
    const img = new Image();
    img.src = URL.createObjectURL(new Blob([source], { type: 'image/svg+xml' }));
    await img.decode();
    return {
      error: doc.getElementsByTagName('parsererror').length,
      name: root.localName,
      ns: root.namespaceURI,
      width: root.getAttribute('width'),
      height: root.getAttribute('height'),
      viewBox: root.getAttribute('viewBox'),
      roles: [...doc.querySelectorAll('text')].map((t) => t.textContent).filter((t) => /^(parent|child#1)$/.test(t ?? '')),
      roleFill: doc.querySelector('text')?.getAttribute('style') ?? '',
      img: { w: img.naturalWidth, h: img.naturalHeight },
    };
  }, text);
  expect(check.error).toBe(0);
  expect(check.name).toBe('svg');
  expect(check.ns).toBe('http://www.w3.org/2000/svg');
  expect(check.viewBox).toBe(`0 0 ${check.width} ${check.height}`);
  expect(Number(check.width)).toBeGreaterThan(100);
  expect(check.img).toEqual({ w: Number(check.width), h: Number(check.height) });
  expect(check.roles.sort()).toEqual(['child#1', 'parent']);
  expect(check.roleFill).toMatch(/fill: rgb\(/);

  // The PNG: 1920 px wide, the figure's aspect ratio (read from its IHDR chunk).
  const png = await download(page, 'export-png');
  expect(png.name).toBe(`forkscope-concurrent-concurrent-step${FIG_4_16 + 1}.png`);
  expect(png.data.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  expect(png.data.toString('ascii', 12, 16)).toBe('IHDR');
  expect(png.data.readUInt32BE(16)).toBe(1920);
  expect(png.data.readUInt32BE(20)).toBe(Math.round((1920 * Number(check.height)) / Number(check.width)));
  await expect(page.getByTestId('export-status')).toHaveText(/Saved forkscope-concurrent-concurrent-step\d+\.png/);

  const facts = await download(page, 'export-facts');
  expect(facts.name).toBe(`forkscope-concurrent-concurrent-step${FIG_4_16 + 1}.txt`);
  const factsText = facts.data.toString('utf8');
  expect(factsText).toMatch(new RegExp(`^Step ${FIG_4_16 + 1}: `));
  expect(factsText).toMatch(/listening socket: LISTEN, reference count 2 \(parent fd 3, child#1 fd 3\)/);
  expect(factsText).toMatch(/reference count 2 \(parent fd 4, child#1 fd 4\)/);

  // Escape closes the menu and gives focus back to its button.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('export-svg')).toBeHidden();
  await expect(page.getByTestId('export-toggle')).toBeFocused();
  await atStep(page, FIG_4_16);
});

test('the trace saved as JSONL opens again, by the picker and by drag and drop, in the lesson that plays it', async ({ page }) => {
  await page.goto(`${STATIC}/?lesson=concurrent&step=3&questions=off`);
  await atStep(page, 3);
  await page.getByTestId('export-toggle').click();
  const saved = await download(page, 'export-trace');
  expect(saved.name).toBe('forkscope-concurrent.jsonl');
  const text = saved.data.toString('utf8');
  const parsed = parseTrace(text);
  expect(parsed.ok).toBe(true);
  expect(text.trim().split('\n').length).toBe(RECORDED.trim().split('\n').length);

  // By the picker, in a lesson without that scenario: the first lesson that plays it opens, at step 1.
  await page.goto(`${STATIC}/?lesson=zombies&questions=off`);
  await atStep(page, 0);
  await page.getByTestId('import-trace-input').setInputFiles({ name: 'mine.jsonl', mimeType: 'application/x-ndjson', buffer: Buffer.from(markedTrace('picked-kernel')) });
  await expect(page.getByTestId('mode-notice')).toContainText('Playing the trace from the file “mine.jsonl” (concurrent, recorded on linux picked-kernel');
  await expect(page).toHaveURL(/lesson=iterative&part=concurrent&step=0/);
  await atStep(page, 0);
  await expect(indicator(page)).toHaveText(`Step 1 of ${TOTAL}`);
  await page.keyboard.press('End');
  await atStep(page, TOTAL - 1);
  await expect(page.getByTestId('figure')).toBeVisible();
  await expect(page.getByTestId('process-row')).not.toHaveCount(0);

  // Dragged over the page, a file is told where it goes; dropped, the file just saved plays in this lesson's part.
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.items.add(new File(['…'], 'over.jsonl'));
    document.body.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  await expect(page.getByText('Drop a trace file (.jsonl) to play it here')).toBeVisible();
  await page.evaluate((source) => {
    const data = new DataTransfer();
    data.items.add(new File([source], 'dropped.jsonl', { type: 'application/x-ndjson' }));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, markedTrace('dropped-kernel'));
  await expect(page.getByTestId('mode-notice')).toContainText('“dropped.jsonl” (concurrent, recorded on linux dropped-kernel');
  await expect(page.getByText('Drop a trace file (.jsonl) to play it here')).toHaveCount(0);
  await atStep(page, 0);
  await page.keyboard.press('ArrowRight');
  await atStep(page, 1);
});

test('a bad trace file is refused with its line and the reason, and the lesson stays as it was', async ({ page }) => {
  await page.goto(`${STATIC}/?lesson=concurrent&step=5&questions=off`);
  await atStep(page, 5);
  const notice = await page.getByTestId('mode-notice').textContent();
  const url = page.url();
  const lines = RECORDED.split('\n');
  const header = JSON.parse(lines[0]!);
  const open = (name: string, text: string) => page.getByTestId('import-trace-input').setInputFiles({ name, mimeType: 'application/x-ndjson', buffer: Buffer.from(text) });
  const problem = page.getByRole('alert');

  await open('broken.jsonl', [lines[0], lines[1], '{"kind": "call", oops', ...lines.slice(3)].join('\n'));
  await expect(problem).toHaveText(/“broken\.jsonl” was not opened: line 3: not valid JSON/);
  await open('future.jsonl', [JSON.stringify({ ...header, version: 2 }), ...lines.slice(1)].join('\n'));
  await expect(problem).toHaveText(/“future\.jsonl” was not opened: line 1: .*version/);
  await open('other.jsonl', [JSON.stringify({ ...header, scenario: { ...header.scenario, id: 'no-such-scenario' } }), ...lines.slice(1)].join('\n'));
  await expect(problem).toHaveText(/“other\.jsonl” was not opened: line 1: no lesson plays the scenario “no-such-scenario”/);
  await open('empty.jsonl', '');
  await expect(problem).toHaveText(/“empty\.jsonl” was not opened: line 1: the file is empty/);
  // Dropped, too.
  await page.evaluate(() => {
    const data = new DataTransfer();
    data.items.add(new File(['{"kind":"header"}\n'], 'half.jsonl'));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  });
  await expect(problem).toHaveText(/“half\.jsonl” was not opened: line 1: /);

  // Untouched: the same step, URL and notice; stepping still works.
  await atStep(page, 5);
  expect(page.url()).toBe(url);
  await expect(page.getByTestId('mode-notice')).toHaveText(notice!);
  await page.getByRole('button', { name: 'Dismiss' }).click();
  await expect(problem).toHaveCount(0);
  await page.keyboard.press('ArrowRight');
  await atStep(page, 6);
});

test('the handout: every step with its figure and narration, printed without chrome; the lesson view prints its step', async ({ page }) => {
  await page.goto(`${STATIC}/?lesson=concurrent&step=${FIG_4_16}&questions=off`);
  await atStep(page, FIG_4_16);
  await page.getByTestId('export-toggle').click();
  await page.getByTestId('handout-link').click();
  await expect(page).toHaveURL(/[?&]handout(&|$)/);
  const steps = page.getByTestId('handout-step');
  await expect(steps).toHaveCount(TOTAL);
  await expect(page.getByTestId('handout-figure').locator('svg')).toHaveCount(TOTAL);
  for (const narration of await page.getByTestId('handout-narration').all()) await expect(narration).not.toBeEmpty();
  await expect(steps.nth(FIG_4_16).getByRole('heading')).toContainText(`Step ${FIG_4_16 + 1} of ${TOTAL}`);
  await expectAccessible(page, 'the handout');

  await page.emulateMedia({ media: 'print' });
  await expect(page.getByRole('button', { name: 'Print' })).toBeHidden();
  await expect(steps.first()).toBeVisible();
  const print = await steps.evaluateAll((els) =>
    els.map((el) => {
      const fig = el.querySelector('[data-testid="handout-figure"] svg')!.getBoundingClientRect();
      return { breakBefore: getComputedStyle(el).breakBefore, figure: fig.width > 300 && fig.height > 200, color: getComputedStyle(el).color, bg: getComputedStyle(el).backgroundColor };
    }),
  );
  expect(print.slice(1).every((s) => s.breakBefore === 'page')).toBe(true);
  expect(print.every((s) => s.figure && s.color === 'rgb(0, 0, 0)' && s.bg === 'rgb(255, 255, 255)')).toBe(true);

  // The lesson view in print media: the step's figure and narration, no bar, no other panel.
  await page.emulateMedia({ media: 'screen' });
  await page.goBack();
  await atStep(page, FIG_4_16);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.topbar')).toBeHidden();
  await expect(page.getByTestId('figure')).toBeVisible();
  await expect(page.getByTestId('narration')).toBeVisible();
  await expect(page.getByTestId('tcp-diagram')).toBeHidden();
  const fig = await page.getByTestId('figure').boundingBox();
  expect(fig!.height).toBeGreaterThan(300);
});

test('a live run’s trace so far is saved as such, and opens again as a recorded trace', async ({ page }) => {
  await page.goto('/?lesson=concurrent&step=3&questions=off');
  await expect(page.getByTestId('mode-badge')).toHaveText('live');
  await atStep(page, 3);
  await page.getByTestId('export-toggle').click();
  const saved = await download(page, 'export-trace');
  expect(saved.name).toBe('forkscope-concurrent-live-so-far.jsonl');
  await expect(page.getByTestId('export-status')).toHaveText(/the live run so far/);
  const parsed = parseTrace(saved.data.toString('utf8'));
  if (!parsed.ok) throw new Error(`the saved live trace does not parse: ${JSON.stringify(parsed.errors)}`);
  const steps = parsed.trace.events.filter((e) => e.kind === 'kernel').length;
  expect(steps).toBeGreaterThanOrEqual(4);
  expect(steps).toBeLessThan(TOTAL);

  await page.getByTestId('import-trace-input').setInputFiles({ name: saved.name, mimeType: 'application/x-ndjson', buffer: saved.data });
  await expect(page.getByTestId('mode-notice')).toContainText(`“${saved.name}”`);
  await expect(page.getByTestId('mode-badge')).toHaveText('recorded');
  await atStep(page, 0);
  await page.keyboard.press('End');
  await atStep(page, steps - 1);
});
