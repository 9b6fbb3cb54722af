import { oneClient, serverStart } from './steps.ts';
import type { Scenario } from './types.ts';

// Figure 4.13's server with one client, stepped one system call at a time.
// Each entry is one press of →. The client closes first, so the client ends in TIME_WAIT.
export const concurrent: Scenario = {
  id: 'concurrent',
  title: 'The concurrent server (Figures 4.13–4.17)',
  server: {},
  client: { message: 'hello, world\n' },
  schedule: [...serverStart(), ...oneClient()],
};
