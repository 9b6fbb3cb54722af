import type { Scenario } from './types.ts';

// A child that never closes: after end-of-file it calls pause() and blocks forever. The client's
// end waits in FIN_WAIT_2 for a FIN that never comes (until the kernel's FIN_WAIT_2 timeout ends
// the orphaned socket), the server's end stays in CLOSE_WAIT, held by the child, for as long as
// the child lives.
export const neverClose: Scenario = {
  id: 'never-close',
  title: 'A child that never closes: FIN_WAIT_2 and CLOSE_WAIT',
  server: { 'child-close': false },
  client: { message: 'hello, world\n' },
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
    { id: 'client-close', do: 'release', role: 'client#1' }, // the child's read returns 0 …
    { id: 'child-pause', do: 'release', role: 'child#1' }, // … and it blocks in pause() instead of closing
    { id: 'client-exit', do: 'release', role: 'client#1' }, // FIN_WAIT_2 and CLOSE_WAIT stay
  ],
};
