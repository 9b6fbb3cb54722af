import { CONNFD, LISTENFD, serverStart, SOCKFD } from './steps.ts';
import type { Scenario } from './types.ts';

// An iterative server (UNP §4.8's opening, tcpserv without fork): for (;;) { accept; str_echo;
// close; }. While it serves client 1, client 2's connection completes in the kernel and waits in
// the accept queue (ESTABLISHED, no descriptor names it); client 2 even writes its line, which
// waits in the queued connection, and blocks in read for an echo that comes only after client 1
// has gone.
export const iterative: Scenario = {
  id: 'iterative',
  title: 'An iterative server: one client at a time',
  server: { iterative: true },
  client: { message: 'hello, world\n' },
  schedule: [
    ...serverStart(),
    { id: 'client1-start', do: 'spawn', program: 'client', role: 'client#1' },
    { id: 'client1-socket', do: 'release', role: 'client#1', call: 'socket' },
    { id: 'client1-connect', do: 'release', role: 'client#1', call: 'connect', fd: SOCKFD },
    { id: 'parent-accept-returns-1', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD }, // no fork: the parent serves client 1 itself
    { id: 'client2-start', do: 'spawn', program: 'client', role: 'client#2', args: { message: 'second client\n' } },
    { id: 'client2-socket', do: 'release', role: 'client#2', call: 'socket' },
    { id: 'client2-connect-queued', do: 'release', role: 'client#2', call: 'connect', fd: SOCKFD }, // completes in the kernel, waits in the accept queue
    { id: 'client2-write-queued', do: 'release', role: 'client#2', call: 'write', fd: SOCKFD }, // the line waits in the queued connection
    { id: 'client2-read-blocks', do: 'release', role: 'client#2', call: 'read', fd: SOCKFD }, // no one will answer until client 1 is done
    { id: 'parent-read-blocks-1', do: 'release', role: 'parent', call: 'read', fd: CONNFD },
    { id: 'client1-write', do: 'release', role: 'client#1', call: 'write', fd: SOCKFD },
    { id: 'parent-write-1', do: 'release', role: 'parent', call: 'write', fd: CONNFD },
    { id: 'client1-read', do: 'release', role: 'client#1', call: 'read', fd: SOCKFD },
    { id: 'parent-read-again-1', do: 'release', role: 'parent', call: 'read', fd: CONNFD },
    { id: 'client1-close', do: 'release', role: 'client#1', call: 'close', fd: SOCKFD },
    { id: 'parent-close-connfd-1', do: 'release', role: 'parent', call: 'close', fd: CONNFD },
    { id: 'client1-exit', do: 'release', role: 'client#1', call: 'exit' },
    { id: 'parent-accept-again', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD }, // client 2 is already queued: no wait
    { id: 'parent-accept-returns-2', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD },
    { id: 'parent-read-2', do: 'release', role: 'parent', call: 'read', fd: CONNFD }, // the line is already there
    { id: 'parent-write-2', do: 'release', role: 'parent', call: 'write', fd: CONNFD }, // client 2's read returns at last
    { id: 'parent-read-again-2', do: 'release', role: 'parent', call: 'read', fd: CONNFD },
    { id: 'client2-close', do: 'release', role: 'client#2', call: 'close', fd: SOCKFD },
    { id: 'parent-close-connfd-2', do: 'release', role: 'parent', call: 'close', fd: CONNFD },
    { id: 'client2-exit', do: 'release', role: 'client#2', call: 'exit' },
    { id: 'parent-accept-blocks-again', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD },
  ],
};
