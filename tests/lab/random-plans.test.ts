// Random plans, run for real (src/plan/random.ts, src/cli/randomPlans.ts): at least 30 in every
// `npm test`, with a printed seed. The model must agree with every kernel snapshot and packet, no
// run may fail, and nothing may be left behind. Prediction differences are counted and printed
// (they say where the prediction and the kernel part), not failed on.
// FORKSCOPE_SEED=S replays a run of the suite; `npm run lab -- --random-plans 1 --seed-exact <seed>`
// replays one plan that a failure printed.

import { describe, expect, it } from 'vitest';
import { runRandomPlans } from '../../src/cli/randomPlans.ts';
import { randomPlan } from '../../src/plan/random.ts';
import { runPlan } from '../../src/server/lab/runPlan.ts';

const PLANS = 30;
const seed = process.env.FORKSCOPE_SEED !== undefined ? Number(process.env.FORKSCOPE_SEED) : Date.now() % 1_000_000;

describe(`${PLANS} random plans (seed ${seed})`, () => {
  it('run for real with the model agreeing with every snapshot and nothing left behind', { timeout: 240_000 }, async () => {
    const lines: string[] = [];
    const summary = await runRandomPlans({
      n: PLANS,
      seed,
      verbose: true,
      runPlan: async (plan) => {
        const r = await runPlan(plan);
        if (r.error) throw r.error;
        return r;
      },
      write: (line) => lines.push(line),
    });
    console.log(lines.join('\n'));
    expect(summary.line).toMatch(new RegExp(`^${PLANS} plans, \\d+ snapshots, 0 disagreements, \\d+ prediction differences$`));
    expect({ failures: summary.failures, leftBehind: summary.leftBehind }).toEqual({ failures: 0, leftBehind: 0 });
    expect(summary.snapshots).toBeGreaterThan(PLANS * 8);
  });
});

describe('a random plan', () => {
  it('is the same for the same seed, and valid', () => {
    expect(randomPlan(seed)).toEqual(randomPlan(seed));
    expect(randomPlan(seed).steps.length).toBeGreaterThanOrEqual(8);
  });
});
