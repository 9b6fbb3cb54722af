import { CONNFD, LISTENFD, oneClientThrough, SOCKFD } from './steps.ts';
import type { Scenario } from './types.ts';

// The parent calls shutdown(connfd, SHUT_WR) instead of close(connfd) (UNP §6.6): shutdown acts on
// the socket, not on the descriptor, so the FIN goes out although parent and child both still
// hold the open file (count 2). The client goes to CLOSE_WAIT and its read returns end-of-file
// although the child never closed; the child can still read (only the sending half is shut), but
// its write fails with EPIPE and SIGPIPE ends it (UNP §5.13).
export const shutdown: Scenario = {
  id: 'shutdown',
  title: 'shutdown instead of close: the FIN goes out whatever the count',
  server: { shutdown: true },
  client: { message: 'hello, world\n' },
  schedule: [
    ...oneClientThrough('parent-fork'),
    { id: 'parent-shutdown-connfd', do: 'release', role: 'parent', call: 'shutdown', fd: CONNFD }, // FIN, with the count still 2: client in CLOSE_WAIT
    { id: 'child-close-listenfd', do: 'release', role: 'child#1', call: 'close', fd: LISTENFD },
    { id: 'parent-accept-again', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD },
    { id: 'child-read-blocks', do: 'release', role: 'child#1', call: 'read', fd: CONNFD },
    { id: 'client-write', do: 'release', role: 'client#1', call: 'write', fd: SOCKFD }, // the child can still read
    { id: 'client-read-eof', do: 'release', role: 'client#1', call: 'read', fd: SOCKFD }, // 0: end-of-file, though the child never closed
    { id: 'child-write-epipe', do: 'release', role: 'child#1', call: 'write', fd: CONNFD, exits: ['child#1'] }, // EPIPE; SIGPIPE kills the child
    { id: 'client-close', do: 'release', role: 'client#1', call: 'close', fd: SOCKFD },
    { id: 'client-exit', do: 'release', role: 'client#1', call: 'exit' },
  ],
};
