// A scenario is the experiment: which lab programs run, with which knobs, and the order
// in which the scheduler releases their gates. Lessons refer to schedule entries by id.

import type { Scalar } from '../trace/types.ts';

export type ScheduleEntry =
  /** Start a client program; it stops at its first gate. */
  | { id: string; do: 'spawn'; program: 'client'; role: string; args?: Record<string, Scalar> }
  /** Release the gate that the process with this role is waiting at. */
  | { id: string; do: 'release'; role: string };

export interface Scenario {
  id: string;
  title: string;
  /** Knobs of the server program (src/lab/server.c), passed as --name=value. */
  server: Record<string, Scalar>;
  /** Default knobs for every client (src/lab/client.c). */
  client: Record<string, Scalar>;
  schedule: ScheduleEntry[];
}
