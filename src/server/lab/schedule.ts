// A scenario as the runner uses it: its schedule checked before anything starts, and its knobs
// turned into the programs' --name=value flags.

import type { Scenario } from '../../scenarios/types.ts';
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

export function validateSchedule(scenario: Scenario): void {
  const ids = new Set<string>();
  for (const [i, entry] of scenario.schedule.entries()) {
    if (ids.has(entry.id)) throw new LabError('lab-failed', `scenario "${scenario.id}": schedule entry ${i + 1} repeats the id "${entry.id}"`);
    ids.add(entry.id);
    if (entry.do === 'spawn' && entry.program !== 'client' && entry.program !== 'server') {
      throw new LabError('lab-failed', `scenario "${scenario.id}": schedule entry "${entry.id}" spawns "${String(entry.program)}"; only a client or a server can be spawned`);
    }
    if (entry.do === 'spawn' && entry.role === 'parent') {
      throw new LabError('lab-failed', `scenario "${scenario.id}": schedule entry "${entry.id}" spawns a second "parent"; name a restarted server parent#2, parent#3 …`);
    }
    if (entry.do === 'kill' && !['SIGTERM', 'SIGKILL', 'SIGINT'].includes(entry.signal)) {
      throw new LabError('lab-failed', `scenario "${scenario.id}": schedule entry "${entry.id}" sends ${String(entry.signal)}; the runner sends SIGTERM, SIGKILL or SIGINT`);
    }
  }
}
