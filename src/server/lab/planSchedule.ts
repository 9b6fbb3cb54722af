// A plan as the runner runs it: the same notions as a scenario's schedule (spawn a program,
// release a gate, kill a process), one entry per plan step, labelled planStepLabel(i). What
// differs from a scenario is said here, once:
//   - every role is the sandbox program (src/lab/sandbox.c), with its steps as argv (encode.ts);
//   - a release is checked against the pending call by NAME only: which descriptor a name
//     (connfd …) resolves to is the program's business, and a number other than the prediction's
//     is a prediction difference, not a runner failure;
//   - a step whose process cannot act (blocked in a call, ended) stalls the plan (stallOf).

import { sandboxArgs } from '../../plan/encode.ts';
import { planSource, type PlanSource } from '../../plan/source.ts';
import { kindOfRole, planStepLabel, type KillSignal, type Plan, type PlanStep } from '../../plan/types.ts';
import type { Program } from '../../trace/types.ts';
import { LabError } from './errors.ts';
import { describeProc, hasEnded, waitsAtGate, type LabProc } from './labProcess.ts';

export type PlanEntry =
  | { id: string; do: 'spawn'; program: Program; role: string }
  /** Release `role` into its pending call, which must be `call` (by name). */
  | { id: string; do: 'release'; role: string; call: string; byName: true }
  | { id: string; do: 'kill'; role: string; signal: KillSignal };

/** The call event's name for a plan action (the lab's wrapper for `signal` is sigaction). */
export function callOfStep(step: PlanStep): string {
  return step.do === 'signal' ? 'sigaction' : step.do;
}

export interface CompiledPlan {
  plan: Plan;
  source: PlanSource;
  entries: PlanEntry[];
  /** The sandbox's argv for a launch of `role` on `port`. */
  args(role: string, port: number): string[];
}

/** A validated plan (parsePlan) as schedule entries. Drop steps are refused until segment drops exist. */
export function compilePlan(plan: Plan): CompiledPlan {
  const source = planSource(plan);
  const entries = plan.steps.map((step, i): PlanEntry => {
    const id = planStepLabel(i);
    switch (step.do) {
      case 'spawn':
        return { id, do: 'spawn', program: kindOfRole(step.proc), role: step.proc };
      case 'kill':
        return { id, do: 'kill', role: step.proc, signal: step.signal };
      case 'drop':
        throw new LabError('bad-plan', `step ${i + 1} drops a ${step.segment} at ${step.proc}: drop steps need the runner's segment drops (a socket filter), which this build does not have yet; remove the step to run the rest`);
      default:
        return { id, do: 'release', role: step.proc, call: callOfStep(step), byName: true };
    }
  });
  return { plan, source, entries, args: (role, port) => sandboxArgs(plan, role, port, source) };
}

/** A release by name: null when the process waits at `call`, else what is wrong (after "step N: "). */
export function nameMismatch(entry: Extract<PlanEntry, { do: 'release' }>, pending: { fn: string } | null): string | null {
  if (pending === null) return `releases ${entry.role} into ${entry.call}(), but ${entry.role} waits at no call`;
  return pending.fn === entry.call ? null : `releases ${entry.role} into ${entry.call}(), but ${entry.role} waits at ${pending.fn}()`;
}

/**
 * Why the process of a plan step cannot act, or null when it can: a release needs its process at
 * a gate, a kill a live process. The run then ends there (convention 7): "client#1 is blocked in
 * read()", "child#1 has ended".
 */
export function stallOf(entry: PlanEntry, p: LabProc | undefined): string | null {
  if (entry.do === 'spawn') return null;
  if (!p) return `${entry.role} does not exist`;
  if (hasEnded(p)) return `${entry.role} has ended`;
  if (entry.do === 'kill' || waitsAtGate(p)) return null;
  const pending = p.calls.pending;
  return pending ? `${entry.role} is blocked in ${pending.fn}()` : `${entry.role} is ${describeProc(p)}`;
}

/** The end message of a plan that stalled before step `index` (0-based). */
export function stallMessage(index: number, why: string): string {
  return `plan stalled at step ${index + 1}: ${why}`;
}
