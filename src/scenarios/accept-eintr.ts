import { oneClientSpan } from './steps.ts';
import type { Scenario } from './types.ts';

// The same SIGCHLD handler, installed without SA_RESTART (UNP §5.9). When the child exits while
// the parent is blocked in accept, the handler runs and reaps it; when the handler returns, the
// interrupted accept is not restarted: it fails with EINTR, and Stevens' Accept wrapper aborts
// the server ("accept error: Interrupted system call").
export const acceptEintr: Scenario = {
  id: 'accept-eintr',
  title: 'accept interrupted: EINTR without SA_RESTART',
  server: { sigchld: 'handler', 'sa-restart': false },
  client: { message: 'hello, world\n' },
  schedule: [
    { id: 'parent-socket', do: 'release', role: 'parent' },
    { id: 'parent-bind', do: 'release', role: 'parent' },
    { id: 'parent-listen', do: 'release', role: 'parent' },
    { id: 'parent-sigaction-handler', do: 'release', role: 'parent' }, // sig_chld, flags 0
    ...oneClientSpan('parent-accept-blocks', 'child-exit'), // SIGCHLD interrupts accept: the handler stops before waitpid
    { id: 'parent-waitpid-reaps', do: 'release', role: 'parent' },
    { id: 'parent-waitpid-echild-accept-eintr', do: 'release', role: 'parent', exits: ['parent'] }, // the handler returns: accept fails EINTR
    { id: 'client-exit', do: 'release', role: 'client#1' },
  ],
};
