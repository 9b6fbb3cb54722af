import { oneClientAfterAnother, serverStart } from './steps.ts';
import type { Scenario } from './types.ts';

// SIGCHLD left at its default (UNP §5.8): the server never calls wait, so every child that exits
// stays a zombie (state Z, its parent the server), and they pile up, one per client.
export const zombies: Scenario = {
  id: 'zombies',
  title: 'Zombies: SIGCHLD at its default, and no wait',
  server: {},
  client: { message: 'hello, world\n' },
  schedule: [...serverStart(), ...oneClientAfterAnother(3)],
};
