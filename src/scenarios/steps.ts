// Runs of schedule entries that several scenarios share: serving client N from accept to the
// exits, one client after another. The ids follow one pattern: client<N>-…, child<N>-…, and the
// parent's own steps end in -<N>, so a lesson can narrate them with one template per step kind.
// Every release names the call it lets the process make, and the descriptor for a call that takes
// one; the runner fails the run when the process waits at another.

import type { ScheduleEntry } from './types.ts';

/**
 * The descriptors, as in the book: the reaper closes everything but 0–2, so the server's listening
 * socket is 3 and each connection it accepts 4 (the parent closes it before the next accept); a
 * client's socket is 3.
 */
export const LISTENFD = 3;
export const CONNFD = 4;
export const SOCKFD = 3;

/** The server's start: socket, bind, listen, and the parent blocked in accept. */
export function serverStart(): ScheduleEntry[] {
  return [
    { id: 'parent-socket', do: 'release', role: 'parent', call: 'socket' },
    { id: 'parent-bind', do: 'release', role: 'parent', call: 'bind', fd: LISTENFD },
    { id: 'parent-listen', do: 'release', role: 'parent', call: 'listen', fd: LISTENFD },
    { id: 'parent-accept-blocks', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD },
  ];
}

/**
 * One client served by one child: the flagship scenario (Figures 4.13–4.17) after the server's
 * start. The client closes first, so the client ends in TIME_WAIT. Other one-client scenarios
 * share its opening with `oneClientThrough`.
 */
export function oneClient(): ScheduleEntry[] {
  return [
    { id: 'client-start', do: 'spawn', program: 'client', role: 'client#1' },
    { id: 'client-socket', do: 'release', role: 'client#1', call: 'socket' },
    { id: 'client-connect', do: 'release', role: 'client#1', call: 'connect', fd: SOCKFD }, // Figure 4.14
    { id: 'parent-accept-returns', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD }, // Figure 4.15
    { id: 'parent-fork', do: 'release', role: 'parent', call: 'fork' }, // Figure 4.16
    { id: 'parent-close-connfd', do: 'release', role: 'parent', call: 'close', fd: CONNFD },
    { id: 'child-close-listenfd', do: 'release', role: 'child#1', call: 'close', fd: LISTENFD }, // Figure 4.17
    { id: 'parent-accept-again', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD },
    { id: 'child-read-blocks', do: 'release', role: 'child#1', call: 'read', fd: CONNFD },
    { id: 'client-write', do: 'release', role: 'client#1', call: 'write', fd: SOCKFD },
    { id: 'child-write', do: 'release', role: 'child#1', call: 'write', fd: CONNFD },
    { id: 'client-read', do: 'release', role: 'client#1', call: 'read', fd: SOCKFD },
    { id: 'child-read-again', do: 'release', role: 'child#1', call: 'read', fd: CONNFD },
    { id: 'client-close', do: 'release', role: 'client#1', call: 'close', fd: SOCKFD },
    { id: 'child-close-connfd', do: 'release', role: 'child#1', call: 'close', fd: CONNFD },
    { id: 'child-exit', do: 'release', role: 'child#1', call: 'exit' },
    { id: 'client-exit', do: 'release', role: 'client#1', call: 'exit' },
  ];
}

/** `entries` from the one with id `from` through the one with id `to`. */
function span(entries: ScheduleEntry[], from: string, to: string): ScheduleEntry[] {
  const first = entries.findIndex((e) => e.id === from);
  const last = entries.findIndex((e) => e.id === to);
  if (first < 0 || last < first) throw new Error(`no schedule entries from "${from}" to "${to}"`);
  return entries.slice(first, last + 1);
}

/** The one-client scenario (server start included) from the entry with id `from` through `to`. */
export function oneClientSpan(from: string, to: string): ScheduleEntry[] {
  return span([...serverStart(), ...oneClient()], from, to);
}

/** The one-client scenario (server start included) up to and including the entry with id `to`. */
export function oneClientThrough(to: string): ScheduleEntry[] {
  return oneClientSpan('parent-socket', to);
}

/** Client N connects; the parent accepts, forks child N, closes connfd, and blocks in accept again. */
export function acceptAndFork(n: number): ScheduleEntry[] {
  return [
    { id: `client${n}-start`, do: 'spawn', program: 'client', role: `client#${n}` },
    { id: `client${n}-socket`, do: 'release', role: `client#${n}`, call: 'socket' },
    { id: `client${n}-connect`, do: 'release', role: `client#${n}`, call: 'connect', fd: SOCKFD },
    { id: `parent-accept-returns-${n}`, do: 'release', role: 'parent', call: 'accept', fd: LISTENFD },
    { id: `parent-fork-${n}`, do: 'release', role: 'parent', call: 'fork' },
    { id: `parent-close-connfd-${n}`, do: 'release', role: 'parent', call: 'close', fd: CONNFD },
    { id: `child${n}-close-listenfd`, do: 'release', role: `child#${n}`, call: 'close', fd: LISTENFD },
    { id: `parent-accept-again-${n}`, do: 'release', role: 'parent', call: 'accept', fd: LISTENFD },
  ];
}

/** Child N echoes client N's line; the client closes first; the child closes and exits; the client exits. */
export function echoAndExit(n: number): ScheduleEntry[] {
  return [
    { id: `child${n}-read-blocks`, do: 'release', role: `child#${n}`, call: 'read', fd: CONNFD },
    { id: `client${n}-write`, do: 'release', role: `client#${n}`, call: 'write', fd: SOCKFD },
    { id: `child${n}-write`, do: 'release', role: `child#${n}`, call: 'write', fd: CONNFD },
    { id: `client${n}-read`, do: 'release', role: `client#${n}`, call: 'read', fd: SOCKFD },
    { id: `child${n}-read-again`, do: 'release', role: `child#${n}`, call: 'read', fd: CONNFD },
    { id: `client${n}-close`, do: 'release', role: `client#${n}`, call: 'close', fd: SOCKFD },
    { id: `child${n}-close-connfd`, do: 'release', role: `child#${n}`, call: 'close', fd: CONNFD },
    { id: `child${n}-exit`, do: 'release', role: `child#${n}`, call: 'exit' },
    { id: `client${n}-exit`, do: 'release', role: `client#${n}`, call: 'exit' },
  ];
}

/** Clients 1 … count, each served completely before the next one connects. */
export function oneClientAfterAnother(count: number): ScheduleEntry[] {
  const out: ScheduleEntry[] = [];
  for (let n = 1; n <= count; n++) out.push(...acceptAndFork(n), ...echoAndExit(n));
  return out;
}
