import { LISTENFD, oneClientSpan } from './steps.ts';
import type { Scenario } from './types.ts';

// The same SIGCHLD handler, installed without SA_RESTART (UNP §5.9). When the child exits while
// the parent is blocked in accept, the handler runs and reaps it; when the handler returns, the
// interrupted accept is not restarted: it fails with EINTR, and the Accept wrapper's err_sys
// ends the server ("accept error: Interrupted system call").
//
// The lab's pause before accept is off here (accept-poll: no): the parent sleeps in a real
// accept(2), so the call the signal interrupts, and its EINTR, are the kernel's. Without the
// pause, accept returns as soon as the client's connect completes (in the client-connect step).
export const acceptEintr: Scenario = {
  id: 'accept-eintr',
  title: 'accept interrupted: EINTR without SA_RESTART',
  server: { sigchld: 'handler', 'sa-restart': false, 'accept-poll': false },
  client: { message: 'hello, world\n' },
  schedule: [
    { id: 'parent-socket', do: 'release', role: 'parent', call: 'socket' },
    { id: 'parent-bind', do: 'release', role: 'parent', call: 'bind', fd: LISTENFD },
    { id: 'parent-listen', do: 'release', role: 'parent', call: 'listen', fd: LISTENFD },
    { id: 'parent-sigaction-handler', do: 'release', role: 'parent', call: 'sigaction' }, // sig_chld, flags 0
    ...oneClientSpan('parent-accept-blocks', 'child-exit').filter((e) => e.id !== 'parent-accept-returns'), // SIGCHLD interrupts accept: the handler stops before waitpid
    { id: 'parent-waitpid-reaps', do: 'release', role: 'parent', call: 'waitpid' },
    { id: 'parent-waitpid-echild-accept-eintr', do: 'release', role: 'parent', call: 'waitpid', exits: ['parent'] }, // the handler returns: accept fails EINTR
    { id: 'client-exit', do: 'release', role: 'client#1', call: 'exit' },
  ],
};
