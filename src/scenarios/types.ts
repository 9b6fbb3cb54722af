// A scenario is the experiment: which lab programs run, with which knobs, and the order
// in which the scheduler releases their gates. Lessons refer to schedule entries by id.

import type { Scalar } from '../trace/types.ts';

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
  | ({ id: string; do: 'release'; role: string; exits?: string[] } & ReleasedCall)
  /** The runner sends a signal to the process with this role (a `signal` event), which ends it. */
  | { id: string; do: 'kill'; role: string; signal: 'SIGTERM' | 'SIGKILL' | 'SIGINT' };

export interface Scenario {
  id: string;
  title: string;
  /** Knobs of the server program (src/lab/server.c), passed as --name=value. */
  server: Record<string, Scalar>;
  /** Default knobs for every client (src/lab/client.c). */
  client: Record<string, Scalar>;
  schedule: ScheduleEntry[];
}
