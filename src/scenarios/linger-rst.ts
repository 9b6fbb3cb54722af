import { oneClientThrough, SOCKFD } from './steps.ts';
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
    ...oneClientThrough('child-read-again'),
    { id: 'client-setsockopt-linger', do: 'release', role: 'client#1', call: 'setsockopt', fd: SOCKFD }, // SO_LINGER {1, 0}
    { id: 'client-close-rst', do: 'release', role: 'client#1', call: 'close', fd: SOCKFD, exits: ['child#1'] }, // RST: the child's read fails ECONNRESET
    { id: 'client-exit', do: 'release', role: 'client#1', call: 'exit' },
  ],
};
