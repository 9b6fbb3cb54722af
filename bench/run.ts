// `npm run bench`: prints the figures DESIGN.md budgets. Measures; asserts nothing.
//
//   1. live step, lab only: LabRun.next() (release a gate, settle, kernel snapshot)
//   2. live step, over the WebSocket: "step" sent → "stepped" received
//   3. live step, in the browser: → pressed → new step rendered (next animation frame)
//   4. seeking in a 100,000-event trace (bench/model.bench.ts)
//   5. the first page's JavaScript
//   6. predicting a plan (the sandbox predicts on every edit): a 200-step random plan
//
// Budget: one 60 Hz frame (16.7 ms) at the median for 1–3, within a frame for 4.

import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { chromium } from '@playwright/test';
import type { ServerMessage } from '../src/protocol/messages.ts';
import { predictPlan } from '../src/plan/predict.ts';
import { SERVER_START } from '../src/plan/examples.ts';
import { PLAN_FORMAT, PLAN_VERSION, type Plan, type PlanStep } from '../src/plan/types.ts';
import { findScenario } from '../src/scenarios/index.ts';
import { startCompanion } from '../src/server/app.ts';
import { labAvailability } from '../src/server/lab/availability.ts';
import { LabRun } from '../src/server/lab/run.ts';
import { findChromium } from '../tests/e2e/browser.ts';

const ROOT = resolve(fileURLToPath(import.meta.url), '../..');
const FRAME_MS = 1000 / 60;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function summary(label: string, samples: number[]): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const median = at(0.5);
  const verdict = median <= FRAME_MS ? 'within' : 'OVER';
  console.log(
    `${label.padEnd(44)} n=${String(sorted.length).padStart(4)}  median ${median.toFixed(2).padStart(6)} ms  p90 ${at(0.9).toFixed(2).padStart(6)} ms  max ${sorted.at(-1)!.toFixed(2).padStart(6)} ms  (${verdict} one frame at the median)`,
  );
}

async function labSteps(): Promise<void> {
  const scenario = findScenario('concurrent')!;
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const run = await LabRun.start({ scenario, onRecord: () => undefined });
    while (!run.done) {
      const t0 = performance.now();
      await run.next();
      samples.push(performance.now() - t0);
    }
    await run.stop('completed');
  }
  summary('1. live step, lab (release → snapshot)', samples);
}

async function wsSteps(url: string, token: string): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const ws = new WebSocket(`${url.replace('http', 'ws')}ws?token=${token}`, { headers: { Origin: url.replace(/\/$/, '') } });
    const inbox: ServerMessage[] = [];
    let wake: (() => void) | null = null;
    ws.on('message', (d) => {
      inbox.push(JSON.parse(d.toString()) as ServerMessage);
      wake?.();
    });
    const next = async (type: ServerMessage['type']): Promise<ServerMessage> => {
      for (;;) {
        const i = inbox.findIndex((m) => m.type === type || m.type === 'error');
        if (i >= 0) return inbox.splice(i, 1)[0]!;
        await new Promise<void>((r) => (wake = r));
      }
    };
    await new Promise((r) => ws.once('open', r));
    await next('hello');
    ws.send(JSON.stringify({ type: 'start', scenario: 'concurrent', toStep: 0 }));
    let msg = await next('stepped');
    while (msg.type === 'stepped' && !msg.done) {
      const t0 = performance.now();
      ws.send(JSON.stringify({ type: 'step' }));
      msg = await next('stepped');
      samples.push(performance.now() - t0);
    }
    ws.close();
  }
  summary('2. live step, WebSocket (step → stepped)', samples);
}

