import { CONNFD, LISTENFD, oneClientSpan, SOCKFD } from './steps.ts';
import type { Scenario } from './types.ts';

// Restarting a server while its port has a TIME_WAIT (UNP §7.5, SO_REUSEADDR). The server closes
// first, so the TIME_WAIT is on the server's side, on its well-known port. The server is killed
// and restarted: without SO_REUSEADDR, bind fails with EADDRINUSE; with it, bind and listen
// succeed while the TIME_WAIT (and its 2MSL timer) is still there.
//
// Linux lets a bind share a port with a TIME_WAIT only when both the new socket and the one
// that left the TIME_WAIT set SO_REUSEADDR, so the first server sets it too, as Stevens advises
// every TCP server to.
export const restartReuseaddr: Scenario = {
  id: 'restart-reuseaddr',
  title: 'Restarting the server: EADDRINUSE, and SO_REUSEADDR',
  server: { reuseaddr: true, 'echo-once': true },
  client: { message: 'hello, world\n', 'wait-eof': true },
  schedule: [
    { id: 'parent-socket', do: 'release', role: 'parent', call: 'socket' },
    { id: 'parent-setsockopt-reuseaddr', do: 'release', role: 'parent', call: 'setsockopt', fd: LISTENFD },
    ...oneClientSpan('parent-bind', 'client-read'),
    { id: 'client-read-waits-eof', do: 'release', role: 'client#1', call: 'read', fd: SOCKFD },
    { id: 'child-close-connfd', do: 'release', role: 'child#1', call: 'close', fd: CONNFD }, // the server closes first
    { id: 'child-exit', do: 'release', role: 'child#1', call: 'exit' },
    { id: 'client-close', do: 'release', role: 'client#1', call: 'close', fd: SOCKFD }, // TIME_WAIT on the server's port
    { id: 'client-exit', do: 'release', role: 'client#1', call: 'exit' },
    { id: 'parent-killed', do: 'kill', role: 'parent', signal: 'SIGTERM' }, // the listener goes; the TIME_WAIT stays
    { id: 'parent2-start', do: 'spawn', program: 'server', role: 'parent#2', args: { reuseaddr: false } },
    { id: 'parent2-socket', do: 'release', role: 'parent#2', call: 'socket' },
    { id: 'parent2-bind-eaddrinuse', do: 'release', role: 'parent#2', call: 'bind', fd: LISTENFD, exits: ['parent#2'] }, // err_sys: Address already in use
    { id: 'parent3-start', do: 'spawn', program: 'server', role: 'parent#3', args: { reuseaddr: true } },
    { id: 'parent3-socket', do: 'release', role: 'parent#3', call: 'socket' },
    { id: 'parent3-setsockopt-reuseaddr', do: 'release', role: 'parent#3', call: 'setsockopt', fd: LISTENFD },
    { id: 'parent3-bind', do: 'release', role: 'parent#3', call: 'bind', fd: LISTENFD }, // succeeds: the TIME_WAIT is still there
    { id: 'parent3-listen', do: 'release', role: 'parent#3', call: 'listen', fd: LISTENFD },
    { id: 'parent3-accept-blocks', do: 'release', role: 'parent#3', call: 'accept', fd: LISTENFD },
  ],
};
