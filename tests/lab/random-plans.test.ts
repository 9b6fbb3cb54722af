// Random plans, run for real (src/plan/random.ts, src/cli/randomPlans.ts): at least 30 in every
// `npm test`, with a printed seed. The model must agree with every kernel snapshot and packet, no
// run may fail, and nothing may be left behind. Prediction differences are counted and printed
// (they say where the prediction and the kernel part), not failed on.
// FORKSCOPE_SEED=S replays a run of the suite; `npm run lab -- --random-plans 1 --seed-exact <seed>`
// replays one plan that a failure printed.

import { describe, expect, it } from 'vitest';
import { runRandomPlans } from '../../src/cli/randomPlans.ts';
import { parsePlan } from '../../src/plan/parse.ts';
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
    const plan = randomPlan(seed);
    expect(plan).toEqual(randomPlan(seed));
    expect(parsePlan(JSON.stringify(plan))).toEqual({ ok: true, plan });
    // It opens with the server's start; it may end early (about 1 seed in 250) when every process has exited.
    expect(plan.steps.slice(0, 4).map((s) => s.do)).toEqual(expect.arrayContaining(['socket', 'bind', 'listen']));
  });
  it('ends early only when no process is left to act (seed 392323: a client killed, the server gone)', () => {
    const plan = randomPlan(392323);
    expect(plan.steps.length).toBeLessThan(8);
    expect(plan.steps.at(-1)).toEqual({ proc: 'parent', do: 'exit', status: 0 });
  });
});
