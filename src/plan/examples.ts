// Plans to start from: the flagship experiment (Figures 4.13–4.17) as a plan, and the classic
// variations a student tries first. The sandbox opens on `concurrentPlan`; tests use them all.

import { PLAN_FORMAT, PLAN_VERSION, type Plan, type PlanStep } from './types.ts';

function plan(title: string, steps: PlanStep[]): Plan {
  return { format: PLAN_FORMAT, version: PLAN_VERSION, title, steps };
}

/** The server's start: socket, bind, listen. */
export const SERVER_START: PlanStep[] = [
  { proc: 'parent', do: 'socket' },
  { proc: 'parent', do: 'bind', fd: 'listenfd' },
  { proc: 'parent', do: 'listen', fd: 'listenfd', backlog: 5 },
];

/** A client connects and the parent accepts and forks. */
export const CONNECT_ACCEPT_FORK: PlanStep[] = [
  { do: 'spawn', proc: 'client#1' },
  { proc: 'client#1', do: 'socket' },
  { proc: 'client#1', do: 'connect', fd: 'sockfd' },
  { proc: 'parent', do: 'accept', fd: 'listenfd' },
  { proc: 'parent', do: 'fork' },
];

/** Figure 4.13 with one client; the client closes first and ends in TIME_WAIT. */
export const concurrentPlan: Plan = plan('The concurrent server, one client: who ends in TIME_WAIT?', [
  ...SERVER_START,
  ...CONNECT_ACCEPT_FORK,
  { proc: 'parent', do: 'close', fd: 'connfd' },
  { proc: 'child#1', do: 'close', fd: 'listenfd' },
  { proc: 'client#1', do: 'write', fd: 'sockfd', text: 'hello\n' },
  { proc: 'child#1', do: 'read', fd: 'connfd' },
  { proc: 'child#1', do: 'write', fd: 'connfd', text: 'HELLO\n' },
  { proc: 'client#1', do: 'read', fd: 'sockfd' },
  { proc: 'client#1', do: 'close', fd: 'sockfd' },
  { proc: 'child#1', do: 'read', fd: 'connfd' },
  { proc: 'child#1', do: 'close', fd: 'connfd' },
  { proc: 'child#1', do: 'exit', status: 0 },
  { proc: 'client#1', do: 'exit', status: 0 },
]);

/** The parent never closes connfd: the child's close sends no FIN (count 2 → 1). */
export const parentKeepsConnfdPlan: Plan = plan('The parent keeps connfd: does the child\'s close send a FIN?', [
  ...SERVER_START,
  ...CONNECT_ACCEPT_FORK,
  { proc: 'child#1', do: 'close', fd: 'listenfd' },
  { proc: 'child#1', do: 'close', fd: 'connfd' },
  { proc: 'client#1', do: 'read', fd: 'sockfd' },
]);

/** Closing a descriptor twice: the second close fails with EBADF. */
export const doubleClosePlan: Plan = plan('Close connfd twice', [
  ...SERVER_START,
  ...CONNECT_ACCEPT_FORK,
  { proc: 'parent', do: 'close', fd: 'connfd' },
  { proc: 'parent', do: 'close', fd: 'connfd' },
]);

/** SO_LINGER {1, 0}: the client's close aborts with RST, and nobody is left in TIME_WAIT. */
export const lingerZeroPlan: Plan = plan('Linger 0: an abortive close', [
  ...SERVER_START,
  ...CONNECT_ACCEPT_FORK,
  { proc: 'parent', do: 'close', fd: 'connfd' },
  { proc: 'client#1', do: 'setsockopt', fd: 'sockfd', opt: 'SO_LINGER', onoff: 1, linger: 0 },
  { proc: 'client#1', do: 'close', fd: 'sockfd' },
  { proc: 'child#1', do: 'read', fd: 'connfd' },
]);

export const EXAMPLE_PLANS: readonly Plan[] = [concurrentPlan, parentKeepsConnfdPlan, doubleClosePlan, lingerZeroPlan];
