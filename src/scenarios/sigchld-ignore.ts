import { LISTENFD, oneClientAfterAnother } from './steps.ts';
import type { Scenario } from './types.ts';

// Signal(SIGCHLD, SIG_IGN): POSIX says the children of a process that ignores SIGCHLD are not
// turned into zombies. Each child vanishes as it exits; no process is ever in state Z.
export const sigchldIgnore: Scenario = {
  id: 'sigchld-ignore',
  title: 'Ignoring SIGCHLD: children leave no zombie',
  server: { sigchld: 'ignore' },
  client: { message: 'hello, world\n' },
  schedule: [
    { id: 'parent-socket', do: 'release', role: 'parent', call: 'socket' },
    { id: 'parent-bind', do: 'release', role: 'parent', call: 'bind', fd: LISTENFD },
    { id: 'parent-listen', do: 'release', role: 'parent', call: 'listen', fd: LISTENFD },
    { id: 'parent-sigaction-ignore', do: 'release', role: 'parent', call: 'sigaction' },
    { id: 'parent-accept-blocks', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD },
    ...oneClientAfterAnother(2),
  ],
};
