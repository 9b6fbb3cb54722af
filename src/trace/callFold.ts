// The lifecycle of one process's calls, as its events tell it: one pure fold, for the runner
// (which must know whether a process waits at a gate before it releases it, and which call it is
// in) and for the model (which shows it, and which the kernel check holds against the kernel).
//
//   call     the process stops at the lab's gate before the call (a call made while another is
//            pending comes from a signal handler: the pending call is interrupted, and waits)
//   release  the runner opened the gate: the process is inside its pending call (asleep in the
//            kernel, or about to return)
//   ready    a call that waited (accept's lab-made wait in poll) can complete: at the gate again
//   return   the call returned: running. If it was not the pending call, it is the interrupted
//            call of that name (the handler has returned into it, and it returns now or fails
//            with EINTR)
//   exit     the process has ended: nothing is pending any more, and nothing happens after
//   step-end the step has settled. A process whose handler's calls have all returned and that
//            made no new call has left the handler: it is back in the call the handler
//            interrupted, where that call was (accept restarted by SA_RESTART)
//
// A trace 1.0 has no `release` events and does not say when a handler returned: its step-end
// carries what the runner's snapshot said (`observed`), which decides both.
//
// Pure and dependency-free (only the trace contract's types): a state that does not change is
// returned as is, so a caller can tell by identity that nothing happened.
//
// Use: keep one CallState per process (CALLS_START for a new one, or a forked child), fold each of
// its events in the order of the trace, and fold `step-end` into every process once a step has
// settled and before its snapshot is read: between a handler's last return and the end of the
// step the process runs in the handler (place 'running', the interrupted call in `interrupted`),
// and only the settled step says it went back into the call. The model does this per event
// (src/model/processes.ts foldCalls), and so does the runner (src/server/lab/labProcess.ts): `atGate(s)` before a release, `s.pending`
// for the release's fn, a snapshot's blockedIn and exit's status argument, `kernelCallsAt(s)` for
// where the kernel should show it.

import type { CallEvent, CallName, ProcessPlace, ReadyEvent, ReleaseEvent, ReturnEvent, Scalar } from './types.ts';
import { GATE_SYSCALL, kernelCallsFor } from './syscalls.ts';

/** A call of a lab program, as its `call` event gave it. */
export interface Call {
  fn: CallName;
  /** Where in the C source the call is. */
  file: string;
  line: number;
  /** Its arguments (a `return` event does not repeat them). */
  args: Readonly<Record<string, Scalar>>;
  /** The lab first waits in poll(2) until the call can complete (accept's first half), until a `ready`. */
  waitsIn?: 'poll';
}

/**
 * Where a process is, by its calls: running its own code; stopped at the lab's gate before its
 * pending call; inside its pending call (asleep in the kernel until it returns); or ended.
 */
export type CallPlace = 'running' | 'gate' | 'in-call' | 'exited';

/** A call a signal handler interrupted, and where it was when the handler began. */
export interface InterruptedCall {
  call: Call;
  place: 'gate' | 'in-call';
}

export interface CallState {
  place: CallPlace;
  /** The call the process waits at the gate before, or is inside of; null when running or exited. */
  pending: Call | null;
  /** Calls a signal handler interrupted, outermost first; empty when no handler runs. */
  interrupted: readonly InterruptedCall[];
  /**
   * The call made (or resumed) last: the source line of a process that is running, and the
   * arguments a `return` refers to. null before the first call.
   */
  last: Call | null;
}

/** What the runner's kernel snapshot said of a process (trace 1.0's only word on it). */
export interface ObservedPlace {
  place: ProcessPlace;
  blockedIn: string | null;
}

/**
 * One event of one process, as the fold reads it. Trace events (and the runner's events before
 * they are numbered) of these kinds fit as they are; `step-end` is the end of a step (a `kernel`
 * snapshot), with `observed` only for a trace without `release` events.
 */
export type CallLifeEvent =
  | Pick<CallEvent, 'kind' | 'fn' | 'file' | 'line' | 'args' | 'waitsIn'>
  | Pick<ReleaseEvent, 'kind' | 'fn'>
  | Pick<ReadyEvent, 'kind' | 'fn'>
  | Pick<ReturnEvent, 'kind' | 'fn'>
  | { kind: 'exit' }
  | { kind: 'step-end'; observed?: ObservedPlace };

/** A process before its first call: running, nothing pending. */
export const CALLS_START: CallState = Object.freeze({ place: 'running', pending: null, interrupted: Object.freeze([]), last: null });