async function browserSteps(url: string): Promise<void> {
  const choice = findChromium();
  const browser = await chromium.launch({
    executablePath: choice.executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const samples: number[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      page.on('crash', () => console.error('bench: the page crashed'));
      await page.goto(`${url}?lesson=concurrent&step=0&questions=off`);
      await page.getByTestId('mode-badge').filter({ hasText: 'live' }).waitFor();
      const steps = findScenario('concurrent')!.schedule.length;
      for (let s = 0; s < steps; s++) {
        // A person presses → a few times a second at most: let the previous step's after-paint work
        // (arrow measuring, scrolling the source) finish, as it would between real key presses.
        await page.waitForTimeout(150);
        // Time from the key press to the first frame painted after the step indicator changed.
        const ms = await page.evaluate(
          () =>
            new Promise<number>((resolveMs) => {
              const indicator = document.querySelector('[data-testid="step-indicator"]')!;
              const before = indicator.textContent;
              const t0 = performance.now();
              const observer = new MutationObserver(() => {
                if (indicator.textContent === before) return;
                observer.disconnect();
                requestAnimationFrame(() => resolveMs(performance.now() - t0));
              });
              observer.observe(indicator, { childList: true, characterData: true, subtree: true });
              document.body.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight', bubbles: true }));
            }),
        );
        samples.push(ms);
        // The live step has fully arrived (a press while one is in flight is not taken).
        await page.locator(`[data-testid="step-indicator"][data-step="${s + 1}"]`).waitFor();
      }
      await page.close();
    }
  } finally {
    await browser.close();
  }
  summary('3. live step, browser (→ → rendered)', samples);
}

function pageJavaScript(): void {
  const dist = join(ROOT, 'dist');
  const html = readFileSync(join(dist, 'index.html'), 'utf8');
  const first = [...html.matchAll(/(?:src|href)="\/?(assets\/[^"]+\.js)"/g)].map((m) => m[1]!);
  const all = readdirSync(join(dist, 'assets')).filter((f) => f.endsWith('.js'));
  const size = (files: string[]) =>
    files.reduce(
      (acc, f) => {
        const bytes = readFileSync(join(dist, f.startsWith('assets/') ? f : join('assets', f)));
        return { raw: acc.raw + bytes.length, gzip: acc.gzip + gzipSync(bytes).length };
      },
      { raw: 0, gzip: 0 },
    );
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  const firstSize = size(first);
  const allSize = size(all);
  console.log(`5. first page JavaScript: ${first.length} file(s), ${kb(firstSize.raw)} (${kb(firstSize.gzip)} gzip); all chunks: ${all.length} files, ${kb(allSize.raw)} (${kb(allSize.gzip)} gzip)`);
}

/** Figure 4.13 served to eight clients one after another, each echoing three lines (199 steps, near the cap of 200). */
function largestPlan(): Plan {
  const steps: PlanStep[] = [...SERVER_START];
  for (let n = 1; n <= 8; n++) {
    const client = `client#${n}`;
    const child = `child#${n}`;
    steps.push({ do: 'spawn', proc: client }, { proc: client, do: 'socket' }, { proc: client, do: 'connect', fd: 'sockfd' });
    steps.push({ proc: 'parent', do: 'accept', fd: 'listenfd' }, { proc: 'parent', do: 'fork' }, { proc: 'parent', do: 'close', fd: 'connfd' }, { proc: child, do: 'close', fd: 'listenfd' });
    for (let line = 0; line < 3; line++) {
      steps.push({ proc: client, do: 'write', fd: 'sockfd', text: 'hello\n' }, { proc: child, do: 'read', fd: 'connfd' }, { proc: child, do: 'write', fd: 'connfd', text: 'HELLO\n' }, { proc: client, do: 'read', fd: 'sockfd' });
    }
    steps.push({ proc: client, do: 'close', fd: 'sockfd' }, { proc: child, do: 'read', fd: 'connfd' }, { proc: child, do: 'close', fd: 'connfd' }, { proc: child, do: 'exit', status: 0 }, { proc: client, do: 'exit', status: 0 });
    if (n % 2 === 0) steps.push({ proc: 'parent', do: 'waitpid', nohang: true });
  }
  return { format: PLAN_FORMAT, version: PLAN_VERSION, title: 'eight clients, three lines each', steps };
}

/** The sandbox predicts the plan on every edit: a plan near the largest size allowed, predicted again and again. */
function predictions(): void {
  const plan = largestPlan();
  for (let i = 0; i < 5; i++) predictPlan(plan); // warm up
  const samples: number[] = [];
  for (let i = 0; i < Math.max(20, RUNS * 10); i++) {
    const t0 = performance.now();
    predictPlan(plan);
    samples.push(performance.now() - t0);
  }
  summary(`6. predict a ${plan.steps.length}-step plan`, samples);
}

async function main(): Promise<void> {
  const live = labAvailability();
  console.log(`forkscope bench — ${RUNS} runs of the concurrent scenario; budget ${FRAME_MS.toFixed(1)} ms (one 60 Hz frame)\n`);
  // Measure the code as it is now, not a stale build.
  const { build } = await import('vite');
  await build({ root: ROOT, logLevel: 'warn' });
  if (live.live) {
    await labSteps();
    const companion = await startCompanion({ host: '127.0.0.1', port: 0, distDir: join(ROOT, 'dist'), live });
    try {
      await wsSteps(companion.url, companion.token);
      await browserSteps(companion.url);
    } finally {
      await companion.close();
    }
  } else {
    console.log(`1–3. live step: skipped, ${live.reason}`);
  }
  const { benchSeek } = await import('./model.bench.ts');
  await benchSeek();
  pageJavaScript();
  predictions();
}

main().catch((err: unknown) => {
  console.error(`bench: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
