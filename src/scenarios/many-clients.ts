import { acceptAndFork, CONNFD, serverStart, SOCKFD } from './steps.ts';
import type { ReleasedCall, Scenario, ScheduleEntry } from './types.ts';

const CLIENTS = 5;

/** Every client N does step `kind`, released into `call`, in turn: client1-…, client2-… */
function eachClient(kind: string, who: 'client' | 'child', call: ReleasedCall): ScheduleEntry[] {
  return Array.from({ length: CLIENTS }, (_, i) => ({ id: `${who}${i + 1}-${kind}`, do: 'release' as const, role: `${who}#${i + 1}`, ...call }));
}

// Five clients at once: all five connect before the parent accepts any (they wait in the accept
// queue), then the parent accepts and forks five times, and five children serve them side by
// side. Each client echoes one line and closes.
export const manyClients: Scenario = {
  id: 'many-clients',
  title: 'Five clients at once: five children',
  server: {},
  client: { message: 'hello, world\n' },
  schedule: [
    ...serverStart(),
    ...Array.from({ length: CLIENTS }, (_, i) => acceptAndFork(i + 1).slice(0, 3)).flat(), // start, socket, connect
    ...Array.from({ length: CLIENTS }, (_, i) => acceptAndFork(i + 1).slice(3)).flat(), // accept, fork, close, close, accept
    ...eachClient('read-blocks', 'child', { call: 'read', fd: CONNFD }),
    ...eachClient('write', 'client', { call: 'write', fd: SOCKFD }),
    ...eachClient('write', 'child', { call: 'write', fd: CONNFD }),
    ...eachClient('read', 'client', { call: 'read', fd: SOCKFD }),
    ...eachClient('read-again', 'child', { call: 'read', fd: CONNFD }),
    ...eachClient('close', 'client', { call: 'close', fd: SOCKFD }),
    ...eachClient('close-connfd', 'child', { call: 'close', fd: CONNFD }),
    ...eachClient('exit', 'child', { call: 'exit' }),
    ...eachClient('exit', 'client', { call: 'exit' }),
  ],
};
