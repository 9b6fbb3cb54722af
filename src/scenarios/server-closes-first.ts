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
    { id: 'parent-socket', do: 'release', role: 'parent' },
    { id: 'parent-bind', do: 'release', role: 'parent' },
    { id: 'parent-listen', do: 'release', role: 'parent' },
    { id: 'parent-accept-blocks', do: 'release', role: 'parent' },
    { id: 'client-start', do: 'spawn', program: 'client', role: 'client#1' },
    { id: 'client-socket', do: 'release', role: 'client#1' },
    { id: 'client-connect', do: 'release', role: 'client#1' },
    { id: 'parent-accept-returns', do: 'release', role: 'parent' },
    { id: 'parent-fork', do: 'release', role: 'parent' },
    { id: 'parent-close-connfd', do: 'release', role: 'parent' },
    { id: 'child-close-listenfd', do: 'release', role: 'child#1' },
    { id: 'parent-accept-again', do: 'release', role: 'parent' },
    { id: 'child-read-blocks', do: 'release', role: 'child#1' },
    { id: 'client-write', do: 'release', role: 'client#1' },
    { id: 'child-write', do: 'release', role: 'child#1' }, // one line only: next the child closes
    { id: 'client-read', do: 'release', role: 'client#1' },
    { id: 'client-read-waits-eof', do: 'release', role: 'client#1' },
    { id: 'child-close-connfd', do: 'release', role: 'child#1' }, // the server's FIN: server FIN_WAIT_2, client CLOSE_WAIT
    { id: 'child-exit', do: 'release', role: 'child#1' },
    { id: 'client-close', do: 'release', role: 'client#1' }, // client LAST_ACK, then gone; server side TIME_WAIT
    { id: 'client-exit', do: 'release', role: 'client#1' },
  ],
};
