import { oneClientAfterAnother } from './steps.ts';
import type { Scenario } from './types.ts';

// Signal(SIGCHLD, SIG_IGN): POSIX says the children of a process that ignores SIGCHLD are not
// turned into zombies. Each child vanishes as it exits; no process is ever in state Z.
export const sigchldIgnore: Scenario = {
  id: 'sigchld-ignore',
  title: 'Ignoring SIGCHLD: children leave no zombie',
  server: { sigchld: 'ignore' },
  client: { message: 'hello, world\n' },
  schedule: [
    { id: 'parent-socket', do: 'release', role: 'parent' },
    { id: 'parent-bind', do: 'release', role: 'parent' },
    { id: 'parent-listen', do: 'release', role: 'parent' },
    { id: 'parent-sigaction-ignore', do: 'release', role: 'parent' },
    { id: 'parent-accept-blocks', do: 'release', role: 'parent' },
    ...oneClientAfterAnother(2),
  ],
};
