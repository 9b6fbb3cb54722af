import { acceptEintr } from './accept-eintr.ts';
import { childKeepsListenfd } from './child-keeps-listenfd.ts';
import { concurrent } from './concurrent.ts';
import { everyState } from './every-state.ts';
import { iterative } from './iterative.ts';
import { lingerRst } from './linger-rst.ts';
import { manyClients } from './many-clients.ts';
import { neverClose } from './never-close.ts';
import { parentKeepsConnfd } from './parent-keeps-connfd.ts';
import { restartReuseaddr } from './restart-reuseaddr.ts';
import { serverClosesFirst } from './server-closes-first.ts';
import { shutdown } from './shutdown.ts';
import { sigchldIgnore } from './sigchld-ignore.ts';
import { sigchldWaitpid } from './sigchld-waitpid.ts';
import type { Scenario } from './types.ts';
import { zombies } from './zombies.ts';

export const SCENARIOS: readonly Scenario[] = [
  concurrent,
  iterative,
  shutdown,
  serverClosesFirst,
  restartReuseaddr,
  neverClose,
  parentKeepsConnfd,
  childKeepsListenfd,
  zombies,
  sigchldIgnore,
  sigchldWaitpid,
  acceptEintr,
  lingerRst,
  manyClients,
  everyState,
];

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
