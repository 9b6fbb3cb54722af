import { oneClientSpan } from './steps.ts';
import type { Scenario } from './types.ts';

// The same SIGCHLD handler, installed without SA_RESTART (UNP §5.9). The interrupted call must be
// a real accept(2), so that the EINTR is the kernel's: here the lab's Accept calls accept(2) at
// once (knob accept-poll off: no poll, no ready gate), so connect's step also returns connfd and
// there is no parent-accept-returns step (and no Figure 4.14 moment). When the child exits while
// the parent sleeps in accept, the handler runs and reaps it; when the handler returns, the
// interrupted accept is not restarted: it fails with EINTR, and the Accept wrapper's err_sys ends
// the server ("accept error: Interrupted system call", status 1).
export const acceptEintr: Scenario = {
  id: 'accept-eintr',
  title: 'accept interrupted: EINTR without SA_RESTART',
  server: { sigchld: 'handler', 'sa-restart': false, 'accept-poll': false },
  client: { message: 'hello, world\n' },
  schedule: [
    { id: 'parent-socket', do: 'release', role: 'parent' },
    { id: 'parent-bind', do: 'release', role: 'parent' },
    { id: 'parent-listen', do: 'release', role: 'parent' },
    { id: 'parent-sigaction-handler', do: 'release', role: 'parent' }, // sig_chld, flags 0
    ...oneClientSpan('parent-accept-blocks', 'client-connect'), // the parent sleeps in a real accept(2); connect's handshake returns it connfd 4
    ...oneClientSpan('parent-fork', 'child-exit'), // SIGCHLD interrupts accept: the handler stops before waitpid
    { id: 'parent-waitpid-reaps', do: 'release', role: 'parent' },
    { id: 'parent-waitpid-echild-accept-eintr', do: 'release', role: 'parent', exits: ['parent'] }, // the handler returns: accept fails EINTR
    { id: 'client-exit', do: 'release', role: 'client#1' },
  ],
};
