import { CONNFD, LISTENFD, serverStart, SOCKFD } from './steps.ts';
import type { Scenario } from './types.ts';

// The child forgets to close listenfd. When the parent is killed, the listening socket lives on
// in the child: a new client's connection still completes in the kernel and waits in the accept
// queue of a socket no one will ever accept on, and a restarted server cannot bind its port
// (EADDRINUSE).
export const childKeepsListenfd: Scenario = {
  id: 'child-keeps-listenfd',
  title: 'The child keeps listenfd: the port outlives the server',
  server: { 'child-close-listenfd': false },
  client: { message: 'hello, world\n' },
  schedule: [
    ...serverStart(),
    { id: 'client1-start', do: 'spawn', program: 'client', role: 'client#1' },
    { id: 'client1-socket', do: 'release', role: 'client#1', call: 'socket' },
    { id: 'client1-connect', do: 'release', role: 'client#1', call: 'connect', fd: SOCKFD },
    { id: 'parent-accept-returns', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD },
    { id: 'parent-fork', do: 'release', role: 'parent', call: 'fork' }, // the child keeps both descriptors
    { id: 'parent-close-connfd', do: 'release', role: 'parent', call: 'close', fd: CONNFD },
    { id: 'parent-accept-again', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD },
    { id: 'child-read-blocks', do: 'release', role: 'child#1', call: 'read', fd: CONNFD },
    { id: 'parent-killed', do: 'kill', role: 'parent', signal: 'SIGTERM' }, // LISTEN now held by the child only
    { id: 'client2-start', do: 'spawn', program: 'client', role: 'client#2' },
    { id: 'client2-socket', do: 'release', role: 'client#2', call: 'socket' },
    { id: 'client2-connect-queued', do: 'release', role: 'client#2', call: 'connect', fd: SOCKFD }, // completes, and waits on the child's listener
    { id: 'parent2-start', do: 'spawn', program: 'server', role: 'parent#2' },
    { id: 'parent2-socket', do: 'release', role: 'parent#2', call: 'socket' },
    { id: 'parent2-bind-eaddrinuse', do: 'release', role: 'parent#2', call: 'bind', fd: LISTENFD, exits: ['parent#2'] }, // err_sys: Address already in use
  ],
};
