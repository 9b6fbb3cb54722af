// A scenario is the experiment: which lab programs run, with which knobs, and the order
// in which the scheduler releases their gates. Lessons refer to schedule entries by id.

import type { Scalar } from '../trace/types.ts';

export type ScheduleEntry =
  /**
   * Start a lab program; it stops at its first gate. A client gets the scenario's client knobs,
   * a server (a restarted one: role 'parent#2' …) the scenario's server knobs; `args` override them.
   */
  | { id: string; do: 'spawn'; program: 'server' | 'client'; role: string; args?: Record<string, Scalar> }
  /**
   * Release the gate that the process with this role is waiting at. `exits` names the roles this
   * step ends on purpose (a wrapper's err_sys on EMFILE, EINTR, EADDRINUSE, ECONNRESET; a SIGPIPE):
   * the runner expects each of them to exit during the step, and fails the run if one does not.
   */
  | { id: string; do: 'release'; role: string; exits?: string[] }
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
