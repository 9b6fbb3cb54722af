// A whole plan, run for real in one call: for the random-plans driver (`--random-plans`, which
// calls it in a loop) and the lab tests. No fixed sleeps: each step takes as long as the
// kernel needs to settle, and stopping waits only until /proc shows nothing left.

import { existsSync } from 'node:fs';
import type { Plan } from '../../plan/types.ts';
import type { TraceRecord } from '../../trace/types.ts';
import { asLabError, type LabError } from './errors.ts';
import { LabRun, type LabRunSettings } from './run.ts';

export interface PlanRunResult {
  /** The trace: header, events, snapshots, and the `end`. */
  records: TraceRecord[];
  /** Every step ran, and the run ended 'completed'. */
  completed: boolean;
  /** The run ended at a step whose process could not act: the end's message ("plan stalled at step N: …"); else null. */
  stalled: string | null;
  /** The run failed (the runner's fault, or the machine's): what went wrong; null otherwise. */
  error: LabError | null;
  /** Pids of lab processes still alive after the run (none, normally). */
  leftBehind: number[];
}

export type PlanRunOptions = Omit<LabRunSettings, 'onRecord'> & {
  /** Stop after this many steps (default: every step). */
  toStep?: number;
  /** Also called with each record as it is written. */
  onRecord?: (r: TraceRecord) => void;
};

/** Run `plan` (already validated by parsePlan) to its end, a stall, `toStep`, or a failure. Never throws a LabError. */
export async function runPlan(plan: Plan, opts: PlanRunOptions = {}): Promise<PlanRunResult> {
  const { toStep, onRecord, ...settings } = opts;
  const records: TraceRecord[] = [];
  const pids = new Set<number>();
  const record = (r: TraceRecord) => {
    records.push(r);
    if ('pid' in r && typeof r.pid === 'number') pids.add(r.pid);
    onRecord?.(r);
  };
  let run: LabRun | null = null;
  let stalled: string | null = null;
  let error: LabError | null = null;
  try {
    run = await LabRun.start({ ...settings, plan, onRecord: record });
    const target = Math.min(toStep ?? run.stepCount, run.stepCount);
    while (run.step < target && stalled === null) stalled = (await run.next()).stalled ?? null;
    await run.stop(run.done ? 'completed' : 'stopped');
  } catch (err) {
    error = asLabError(err);
    await run?.stop('error', error.message).catch(() => undefined);
  }
  const end = records.findLast((r) => r.kind === 'end');
  return {
    records,
    completed: error === null && end?.kind === 'end' && end.reason === 'completed',
    stalled,
    error,
    leftBehind: [...pids].filter((pid) => pid > 0 && existsSync(`/proc/${pid}`)),
  };
}
