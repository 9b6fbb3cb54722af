import { CONNFD, LISTENFD, serverStart, SOCKFD } from './steps.ts';
import type { Scenario } from './types.ts';

// The parent forgets to close connfd: a descriptor leak. The child answers one line, closes and
// exits, but the parent still holds the connection, so no FIN is sent: it stays ESTABLISHED and
// the client, reading on until end-of-file, never gets one. Every client leaks one descriptor
// in the parent; with a limit of 5 (0, 1, 2, listenfd 3, and the leaked 4) the next accept fails
// with EMFILE, and Stevens' Accept wrapper ends the server (err_sys). Its exit closes everything
// it held: client 1 finally reads end-of-file, and client 2's queued connection is reset.
export const parentKeepsConnfd: Scenario = {
  id: 'parent-keeps-connfd',
  title: 'The parent keeps connfd: no FIN, and a leak that ends in EMFILE',
  server: { 'parent-close-connfd': false, 'fd-limit': 5, 'echo-once': true },
  client: { message: 'hello, world\n', 'wait-eof': true },
  schedule: [
    { id: 'parent-setrlimit', do: 'release', role: 'parent', call: 'setrlimit' }, // RLIMIT_NOFILE 5
    ...serverStart(),
    { id: 'client1-start', do: 'spawn', program: 'client', role: 'client#1' },
    { id: 'client1-socket', do: 'release', role: 'client#1', call: 'socket' },
    { id: 'client1-connect', do: 'release', role: 'client#1', call: 'connect', fd: SOCKFD },
    { id: 'parent-accept-returns', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD },
    { id: 'parent-fork', do: 'release', role: 'parent', call: 'fork' }, // and no close(connfd): the parent goes back to accept
    { id: 'child-close-listenfd', do: 'release', role: 'child#1', call: 'close', fd: LISTENFD },
    { id: 'parent-accept-again', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD },
    { id: 'child-read-blocks', do: 'release', role: 'child#1', call: 'read', fd: CONNFD },
    { id: 'client1-write', do: 'release', role: 'client#1', call: 'write', fd: SOCKFD },
    { id: 'child-write', do: 'release', role: 'child#1', call: 'write', fd: CONNFD },
    { id: 'client1-read', do: 'release', role: 'client#1', call: 'read', fd: SOCKFD },
    { id: 'client1-read-waits-eof', do: 'release', role: 'client#1', call: 'read', fd: SOCKFD },
    { id: 'child-close-connfd', do: 'release', role: 'child#1', call: 'close', fd: CONNFD }, // count 2 -> 1: no FIN
    { id: 'child-exit', do: 'release', role: 'child#1', call: 'exit' }, // still ESTABLISHED, held by the parent
    { id: 'client2-start', do: 'spawn', program: 'client', role: 'client#2' },
    { id: 'client2-socket', do: 'release', role: 'client#2', call: 'socket' },
    { id: 'client2-connect', do: 'release', role: 'client#2', call: 'connect', fd: SOCKFD },
    { id: 'parent-accept-emfile', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD, exits: ['parent'] }, // EMFILE; err_sys ends the server
    { id: 'client1-close', do: 'release', role: 'client#1', call: 'close', fd: SOCKFD },
    { id: 'client1-exit', do: 'release', role: 'client#1', call: 'exit' },
    { id: 'client2-write-econnreset', do: 'release', role: 'client#2', call: 'write', fd: SOCKFD, exits: ['client#2'] }, // reset with the listener
  ],
};