/** The next state of one process's calls after one of its events. Pure. */
export function foldCall(s: CallState, e: CallLifeEvent): CallState {
  if (s.place === 'exited') return s;
  switch (e.kind) {
    case 'call': {
      const call: Call = e.waitsIn ? { fn: e.fn, file: e.file, line: e.line, args: e.args, waitsIn: e.waitsIn } : { fn: e.fn, file: e.file, line: e.line, args: e.args };
      // A call before the pending one returned: a signal handler runs inside it.
      const interrupted = s.pending === null ? s.interrupted : [...s.interrupted, { call: s.pending, place: s.place as InterruptedCall['place'] }];
      return { place: 'gate', pending: call, interrupted, last: call };
    }
    case 'release':
      // Into the pending call; a release with nothing pending changes nothing (the caller may say so).
      return s.pending === null || s.place === 'in-call' ? s : { ...s, place: 'in-call' };
    case 'ready': {
      // Woken: the call can complete now, after the gate. It is the pending call, or one a handler
      // interrupted (the handler has returned into it); else a call the events did not announce.
      let t = s.pending?.fn === e.fn ? s : resume(s, e.fn);
      if (t === null) {
        const call: Call = { fn: e.fn, file: s.last?.file ?? '', line: s.last?.line ?? 0, args: s.last?.args ?? {} };
        t = { ...s, pending: call, last: call };
      }
      const p = t.pending!;
      const pending = p.waitsIn ? { fn: p.fn, file: p.file, line: p.line, args: p.args } : p;
      return { place: 'gate', pending, interrupted: t.interrupted, last: t.last };
    }
    case 'return': {
      const t = s.pending?.fn === e.fn ? s : (resume(s, e.fn) ?? s);
      return { place: 'running', pending: null, interrupted: t.interrupted, last: t.last };
    }
    case 'exit':
      return { place: 'exited', pending: null, interrupted: [], last: s.last };
    case 'step-end': {
      const seen = e.observed;
      if (seen === undefined) {
        // Settled with the handler's calls all returned: back in the call it interrupted.
        if (s.pending !== null || s.interrupted.length === 0) return s;
        return resume(s, s.interrupted[s.interrupted.length - 1]!.call.fn)!;
      }
      // Trace 1.0: the snapshot's place says whether the process sleeps inside its call, and so
      // whether a handler has returned into the call it names.
      let t = s;
      if (t.pending === null && t.interrupted.length > 0 && seen.blockedIn !== null && (seen.place === 'kernel' || seen.place === 'gate')) {
        t = resume(t, seen.blockedIn) ?? t;
      }
      if (t.pending !== null && t.place !== 'in-call' && seen.place === 'kernel' && (seen.blockedIn === null || seen.blockedIn === t.pending.fn)) {
        t = { ...t, place: 'in-call' };
      }
      return t;
    }
  }
}

/**
 * The handler has returned into the interrupted call `fn` (the innermost one of that name, and
 * any handler inside it has ended too): it is pending again, where it was. null if none is `fn`.
 */
function resume(s: CallState, fn: string): CallState | null {
  for (let i = s.interrupted.length - 1; i >= 0; i--) {
    const c = s.interrupted[i]!;
    if (c.call.fn !== fn) continue;
    return { place: c.place, pending: c.call, interrupted: s.interrupted.slice(0, i), last: c.call };
  }
  return null;
}

/** Fold a process's events from `from` (default: before its first call). */
export function foldCalls(events: Iterable<CallLifeEvent>, from: CallState = CALLS_START): CallState {
  let s = from;
  for (const e of events) s = foldCall(s, e);
  return s;
}

/** The process waits at the lab's gate (the runner may release it). */
export function atGate(s: CallState): boolean {
  return s.place === 'gate';
}

/** In a signal handler: some call is interrupted. */
export function inHandler(s: CallState): boolean {
  return s.interrupted.length > 0;
}

/**
 * The system calls the kernel may show a process in (a kernel snapshot's `syscall`), where the
 * fold has it: the gate's at the gate, one that stands for its pending call inside it (poll while
 * the lab waits first), none when it runs its own code or has ended.
 */
export function kernelCallsAt(s: { place: CallPlace; pending: Pick<Call, 'fn' | 'waitsIn'> | null }): readonly string[] {
  if (s.pending === null) return [];
  if (s.place === 'gate') return [GATE_SYSCALL];
  if (s.place === 'in-call') return kernelCallsFor(s.pending.fn, s.pending.waitsIn);
  return [];
}
