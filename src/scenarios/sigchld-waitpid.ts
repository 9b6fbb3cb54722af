import { acceptAndFork, echoAndExit, LISTENFD } from './steps.ts';
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
    { id: 'parent-socket', do: 'release', role: 'parent', call: 'socket' },
    { id: 'parent-bind', do: 'release', role: 'parent', call: 'bind', fd: LISTENFD },
    { id: 'parent-listen', do: 'release', role: 'parent', call: 'listen', fd: LISTENFD },
    { id: 'parent-sigaction-handler', do: 'release', role: 'parent', call: 'sigaction' }, // Signal(SIGCHLD, sig_chld), SA_RESTART
    { id: 'parent-accept-blocks', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD },
    ...acceptAndFork(1),
    ...acceptAndFork(2),
    ...echoAndExit(1).slice(0, 7), // up to child1-close-connfd
    ...echoAndExit(2).slice(0, 7),
    { id: 'child1-exit', do: 'release', role: 'child#1', call: 'exit' }, // SIGCHLD: the handler runs, and stops before waitpid
    { id: 'child2-exit', do: 'release', role: 'child#2', call: 'exit' }, // a second SIGCHLD, pending while the handler runs
    { id: 'parent-waitpid-reaps-1', do: 'release', role: 'parent', call: 'waitpid' },
    { id: 'parent-waitpid-reaps-2', do: 'release', role: 'parent', call: 'waitpid' }, // the loop takes the second zombie too
    { id: 'parent-waitpid-echild', do: 'release', role: 'parent', call: 'waitpid' }, // none left; the pending SIGCHLD runs the handler again
    { id: 'parent-waitpid-echild-again', do: 'release', role: 'parent', call: 'waitpid' }, // nothing to reap; accept goes on (SA_RESTART)
    { id: 'client1-exit', do: 'release', role: 'client#1', call: 'exit' },
    { id: 'client2-exit', do: 'release', role: 'client#2', call: 'exit' },
  ],
};
