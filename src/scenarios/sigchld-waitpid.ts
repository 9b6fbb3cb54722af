import { acceptAndFork, echoAndExit } from './steps.ts';
import type { Scenario } from './types.ts';

// A SIGCHLD handler that calls waitpid in a loop (UNP Figure 5.11), installed with SA_RESTART.
// Two children exit one right after the other: the first SIGCHLD runs the handler, and while it
// runs (SIGCHLD blocked) the second is only marked pending: signals are not queued. The loop
// reaps both anyway, then waitpid says ECHILD; the pending SIGCHLD runs the handler once more,
// which finds nothing. With SA_RESTART, the interrupted accept goes on waiting.
export const sigchldWaitpid: Scenario = {
  id: 'sigchld-waitpid',
  title: 'A SIGCHLD handler with waitpid reaps every child (Figure 5.11)',
  server: { sigchld: 'handler' },
  client: { message: 'hello, world\n' },
  schedule: [
    { id: 'parent-socket', do: 'release', role: 'parent' },
    { id: 'parent-bind', do: 'release', role: 'parent' },
    { id: 'parent-listen', do: 'release', role: 'parent' },
    { id: 'parent-sigaction-handler', do: 'release', role: 'parent' }, // Signal(SIGCHLD, sig_chld), SA_RESTART
    { id: 'parent-accept-blocks', do: 'release', role: 'parent' },
    ...acceptAndFork(1),
    ...acceptAndFork(2),
    ...echoAndExit(1).slice(0, 7), // up to child1-close-connfd
    ...echoAndExit(2).slice(0, 7),
    { id: 'child1-exit', do: 'release', role: 'child#1' }, // SIGCHLD: the handler runs, and stops before waitpid
    { id: 'child2-exit', do: 'release', role: 'child#2' }, // a second SIGCHLD, pending while the handler runs
    { id: 'parent-waitpid-reaps-1', do: 'release', role: 'parent' },
    { id: 'parent-waitpid-reaps-2', do: 'release', role: 'parent' }, // the loop takes the second zombie too
    { id: 'parent-waitpid-echild', do: 'release', role: 'parent' }, // none left; the pending SIGCHLD runs the handler again
    { id: 'parent-waitpid-echild-again', do: 'release', role: 'parent' }, // nothing to reap; accept goes on (SA_RESTART)
    { id: 'client1-exit', do: 'release', role: 'client#1' },
    { id: 'client2-exit', do: 'release', role: 'client#2' },
  ],
};
