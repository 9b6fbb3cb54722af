// `npm run lab -- --random-plans N --seed S`: N random plans (src/plan/random.ts), each run for
// real; the model checked against every kernel snapshot and every captured packet, and the
// prediction compared with the real run. Prints, last, one line:
//   N plans, M snapshots, D disagreements, P prediction differences
// A disagreement is a bug in the model or the runner (or a kernel nondeterminism the generator
// must avoid): it prints the plan's seed, the plan and the fact, so that it can be replayed alone
// (`--random-plans 1 --seed-exact <seed>`).

import { createReplay } from '../model/replay.ts';
import { comparePlanRuns } from '../plan/compare.ts';
import { predictPlan } from '../plan/predict.ts';
import { randomPlan } from '../plan/random.ts';
import type { Plan } from '../plan/types.ts';
import { parseTrace } from '../trace/parse.ts';
import type { PlanRunResult as FullRunResult } from '../server/lab/runPlan.ts';
import type { Trace, TraceRecord } from '../trace/types.ts';

/** What the driver needs of a run (runPlan's result has it). */
export type PlanRunResult = Pick<FullRunResult, 'records' | 'leftBehind'>;

export interface RandomPlansOptions {
  n: number;
  /** Plan i is made from seed·1000 + i; `exact` runs the one plan of that seed instead. */
  seed: number;
  exact?: boolean;
  runPlan: (plan: Plan) => Promise<PlanRunResult>;
  /** Where the report goes (stderr by default); the summary line is its last line. */
  write?: (line: string) => void;
  /** Print each prediction difference too (they are counted, not errors). */
  verbose?: boolean;
}

export interface RandomPlansSummary {
  plans: number;
  snapshots: number;
  disagreements: number;
  differences: number;
  leftBehind: number;
  /** Runs that failed (the lab itself failed, not the plan): each is a bug too. */
  failures: number;
  line: string;
}

function traceOf(records: readonly TraceRecord[], what: string): Trace {
  const parsed = parseTrace(records.map((r) => JSON.stringify(r)).join('\n'));
  if (!parsed.ok) throw new Error(`${what} is not a valid trace: ${parsed.errors.map((e) => `line ${e.line}: ${e.message}`).join('; ')}`);
  return parsed.trace;
}

export async function runRandomPlans(opts: RandomPlansOptions): Promise<RandomPlansSummary> {
  const write = opts.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const seeds = opts.exact ? [opts.seed] : Array.from({ length: opts.n }, (_, i) => opts.seed * 1000 + i);
  let snapshots = 0;
  let disagreements = 0;
  let differences = 0;
  let leftBehind = 0;
  let failures = 0;
  write(`random plans: ${seeds.length}, seed ${opts.seed}${opts.exact ? ' (exact)' : ''}`);
  for (const seed of seeds) {
    const plan = randomPlan(seed);
    const show = () => `  seed ${seed}: plan ${JSON.stringify(plan)}`;
    let real: PlanRunResult;
    try {
      real = await opts.runPlan(plan);
    } catch (err) {
      failures++;
      write(`run failed, seed ${seed}: ${err instanceof Error ? err.message : String(err)}\n${show()}`);
      continue;
    }
    const end = real.records.find((r) => r.kind === 'end');
    if (end && end.kind === 'end' && end.reason === 'error') {
      failures++;
      write(`run failed, seed ${seed}: ${end.message ?? 'no message'}\n${show()}`);
    }
    if (real.leftBehind.length > 0) {
      leftBehind += real.leftBehind.length;
      write(`lab processes left behind, seed ${seed}: ${real.leftBehind.join(', ')}\n${show()}`);
    }
    const realTrace = traceOf(real.records, `the real run of seed ${seed}`);
    const replay = createReplay(realTrace);
    snapshots += replay.stepCount;
    for (let step = 0; step < replay.stepCount; step++) {
      const found = replay.atStep(step).disagreements;
      if (found.length === 0) continue;
      disagreements += found.length;
      write(`disagreement, seed ${seed}, step ${step} (${replay.atStep(step).label}):`);
      for (const d of found) write(`  ${d.subject}: ${d.fact}: model ${d.model}, kernel ${d.kernel}`);
      write(show());
    }
    const predicted = traceOf(predictPlan(plan).records, `the prediction of seed ${seed}`);
    const compared = comparePlanRuns(predicted, realTrace);
    const found = compared.reduce((n, s) => n + s.differences.length, 0);
    differences += found;
    if (found > 0 && opts.verbose) {
      write(`prediction differences, seed ${seed}:`);
      for (const s of compared) for (const d of s.differences) write(`  step ${s.step} (${s.label}) ${d.subject}: ${d.fact}: predicted ${d.predicted}, real ${d.real}`);
      write(show());
    }
  }
  const line = `${seeds.length} plans, ${snapshots} snapshots, ${disagreements} disagreements, ${differences} prediction differences`;
  write(line);
  return { plans: seeds.length, snapshots, disagreements, differences, leftBehind, failures, line };
}
