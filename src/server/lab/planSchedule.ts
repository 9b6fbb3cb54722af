// A plan as the runner runs it: the same notions as a scenario's schedule (spawn a program,
// release a gate, kill a process), one entry per plan step, labelled planStepLabel(i). What
// differs from a scenario is said here, once:
//   - every role is the sandbox program (src/lab/sandbox.c), with its steps as argv (encode.ts);
//   - a release is checked against the pending call by NAME only: which descriptor a name
//     (connfd …) resolves to is the program's business, and a number other than the prediction's
//     is a prediction difference, not a runner failure;
//   - a step whose process cannot act (blocked in a call, ended) stalls the plan (stallOf);
//   - a drop acts on a process from outside, as a scenario's (docs/drops.md); a descriptor it
//     names by name (connfd …) is resolved here, as the plan's order says (dropFds).

import { applyStep, resolveFd, startTable } from '../../plan/descriptors.ts';
import { sandboxArgs } from '../../plan/encode.ts';
import { planSource, type PlanSource } from '../../plan/source.ts';
import { kindOfRole, planStepLabel, type DropSegment, type FdRef, type KillSignal, type Plan, type PlanStep } from '../../plan/types.ts';
import type { Program } from '../../trace/types.ts';
import { LabError } from './errors.ts';
import { describeProc, hasEnded, waitsAtGate, type LabProc } from './labProcess.ts';

export type PlanEntry =
  | { id: string; do: 'spawn'; program: Program; role: string }
  /** Release `role` into its pending call, which must be `call` (by name). */
  | { id: string; do: 'release'; role: string; call: string; byName: true }
  | { id: string; do: 'kill'; role: string; signal: KillSignal }
  /** Arm a drop at the socket `role`'s descriptor `fd` names (a number: dropFds resolved a name). */
  | { id: string; do: 'drop'; role: string; fd: number; segment: DropSegment };

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

/**
 * The descriptor number each drop step names, by step index: a number as given; a name
 * (listenfd, connfd, sockfd) as the plan's order binds it (src/plan/descriptors.ts, which
 * parsePlan checks the plan with). A name the plan never bound is refused.
 */
export function dropFds(plan: Plan): Map<number, number> {
  const table = startTable();
  const out = new Map<number, number>();
  plan.steps.forEach((step, i) => {
    const p = table.get(step.proc);
    if (step.do === 'drop' && p) {
      const fd = resolveFd(p, step.fd);
      if (fd === undefined) throw new LabError('bad-plan', `step ${i + 1} drops a ${step.segment} at ${step.proc}'s ${String(step.fd)}, which names no descriptor yet`);
      out.set(i, fd);
    }
    applyStep(table, step);
  });
  return out;
}

/** A validated plan (parsePlan) as schedule entries. */
export function compilePlan(plan: Plan): CompiledPlan {
  const source = planSource(plan);
  const fds = dropFds(plan);
  const entries = plan.steps.map((step, i): PlanEntry => {
    const id = planStepLabel(i);
    switch (step.do) {
      case 'spawn':
        return { id, do: 'spawn', program: kindOfRole(step.proc), role: step.proc };
      case 'kill':
        return { id, do: 'kill', role: step.proc, signal: step.signal };
      case 'drop':
        return { id, do: 'drop', role: step.proc, fd: fds.get(i)!, segment: step.segment };
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
  // A drop acts on the socket, from outside: its process may be anywhere, even blocked in a call.
  if (entry.do === 'drop') return !p ? `${entry.role} does not exist` : hasEnded(p) ? `${entry.role} has ended` : null;
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
