import { CONNFD, oneClientThrough, SOCKFD } from './steps.ts';
import type { Scenario } from './types.ts';

// The server closes first: the child answers one line and closes, while the client reads on
// until end-of-file. The side that closes first does the active close: the server's end goes
// FIN_WAIT_2 then TIME_WAIT, the client's end CLOSE_WAIT until it closes (LAST_ACK, then gone).
export const serverClosesFirst: Scenario = {
  id: 'server-closes-first',
  title: 'The server closes first: TIME_WAIT on the server side',
  server: { 'echo-once': true },
  client: { message: 'hello, world\n', 'wait-eof': true },
  schedule: [
    ...oneClientThrough('client-read'),
    { id: 'client-read-waits-eof', do: 'release', role: 'client#1', call: 'read', fd: SOCKFD },
    { id: 'child-close-connfd', do: 'release', role: 'child#1', call: 'close', fd: CONNFD }, // the server's FIN: server FIN_WAIT_2, client CLOSE_WAIT
    { id: 'child-exit', do: 'release', role: 'child#1', call: 'exit' },
    { id: 'client-close', do: 'release', role: 'client#1', call: 'close', fd: SOCKFD }, // client LAST_ACK, then gone; server side TIME_WAIT
    { id: 'client-exit', do: 'release', role: 'client#1', call: 'exit' },
  ],
};
