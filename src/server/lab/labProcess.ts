// One lab process as the runner knows it: a program it started, or a child one of them forked.
// Where it is in its calls — at a gate, inside its call, in a signal handler, ended — is the call
// fold's (src/trace/callFold.ts), the same fold the model reads; what only the runner needs (how
// many forks it was released into, whether its end is expected, what it last said on stderr, how
// /proc last showed it) is kept beside it. Pure: no kernel, no I/O (tests/unit/runner-parts.test.ts).

import { atGate, CALLS_START, foldCall, type CallState } from '../../trace/callFold.ts';
import type { Program } from '../../trace/types.ts';
import type { Pending } from './records.ts';

export interface LabProc {
  pid: number;
  role: string;
  program: Program;
  order: number;
  /** Its calls, as its events tell them (the call fold). */
  calls: CallState;
  /** The exit status a waitpid of its parent reported (a child reaped before the runner saw its zombie). */
  reapedStatus: { status: number | null; signal: string | null } | null;
  /** Lines read from it (to tell whether a sleeping process has said something since). */
  events: number;
  /** fork calls released: names a child found in /proc before it spoke (child#N). */
  forks: number;
  /** Released into exit(), or ended on purpose by its step: its ending is expected. */
  exitExpected: boolean;
  /** Alive, a zombie (ended, not yet reaped), or gone from /proc (reaped): see `endLife`. */
  life: Life;
  /** Started by a reaper of ours, which reports its exit status (lab-reaped). */
  reaperChild: boolean;
  /** The last thing it said on stderr (err_sys), to explain an unexpected exit. */
  lastError: string | null;
  /** The signal the runner sent it (a kill step), to tell how it ended when nobody reports it. */
  killedBy: string | null;
  /** The process that forked it (a server's child), when known. */
  parentPid: number | null;
  /** When /proc first showed it gone with nobody's word yet on how it ended (performance.now()). */
  goneUnexplainedSince: number | null;
}

export function newLabProc(pid: number, role: string, program: Program, order: number, reaperChild: boolean, parentPid: number | null = null): LabProc {
  return {
    pid,
    role,
    program,
    order,
    calls: CALLS_START,
    reapedStatus: null,
    events: 0,
    forks: 0,
    exitExpected: false,
    life: 'alive',
    reaperChild,
    lastError: null,
    killedBy: null,
    parentPid,
    goneUnexplainedSince: null,
  };
}

/** An event the process itself wrote (its pid and role), as the runner reads it from the lab. */
export type LabEvent = Extract<Pending, { kind: 'call' | 'ready' | 'return' | 'output' | 'signal' }>;

/** It waits at the lab's gate: the runner may release it. */
export function waitsAtGate(p: LabProc): boolean {
  return atGate(p.calls);
}

/** What the process's own event says about it. */
export function noteLabEvent(p: LabProc, e: LabEvent): void {
  p.role = e.role; // a child names itself (child#N) in its first event
  p.events++;
  if (e.kind === 'call' || e.kind === 'ready' || e.kind === 'return') p.calls = foldCall(p.calls, e);
  else if (e.kind === 'output' && e.stream === 'stderr') p.lastError = e.text;
}

/** The runner opened the process's gate: it goes on into its pending call. */
export function noteRelease(p: LabProc): void {
  const pending = p.calls.pending;
  if (!pending) return; // at no gate: the runner refuses such a release before it comes here
  if (pending.fn === 'exit') p.exitExpected = true;
  if (pending.fn === 'fork') p.forks++;
  p.calls = foldCall(p.calls, { kind: 'release', fn: pending.fn });
}

/**
 * The step has settled: a process whose signal handler's calls have all returned is back in the
 * call the handler interrupted (the fold's step-end), which the snapshot then names.
 */
export function noteStepEnd(p: LabProc): void {
  p.calls = foldCall(p.calls, { kind: 'step-end' });
}

/**
 * How a process's life ends, as /proc and its reaper show it: alive → zombie (ended, its parent
 * has not reaped it) → gone; or alive → gone at once (reaped by its reaper, its parent's waitpid,
 * or the kernel when SIGCHLD is ignored). `ended` says this is the moment it ended: its exit
 * event is due (once: a zombie that goes has already had it).
 */
export type Life = 'alive' | 'zombie' | 'gone';
export function endLife(life: Life, seen: 'zombie' | 'gone'): { life: Life; ended: boolean } {
  if (life === 'gone') return { life, ended: false };
  if (life === 'zombie') return { life: seen, ended: false };
  return { life: seen, ended: true };
}

/** It has ended: a zombie, or gone. */
export function hasEnded(p: LabProc): boolean {
  return p.life !== 'alive';
}

/** Its exit event was written: no call is pending any more. */
export function noteExit(p: LabProc): void {
  p.calls = foldCall(p.calls, { kind: 'exit' });
}

/** The status a process that vanished without a word ended with, as far as its events tell. */
export function exitStatusOf(p: LabProc): number | null {
  const pending = p.calls.pending;
  if (pending?.fn === 'exit' && typeof pending.args.status === 'number') return pending.args.status;
  return p.exitExpected && p.lastError !== null ? 1 : null;
}

/**
 * How a process that vanished without a word ended, as far as the runner knows: released into
 * exit (its status), killed by the runner (its signal), released into a write and never back
 * (SIGPIPE: a sandbox process ends no other way inside a write), err_sys's 1; else unknown.
 */
export function endByEvents(p: LabProc): { status: number | null; signal: string | null } {
  const status = exitStatusOf(p);
  if (status !== null) return { status, signal: null };
  if (p.killedBy !== null) return { status: null, signal: p.killedBy };
  if (p.calls.place === 'in-call' && p.calls.pending?.fn === 'write') return { status: null, signal: 'SIGPIPE' };
  return { status: null, signal: null };
}

/** Where a process is by its events alone, when the kernel will not say (no permission to read its syscall). */
export function placeByEvents(p: LabProc, state: string): 'gate' | 'kernel' | 'running' {
  if (waitsAtGate(p)) return 'gate';
  return (p.calls.pending || p.events === 0) && state === 'S' ? 'kernel' : 'running';
}

/** For people, in an error message: "waiting at the gate before accept()", "inside read() (…)". */
export function describeProc(p: LabProc): string {
  if (p.life === 'gone') return 'gone';
  if (p.life === 'zombie') return 'a zombie';
  const pending = p.calls.pending;
  if (waitsAtGate(p)) return `waiting at the gate before ${pending?.fn ?? '?'}()`;
  if (pending) return `inside ${pending.fn}() (released at ${pending.file}:${pending.line})`;
  return p.events === 0 ? 'running, and has not said anything yet' : 'running';
}
