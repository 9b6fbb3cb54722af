// Seeking in a 100,000-event trace: how long atStep/atEvent take anywhere in it, once loaded.
// Prints timings; asserts nothing (tests/unit/replay.test.ts checks that the answers are right).
//
//   npx tsx bench/model.bench.ts        (also run by `npm run bench`, as item 4)

import { pathToFileURL } from 'node:url';
import { createReplay } from '../src/model/index.ts';
import { syntheticTrace } from '../tests/unit/synthetic.ts';

const FRAME_MS = 1000 / 60;
const EVENTS = Number(process.env.BENCH_EVENTS ?? 100_000);
const SEEKS = Number(process.env.BENCH_SEEKS ?? 2_000);

function summary(label: string, samples: number[], frameBudget = true): void {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const median = at(0.5);
  const verdict = median <= FRAME_MS ? 'within' : 'OVER';
  console.log(
    `${label.padEnd(44)} n=${String(sorted.length).padStart(4)}  median ${median.toFixed(2).padStart(6)} ms  p90 ${at(0.9).toFixed(2).padStart(6)} ms  max ${sorted.at(-1)!.toFixed(2).padStart(6)} ms  (${frameBudget ? `${verdict} one frame at the median` : 'once per trace'})`,
  );
}

/** A small deterministic PRNG (mulberry32), so runs seek the same places. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function benchSeek(): Promise<void> {
  const { trace } = syntheticTrace(EVENTS);
  const n = trace.events.length;

  const loads: number[] = [];
  let replay = createReplay(trace);
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    replay = createReplay(trace);
    loads.push(performance.now() - t0);
  }
  console.log(`4. model: a ${n}-event trace, ${replay.stepCount} steps, ${replay.disagreementCount()} disagreements`);
  summary('4a. load (createReplay: forward pass + checks)', loads, false);

  const rand = random(4_13);
  for (let i = 0; i < 50; i++) replay.atEvent(Math.floor(rand() * n)); // warm up
  const events: number[] = [];
  for (let i = 0; i < SEEKS; i++) {
    const index = Math.floor(rand() * n);
    const t0 = performance.now();
    replay.atEvent(index);
    events.push(performance.now() - t0);
  }
  summary('4b. seek: atEvent anywhere', events);

  const withSegments: number[] = [];
  for (let i = 0; i < SEEKS; i++) {
    const index = Math.floor(rand() * n);
    const t0 = performance.now();
    void replay.atEvent(index).segments.length; // the sequence diagram reads every segment so far
    withSegments.push(performance.now() - t0);
  }
  summary('4b′. seek + read all segments', withSegments);

  const steps: number[] = [];
  for (let i = 0; i < SEEKS; i++) {
    const step = Math.floor(rand() * replay.stepCount);
    const t0 = performance.now();
    replay.atStep(step);
    steps.push(performance.now() - t0);
  }
  summary('4c. seek: atStep anywhere', steps);

  // Scrubbing: → and ← through consecutive steps, as the keyboard does.
  const scrub: number[] = [];
  let s = Math.floor(replay.stepCount / 2);
  for (let i = 0; i < SEEKS; i++) {
    s = Math.max(0, Math.min(replay.stepCount - 1, s + (rand() < 0.5 ? -1 : 1)));
    const t0 = performance.now();
    replay.atStep(s);
    scrub.push(performance.now() - t0);
  }
  summary('4d. step → / ← (atStep of a neighbour)', scrub);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchSeek();
}
