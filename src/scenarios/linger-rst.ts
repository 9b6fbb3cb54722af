import type { Scenario } from './types.ts';

// SO_LINGER with l_onoff 1 and l_linger 0 (UNP §7.5): close() aborts the connection. The client
// sends an RST instead of a FIN: its socket is gone at once, there is no TIME_WAIT anywhere, and
// the child, blocked in read, gets ECONNRESET (and Stevens' Read wrapper ends it).
export const lingerRst: Scenario = {
  id: 'linger-rst',
  title: 'SO_LINGER 0: close sends RST, no TIME_WAIT',
  server: {},
  client: { message: 'hello, world\n', linger0: true },
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
    { id: 'child-write', do: 'release', role: 'child#1' },
    { id: 'client-read', do: 'release', role: 'client#1' },
    { id: 'child-read-again', do: 'release', role: 'child#1' },
    { id: 'client-setsockopt-linger', do: 'release', role: 'client#1' }, // SO_LINGER {1, 0}
    { id: 'client-close-rst', do: 'release', role: 'client#1', exits: ['child#1'] }, // RST: the child's read fails ECONNRESET
    { id: 'client-exit', do: 'release', role: 'client#1' },
  ],
};
