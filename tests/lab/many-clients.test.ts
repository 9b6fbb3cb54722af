// Five clients at once, on the real kernel: five children serve them side by side.

import { beforeAll, describe, expect, it } from 'vitest';
import { manyClients } from '../../src/scenarios/many-clients.ts';
import { clientPort, listener, Recorder, returns, runScenario, serverConnFrom } from './helpers.ts';

let rec: Recorder;
let port: number;
let left: number[];
const N = [1, 2, 3, 4, 5];

beforeAll(async () => {
  ({ rec, port, left } = await runScenario(manyClients));
});

describe('five clients at once', () => {
  it('wait in the accept queue, all five, before the parent accepts any', () => {
    const k = rec.kernel('client5-connect');
    for (const n of N) expect(serverConnFrom(k, port, clientPort(rec, `client#${n}`))).toMatchObject({ state: 'ESTABLISHED', holders: [] });
  });

  it('get five children of the server, each holding its own connection on descriptor 4', () => {
    const k = rec.kernel('parent-accept-again-5');
    const children = k.processes.filter((p) => p.role.startsWith('child#'));
    expect(children.map((p) => p.role)).toEqual(N.map((n) => `child#${n}`));
    expect(children.every((p) => p.ppid === rec.pidOf('parent'))).toBe(true);
    for (const n of N) expect(rec.holders(serverConnFrom(k, port, clientPort(rec, `client#${n}`)))).toEqual([`child#${n}/4`]);
    expect(rec.holders(listener(k, port))).toEqual(['parent/3']);
  });

  it('are all served', () => {
    for (const n of N) expect(returns(rec, 'read', `client#${n}`)[0]).toMatchObject({ ret: 13, data: 'HELLO, WORLD\n' });
  });

  it('leave no lab process after the run', () => {
    expect(left).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
  });
});
