// Runs of schedule entries that several scenarios share: serving client N from accept to the
// exits, one client after another. The ids follow one pattern: client<N>-…, child<N>-…, and the
// parent's own steps end in -<N>, so a lesson can narrate them with one template per step kind.

import type { ScheduleEntry } from './types.ts';

/** The server's start: socket, bind, listen, and the parent blocked in accept. */
export function serverStart(): ScheduleEntry[] {
  return [
    { id: 'parent-socket', do: 'release', role: 'parent' },
    { id: 'parent-bind', do: 'release', role: 'parent' },
    { id: 'parent-listen', do: 'release', role: 'parent' },
    { id: 'parent-accept-blocks', do: 'release', role: 'parent' },
  ];
}

/** Client N connects; the parent accepts, forks child N, closes connfd, and blocks in accept again. */
export function acceptAndFork(n: number): ScheduleEntry[] {
  return [
    { id: `client${n}-start`, do: 'spawn', program: 'client', role: `client#${n}` },
    { id: `client${n}-socket`, do: 'release', role: `client#${n}` },
    { id: `client${n}-connect`, do: 'release', role: `client#${n}` },
    { id: `parent-accept-returns-${n}`, do: 'release', role: 'parent' },
    { id: `parent-fork-${n}`, do: 'release', role: 'parent' },
    { id: `parent-close-connfd-${n}`, do: 'release', role: 'parent' },
    { id: `child${n}-close-listenfd`, do: 'release', role: `child#${n}` },
    { id: `parent-accept-again-${n}`, do: 'release', role: 'parent' },
  ];
}

/** Child N echoes client N's line; the client closes first; the child closes and exits; the client exits. */
export function echoAndExit(n: number): ScheduleEntry[] {
  return [
    { id: `child${n}-read-blocks`, do: 'release', role: `child#${n}` },
    { id: `client${n}-write`, do: 'release', role: `client#${n}` },
    { id: `child${n}-write`, do: 'release', role: `child#${n}` },
    { id: `client${n}-read`, do: 'release', role: `client#${n}` },
    { id: `child${n}-read-again`, do: 'release', role: `child#${n}` },
    { id: `client${n}-close`, do: 'release', role: `client#${n}` },
    { id: `child${n}-close-connfd`, do: 'release', role: `child#${n}` },
    { id: `child${n}-exit`, do: 'release', role: `child#${n}` },
    { id: `client${n}-exit`, do: 'release', role: `client#${n}` },
  ];
}

/** Clients 1 … count, each served completely before the next one connects. */
export function oneClientAfterAnother(count: number): ScheduleEntry[] {
  const out: ScheduleEntry[] = [];
  for (let n = 1; n <= count; n++) out.push(...acceptAndFork(n), ...echoAndExit(n));
  return out;
}
