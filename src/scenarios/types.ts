// A scenario is the experiment: which lab programs run, with which knobs, and the order
// in which the scheduler releases their gates. Lessons refer to schedule entries by id.

import type { DroppedSegment, Scalar } from '../trace/types.ts';

/**
 * The lab's calls that take a descriptor (src/lab/unp.h): a release into one of them states which
 * one (`fd`), since the descriptor is what a lesson narrates (close(listenfd) or close(connfd)).
 */
export const FD_CALLS = ['bind', 'listen', 'accept', 'connect', 'setsockopt', 'shutdown', 'close', 'read', 'write'] as const;
/** The lab's calls that take no descriptor: a release into one of them states no `fd`. */
export const NO_FD_CALLS = ['socket', 'fork', 'exit', 'waitpid', 'pause', 'setrlimit', 'sigaction'] as const;
export type FdCall = (typeof FD_CALLS)[number];
export type NoFdCall = (typeof NO_FD_CALLS)[number];
export type LabCall = FdCall | NoFdCall;

/**
 * The call a release lets the process make: the one it waits at the gate before (for accept's
 * second gate, after its `ready` event, accept too; inside sig_chld, the handler's waitpid). The
 * runner checks it against the process's pending call and fails the run when they differ.
 */
export type ReleasedCall = { call: FdCall; fd: number } | { call: NoFdCall; fd?: never };

export type ScheduleEntry =
  /**
   * Start a lab program; it stops at its first gate. A client gets the scenario's client knobs,
   * a server (a restarted one: role 'parent#2' …) the scenario's server knobs; `args` override them.
   */
  | { id: string; do: 'spawn'; program: 'server' | 'client'; role: string; args?: Record<string, Scalar> }
  /**
   * Release the gate that the process with this role is waiting at, into the call it names
   * (`call`, and `fd` for a call that takes a descriptor). `exits` names the roles this step ends
   * on purpose (a wrapper's err_sys on EMFILE, EINTR, EADDRINUSE, ECONNRESET; a SIGPIPE): the
   * runner expects each of them to exit during the step, and fails the run if one does not.
   */
  | ({ id: string; do: 'release'; role: string; exits?: string[]; duringHold?: true } & ReleasedCall)
  /** The runner sends a signal to the process with this role (a `signal` event), which ends it. */
  | { id: string; do: 'kill'; role: string; signal: 'SIGTERM' | 'SIGKILL' | 'SIGINT' }
  /**
   * The runner arms a drop (a `drop` event; docs/drops.md): the next segment of kind `segment`
   * arriving at the socket that descriptor `fd` of the process with this role names is lost. The
   * process makes no call. Once that segment is lost its socket is held; the step after the one
   * that lost it first waits for the retransmission (a `retransmit` event), unless that step is a
   * release marked `duringHold`: it acts while the hold lasts (the peer's close that makes
   * CLOSING) — the runner runs it at once after the step before it and gives out its records at
   * the next step asked for — and the step after it waits. Needs root (the dropper's eBPF filter).
   */
  | { id: string; do: 'drop'; role: string; fd: number; segment: DroppedSegment };

export interface Scenario {
  id: string;
  title: string;
  /** Knobs of the server program (src/lab/server.c), passed as --name=value. */
  server: Record<string, Scalar>;
  /** Default knobs for every client (src/lab/client.c). */
  client: Record<string, Scalar>;
  schedule: ScheduleEntry[];
}
