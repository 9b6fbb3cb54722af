import { oneClientThrough } from './steps.ts';
import type { Scenario } from './types.ts';

// A child that never closes: after end-of-file it calls pause() and blocks forever. The client's
// end waits in FIN_WAIT_2 for a FIN that never comes (until the kernel's FIN_WAIT_2 timeout ends
// the orphaned socket), the server's end stays in CLOSE_WAIT, held by the child, for as long as
// the child lives.
export const neverClose: Scenario = {
  id: 'never-close',
  title: 'A child that never closes: FIN_WAIT_2 and CLOSE_WAIT',
  server: { 'child-close': false },
  client: { message: 'hello, world\n' },
  schedule: [
    ...oneClientThrough('client-close'), // the child's read returns 0 …
    { id: 'child-pause', do: 'release', role: 'child#1', call: 'pause' }, // … and it blocks in pause() instead of closing
    { id: 'client-exit', do: 'release', role: 'client#1', call: 'exit' }, // FIN_WAIT_2 and CLOSE_WAIT stay
  ],
};
