import { acceptAndFork, serverStart } from './steps.ts';
import type { Scenario, ScheduleEntry } from './types.ts';

const CLIENTS = 5;

/** Every client N does step `kind` in turn: client1-…, client2-… */
function eachClient(kind: string, who: 'client' | 'child'): ScheduleEntry[] {
  return Array.from({ length: CLIENTS }, (_, i) => ({ id: `${who}${i + 1}-${kind}`, do: 'release' as const, role: `${who}#${i + 1}` }));
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
    ...eachClient('read-blocks', 'child'),
    ...eachClient('write', 'client'),
    ...eachClient('write', 'child'),
    ...eachClient('read', 'client'),
    ...eachClient('read-again', 'child'),
    ...eachClient('close', 'client'),
    ...eachClient('close-connfd', 'child'),
    ...eachClient('exit', 'child'),
    ...eachClient('exit', 'client'),
  ],
};
