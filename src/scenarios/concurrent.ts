import type { Scenario } from './types.ts';

// Figure 4.13's server with one client, stepped one system call at a time.
// Each entry is one press of →. The client closes first, so the client ends in TIME_WAIT.
export const concurrent: Scenario = {
  id: 'concurrent',
  title: 'The concurrent server (Figures 4.13–4.17)',
  server: {},
  client: { message: 'hello, world\n' },
  schedule: [
    { id: 'parent-socket', do: 'release', role: 'parent' },
    { id: 'parent-bind', do: 'release', role: 'parent' },
    { id: 'parent-listen', do: 'release', role: 'parent' },
    { id: 'parent-accept-blocks', do: 'release', role: 'parent' },
    { id: 'client-start', do: 'spawn', program: 'client', role: 'client#1' },
    { id: 'client-socket', do: 'release', role: 'client#1' },
    { id: 'client-connect', do: 'release', role: 'client#1' }, // Figure 4.14
    { id: 'parent-accept-returns', do: 'release', role: 'parent' }, // Figure 4.15
    { id: 'parent-fork', do: 'release', role: 'parent' }, // Figure 4.16
    { id: 'parent-close-connfd', do: 'release', role: 'parent' },
    { id: 'child-close-listenfd', do: 'release', role: 'child#1' }, // Figure 4.17
    { id: 'parent-accept-again', do: 'release', role: 'parent' },
    { id: 'child-read-blocks', do: 'release', role: 'child#1' },
    { id: 'client-write', do: 'release', role: 'client#1' },
    { id: 'child-write', do: 'release', role: 'child#1' },
    { id: 'client-read', do: 'release', role: 'client#1' },
    { id: 'child-read-again', do: 'release', role: 'child#1' },
    { id: 'client-close', do: 'release', role: 'client#1' },
    { id: 'child-close-connfd', do: 'release', role: 'child#1' },
    { id: 'child-exit', do: 'release', role: 'child#1' },
    { id: 'client-exit', do: 'release', role: 'client#1' },
  ],
};
