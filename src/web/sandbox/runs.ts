// The two runs of a plan the sandbox shows: the prediction (the model alone, in the page) and a
// real run's trace, and what the side card says about a step of either. Pure.

import { stepText } from '../../plan/editor.ts';
import { predictPlan } from '../../plan/predict.ts';
import type { Plan } from '../../plan/types.ts';
import { createReplay, type Replay } from '../../model/index.ts';
import type { Trace, TraceEvent, TraceHeader } from '../../trace/types.ts';

export interface PredictedTrace {
  trace: Trace;
  replay: Replay;
  /** Where the plan stalls, when it does. */
  stalled: { step: number; message: string } | null;
}

/** predictPlan's records as a trace and its replay. */
export function predict(plan: Plan): PredictedTrace {
  const run = predictPlan(plan);
  const [header, ...events] = run.records;
  const trace: Trace = { header: header as TraceHeader, events: events as TraceEvent[] };
  return { trace, replay: createReplay(trace), stalled: run.stalled };
}

/** The title of a step of a plan's trace: "start", or "client#1: close(sockfd)". */
export function planStepTitle(plan: Plan, step: number): string {
  if (step === 0) return 'start: the server is launched';
  const s = plan.steps[step - 1];
  if (!s) return `step ${step}`;
  return s.do === 'spawn' || s.do === 'kill' || s.do === 'drop' ? stepText(s) : `${s.proc}: ${stepText(s)}`;
}

/** The process that acts in a step (step 0: the server). */
export function actingRoleOf(plan: Plan, step: number): string | null {
  if (step === 0) return 'parent';
  return plan.steps[step - 1]?.proc ?? null;
}

export interface StepReturn {
  role: string;
  fn: string;
  ret: number;
  errno: string | null;
}

/** The calls that returned during a step, in order (the acting one first, as the trace orders them). */
export function stepReturns(replay: Replay, step: number): StepReturn[] {
  if (step <= 0 || step >= replay.stepCount) return [];
  const [first, last] = replay.eventRangeOfStep(step);
  const out: StepReturn[] = [];
  for (const e of replay.trace.events.slice(first, last + 1)) {
    if (e.kind === 'return') out.push({ role: e.role, fn: e.fn, ret: e.ret, errno: e.errno ?? null });
  }
  return out;
}

/** How the run ended early ("plan stalled at step 9: client#1 is blocked in read()"), or null. */
export function stallOf(trace: Trace): string | null {
  const end = [...trace.events].reverse().find((e) => e.kind === 'end');
  if (!end || end.kind !== 'end') return null;
  const message = end.message ?? null;
  return message && /^plan stalled/.test(message) ? message : null;
}
