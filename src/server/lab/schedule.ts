// A scenario as the runner uses it: its schedule checked before anything starts, each release
// checked against the call the process really waits at, and its knobs turned into the programs'
// --name=value flags.

import { FD_CALLS, NO_FD_CALLS, type Scenario, type ScheduleEntry } from '../../scenarios/types.ts';
import type { Scalar } from '../../trace/types.ts';
import { LabError } from './errors.ts';

export function knobArgs(knobs: Record<string, Scalar>): string[] {
  const out: string[] = [];
  for (const [name, value] of Object.entries(knobs)) {
    if (value === null) continue;
    if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new LabError('lab-failed', `bad knob name "${name}"`);
    out.push(`--${name}=${value === true ? 'yes' : value === false ? 'no' : String(value)}`);
  }
  return out;
}

/** The runner sets port and role itself; a scenario's own values for them are ignored. */
export function withoutRunnerKnobs(knobs: Record<string, Scalar>): Record<string, Scalar> {
  const { port: _port, role: _role, ...rest } = knobs;
  return rest;
}

type ReleaseEntry = Extract<ScheduleEntry, { do: 'release' }>;

/** The call a process waits at the gate before, as its `call` event gave it (a `ready` gate: the same call). */
export interface PendingCall {
  fn: string;
  args: Readonly<Record<string, Scalar>>;
}

/** A call as a schedule entry or a call event names it: "close(fd 3)", "fork()". */
export function callText(fn: string, fd: unknown): string {
  return fd === undefined ? `${fn}()` : `${fn}(fd ${String(fd)})`;
}

/**
 * Whether a release entry lets its process make the call it says: null when the process waits at
 * that call (same name, same descriptor, or neither has one); otherwise what is wrong, for the run's
 * error after "schedule entry "…" (step N of M)": "releases child#1 into close(fd 3), but child#1
 * waits at read(fd 4)". Nothing is derived: an entry without a descriptor does not match a call with one.
 */
export function releaseMismatch(entry: ReleaseEntry, pending: PendingCall | null): string | null {
  const expected = callText(entry.call, entry.fd);
  if (pending === null) return `releases ${entry.role} into ${expected}, but ${entry.role} waits at no call`;
  const actual = callText(pending.fn, pending.args.fd);
  return actual === expected ? null : `releases ${entry.role} into ${expected}, but ${entry.role} waits at ${actual}`;
}

const FD_CALL_NAMES: readonly string[] = FD_CALLS;
const NO_FD_CALL_NAMES: readonly string[] = NO_FD_CALLS;

/** What is wrong with the call a release entry names, or null (a static check: no process needed). */
function releasedCallProblem(entry: ReleaseEntry): string | null {
  const { call, fd } = entry as { call?: unknown; fd?: unknown };
  if (call === undefined) return `releases ${entry.role} but names no call; say which (call: 'close', fd: 3 …)`;
  if (typeof call !== 'string' || ![...FD_CALL_NAMES, ...NO_FD_CALL_NAMES].includes(call)) {
    return `releases ${entry.role} into ${String(call)}, which the lab's programs never call (they call ${[...FD_CALL_NAMES, ...NO_FD_CALL_NAMES].join(', ')})`;
  }
  if (FD_CALL_NAMES.includes(call) && (typeof fd !== 'number' || !Number.isInteger(fd) || fd < 0)) {
    return `releases ${entry.role} into ${call} but ${fd === undefined ? 'names no descriptor' : `gives fd ${String(fd)}`}; ${call} takes one: say which (fd: 3 …)`;
  }
  if (NO_FD_CALL_NAMES.includes(call) && fd !== undefined) return `releases ${entry.role} into ${call} with fd ${String(fd)}, but ${call} takes no descriptor`;
  return null;
}

export function validateSchedule(scenario: Scenario): void {
  const ids = new Set<string>();
  for (const [i, entry] of scenario.schedule.entries()) {
    if (ids.has(entry.id)) throw new LabError('lab-failed', `scenario "${scenario.id}": schedule entry ${i + 1} repeats the id "${entry.id}"`);
    ids.add(entry.id);
    const problem = entry.do === 'release' ? releasedCallProblem(entry) : null;
    if (problem) throw new LabError('lab-failed', `scenario "${scenario.id}": schedule entry "${entry.id}" ${problem}`);
    if (entry.do === 'spawn' && entry.program !== 'client' && entry.program !== 'server') {
      throw new LabError('lab-failed', `scenario "${scenario.id}": schedule entry "${entry.id}" spawns "${String(entry.program)}"; only a client or a server can be spawned`);
    }
    if (entry.do === 'spawn' && entry.role === 'parent') {
      throw new LabError('lab-failed', `scenario "${scenario.id}": schedule entry "${entry.id}" spawns a second "parent"; name a restarted server parent#2, parent#3 …`);
    }
    if (entry.do === 'drop' && (!['SYN-ACK', 'ACK', 'FIN', 'data'].includes(entry.segment) || !Number.isInteger(entry.fd) || entry.fd < 0)) {
      throw new LabError('lab-failed', `scenario "${scenario.id}": schedule entry "${entry.id}" drops ${String(entry.segment)} at fd ${String(entry.fd)}; a drop names a descriptor and one of SYN-ACK, ACK, FIN, data`);
    }
    if (entry.do === 'kill' && !['SIGTERM', 'SIGKILL', 'SIGINT'].includes(entry.signal)) {
      throw new LabError('lab-failed', `scenario "${scenario.id}": schedule entry "${entry.id}" sends ${String(entry.signal)}; the runner sends SIGTERM, SIGKILL or SIGINT`);
    }
  }
}
