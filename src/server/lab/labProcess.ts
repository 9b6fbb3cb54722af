// One lab process as the runner knows it: a program it started, or a child one of them forked.
// Its life, read from its own events: at a gate (a `call` or `ready` read, not yet released),
// inside its call (released, no `return` yet), back in a call a signal handler interrupted, and
// its end (exited, a zombie, gone from /proc). Pure: no kernel, no I/O (tests/unit/lab-process.test.ts).

import type { Program, Scalar, TraceEvent } from '../../trace/types.ts';

export interface PendingCall {
  fn: string;
  /** Its call event's arguments: a release entry's `fd` is checked against them. */
  args: Record<string, Scalar>;
  file: string;
  line: number;
  /** exit's status argument: the exit status of a process that vanishes without a zombie. */
  status?: number;
}

/** A call interrupted by a signal handler whose own calls are events too (sig_chld's waitpid). */
export interface SuspendedCall {
  call: PendingCall;
  atGate: boolean;
}

export interface LabProc {
  pid: number;
  role: string;
  program: Program;
  order: number;
  /** Its call (or ready) event has been read, and it has not been released since: it is at a gate. */
  atGate: boolean;
  /** The call it is at a gate before, or inside; null once it returned. */
  pending: PendingCall | null;
  /** Calls a signal handler interrupted, innermost last: each resumes when the handler's call returns. */
  suspended: SuspendedCall[];
  /** The exit status a waitpid of its parent reported (a child reaped before the runner saw its zombie). */
  reapedStatus: { status: number | null; signal: string | null } | null;
  /** Lines read from it (to tell whether a sleeping process has said something since). */
  events: number;
  /** fork calls released: names a child found in /proc before it spoke (child#N). */
  forks: number;
  /** Released into exit(), or ended on purpose by its step: its ending is expected. */
  exitExpected: boolean;
  /** An exit event has been emitted. */
  exited: boolean;
  zombie: boolean;
  /** No longer in /proc (reaped). */
  gone: boolean;
  /** Started by a reaper of ours, which reports its exit status (lab-reaped). */
  reaperChild: boolean;
  /** The last thing it said on stderr (err_sys), to explain an unexpected exit. */
  lastError: string | null;
}

export function newLabProc(pid: number, role: string, program: Program, order: number, reaperChild: boolean): LabProc {
  return {
    pid,
    role,
    program,
    order,
    atGate: false,
    pending: null,
    suspended: [],
    reapedStatus: null,
    events: 0,
    forks: 0,
    exitExpected: false,
    exited: false,
    zombie: false,
    gone: false,
    reaperChild,
    lastError: null,
  };
}

type Unsequenced<E> = E extends TraceEvent ? Omit<E, 'seq'> : never;
/** An event the process itself wrote (its pid and role), as the runner reads it from the lab. */
export type LabEvent = Extract<Unsequenced<TraceEvent>, { kind: 'call' | 'ready' | 'return' | 'output' | 'signal' }>;

/** What the process's own event says about where it is. */
export function noteLabEvent(p: LabProc, e: LabEvent): void {
  p.role = e.role; // a child names itself (child#N) in its first event
  p.events++;
  switch (e.kind) {
    case 'call':
      // A call while another is pending comes from a signal handler that interrupted it.
      if (p.pending) p.suspended.push({ call: p.pending, atGate: p.atGate });
      p.pending = { fn: e.fn, args: e.args, file: e.file, line: e.line };
      if (e.fn === 'exit' && typeof e.args.status === 'number') p.pending.status = e.args.status;
      p.atGate = true;
      break;
    case 'ready':
      p.atGate = true;
      break;
    case 'return': {
      // The handler's call returned: the interrupted call is pending again (at its gate, or in the kernel).
      const outer = p.pending?.fn === e.fn ? p.suspended.pop() : undefined;
      p.pending = outer?.call ?? null;
      p.atGate = outer?.atGate ?? false;
      break;
    }
    case 'output':
      if (e.stream === 'stderr') p.lastError = e.text;
      break;
    case 'signal':
      break;
  }
}

/** The runner opened the process's gate: it goes on into its pending call. */
export function noteRelease(p: LabProc): void {
  p.atGate = false;
  if (p.pending?.fn === 'exit') p.exitExpected = true;
  if (p.pending?.fn === 'fork') p.forks++;
}

/** Its exit event was written: no call is pending any more. */
export function noteExit(p: LabProc): void {
  p.exited = true;
  p.pending = null;
  p.suspended = [];
  p.atGate = false;
}

/** The status a process that vanished without a word ended with, as far as its events tell. */
export function exitStatusOf(p: LabProc): number | null {
  if (p.pending?.fn === 'exit' && p.pending.status !== undefined) return p.pending.status;
  return p.exitExpected && p.lastError !== null ? 1 : null;
}

/** Where a process is by its events alone, when the kernel will not say (no permission to read its syscall). */
export function placeByEvents(p: LabProc, state: string): 'gate' | 'kernel' | 'running' {
  if (p.atGate) return 'gate';
  return (p.pending || p.events === 0) && state === 'S' ? 'kernel' : 'running';
}

/** For people, in an error message: "waiting at the gate before accept()", "inside read() (…)". */
export function describeProc(p: LabProc): string {
  if (p.gone) return 'gone';
  if (p.zombie) return 'a zombie';
  if (p.exited) return 'exited';
  if (p.atGate) return `waiting at the gate before ${p.pending?.fn ?? '?'}()`;
  if (p.pending) return `inside ${p.pending.fn}() (released at ${p.pending.file}:${p.pending.line})`;
  return p.events === 0 ? 'running, and has not said anything yet' : 'running';
}
