// Embed mode: a lesson in a course page's iframe. The course page is served by the test itself,
// on loopback at an origin of its own (a port of its own), and frames the companion's and the
// static build's pages, in embed mode and not. (A course page at a public address would meet
// Chrome's Local Network Access checks first: a response made up with page.route counts as public.)

import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test, type FrameLocator, type Page } from '@playwright/test';
import { expectAccessible } from './axe.ts';

const COMPANION = process.env.FORKSCOPE_E2E_COMPANION!;
const STATIC = process.env.FORKSCOPE_E2E_STATIC!;
const SHOTS = 'test-results/screenshots';

/** The course page: ?site=<forkscope's origin> frames that site's lesson with and without &embed. */
let course: Server;
let COURSE: string;

test.beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  course = createServer((req, res) => {
    const site = new URL(req.url ?? '/', 'http://course').searchParams.get('site') ?? '';
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(`<!doctype html><html lang="en"><head><title>Course</title></head><body>
    <h1>Week 4: the concurrent server</h1>
    <iframe id="embedded" title="forkscope: the concurrent server" width="800" height="500"
      src="${site}/?lesson=concurrent&step=6&embed"></iframe>
    <iframe id="full" title="forkscope, not embedded" width="640" height="480" src="${site}/?lesson=concurrent&step=6"></iframe>
  </body></html>`);
  });
  await new Promise<void>((resolve) => course.listen(0, '127.0.0.1', resolve));
  COURSE = `http://127.0.0.1:${(course.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise<void>((resolve) => course?.close(() => resolve()));
});

/** A course page (another origin) with two frames: an embedded lesson and the same lesson without &embed. */
async function coursePage(page: Page, site: string): Promise<{ embedded: FrameLocator; full: FrameLocator; sockets: string[] }> {
  const sockets: string[] = [];
  page.on('websocket', (ws) => sockets.push(ws.url()));
  // 'load' waits for both frames, the refused one included.
  await page.goto(`${COURSE}/week4?site=${encodeURIComponent(site)}`, { waitUntil: 'load' });
  return { embedded: page.frameLocator('#embedded'), full: page.frameLocator('#full'), sockets };
}

/** In the embedded frame: click it, step on by keyboard through a question, and follow the step in the link out. */
async function stepsByKeyboard(page: Page, frame: FrameLocator) {
  const indicator = frame.getByTestId('step-indicator');
  await expect(indicator).toHaveAttribute('data-step', '6');
  await expect(frame.getByTestId('embed-note')).toContainText('A recorded run of the real programs');
  // No site chrome: no brand, no lesson list, no score, no notice.
  await expect(frame.locator('.brand, .part-nav, [data-testid="score"], [data-testid="mode-notice"]')).toHaveCount(0);

  await frame.getByTestId('narration').click();
  await expect(frame.getByTestId('embed')).toHaveAttribute('data-focused', 'true');
  await page.keyboard.press('ArrowRight');
  // Step 7 has a question first: answered in the frame, with 2.
  await expect(frame.getByTestId('question')).toBeVisible();
  await page.keyboard.press('2');
  await expect(indicator).toHaveAttribute('data-step', '7');
  await expect(frame.getByTestId('reveal')).toHaveAttribute('data-verdict', 'right');
  await page.keyboard.press('ArrowRight');
  await expect(indicator).toHaveAttribute('data-step', '8');
  await page.keyboard.press('ArrowLeft');
  await expect(indicator).toHaveAttribute('data-step', '7');

  const open = frame.getByTestId('embed-open');
  await expect(open).toHaveAttribute('target', '_blank');
  await expect(open).toHaveAttribute('rel', /noopener/);
  const href = new URL((await open.getAttribute('href'))!);
  expect(href.searchParams.get('lesson')).toBe('concurrent');
  expect(href.searchParams.get('step')).toBe('7');
  expect(href.searchParams.has('embed')).toBe(false);
}

test('the companion’s embedded lesson steps by keyboard in a course page’s frame, with no WebSocket; a page without &embed is refused by the browser', async ({ page }) => {
  const { embedded, full, sockets } = await coursePage(page, COMPANION);
  await stepsByKeyboard(page, embedded);
  // The companion would run this lesson live for a page it served with the token: the embedded one has none and asks nothing.
  expect(sockets).toEqual([]);
  // X-Frame-Options / frame-ancestors: the browser shows nothing of the page in the frame.
  expect(page.frame({ url: (u) => u.href.startsWith(COMPANION) && !u.searchParams.has('embed') })).toBeNull();
  await expect(full.locator('#root')).toHaveCount(0);
});

test('the static build draws an embedded lesson in a frame, and refuses to draw any other page there', async ({ page }) => {
  const { embedded, full, sockets } = await coursePage(page, STATIC);
  await stepsByKeyboard(page, embedded);
  expect(sockets).toEqual([]);
  // No headers on a static host: the app itself refuses, with a link that opens the page in its own tab.
  await expect(full.getByTestId('framed-refusal')).toBeVisible();
  await expect(full.getByTestId('step-indicator')).toHaveCount(0);
  const link = full.getByRole('link', { name: /Open this page in its own tab/ });
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('href', `${STATIC}/?lesson=concurrent&step=6`);
});

test('an embedded lesson fits common iframe sizes and passes axe-core', async ({ page }) => {
  // Figure 4.16 in the larger frame; the last step (a long narration, the end) in the smaller.
  for (const [width, height, step] of [
    [800, 500, 9],
    [640, 480, 21],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.goto(`${STATIC}/?lesson=concurrent&step=${step}&embed`);
    await expect(page.getByTestId('step-indicator')).toHaveAttribute('data-step', String(step));
    await expect(page.getByTestId('figure')).toBeVisible();
    // Nothing sticks out of the frame: the page does not scroll, and the link out is in view.
    const overflow = await page.evaluate(() => ({ x: document.documentElement.scrollWidth - innerWidth, y: document.documentElement.scrollHeight - innerHeight }));
    expect(overflow).toEqual({ x: 0, y: 0 });
    await expect(page.getByTestId('embed-open')).toBeInViewport();
    await expect(page.getByRole('button', { name: 'Next step' })).toBeInViewport();
    await page.screenshot({ path: `${SHOTS}/embed-${width}x${height}-step${step}.png` });
    await expectAccessible(page, `the embedded lesson at ${width}×${height}`);
  }
  // A question, in the small frame.
  await page.goto(`${STATIC}/?lesson=concurrent&step=6&embed`);
  await expect(page.getByTestId('step-indicator')).toHaveAttribute('data-step', '6');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('question')).toBeVisible();
  await page.screenshot({ path: `${SHOTS}/embed-640x480-question.png` });
  await expectAccessible(page, 'the embedded lesson with a question open');
});
