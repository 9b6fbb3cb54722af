// SO_LINGER 0 on the client, on the real kernel: close sends RST, no TIME_WAIT.

import { beforeAll, describe, expect, it } from 'vitest';
import { lingerRst } from '../../src/scenarios/linger-rst.ts';
import { calls, clientSock, exitOf, kernels, Recorder, returns, runScenario, serverConn } from './helpers.ts';

let rec: Recorder;
let port: number;
let left: number[];

beforeAll(async () => {
  ({ rec, port, left } = await runScenario(lingerRst));
});

describe('close with SO_LINGER {1, 0}', () => {
  it('is set with setsockopt before close', () => {
    expect(calls(rec, 'setsockopt', 'client#1').map((c) => c.args)).toEqual([{ fd: 3, level: 'SOL_SOCKET', optname: 'SO_LINGER', l_onoff: 1, l_linger: 0 }]);
    expect(returns(rec, 'setsockopt', 'client#1')).toEqual([expect.objectContaining({ ret: 0 })]);
  });

  it('aborts the connection: both ends are gone at once, and no TIME_WAIT is anywhere', () => {
    const k = rec.kernel('client-close-rst');
    expect(clientSock(k, port)).toBeUndefined();
    expect(serverConn(k, port)).toBeUndefined();
    for (const s of kernels(rec)) expect(s.sockets.filter((x) => x.state === 'TIME_WAIT')).toEqual([]);
  });

  it('fails the child’s blocked read with ECONNRESET, and Stevens’ wrapper ends the child', () => {
    expect(returns(rec, 'read', 'child#1').at(-1)).toMatchObject({ ret: -1, errno: 'ECONNRESET' });
    expect(exitOf(rec, 'child#1')).toMatchObject({ status: 1, signal: null });
  });

  it('leaves no lab process after the run', () => {
    expect(left).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
  });
});
