// A child that never closes, on the real kernel: FIN_WAIT_2 on the client's side, CLOSE_WAIT on
// the server's, for as long as the child lives.

import { beforeAll, describe, expect, it } from 'vitest';
import { neverClose } from '../../src/scenarios/never-close.ts';
import { calls, clientSock, proc, Recorder, runScenario, serverConn } from './helpers.ts';

let rec: Recorder;
let port: number;
let left: number[];

beforeAll(async () => {
  ({ rec, port, left } = await runScenario(neverClose));
});

describe('a child that never closes', () => {
  it('blocks in pause() after end-of-file instead of closing', () => {
    expect(calls(rec, 'pause', 'child#1').map((c) => c.args)).toEqual([{}]);
    expect(calls(rec, 'close', 'child#1').map((c) => c.args.fd)).toEqual([3]);
    for (const label of ['child-pause', 'client-exit']) expect(proc(rec.kernel(label), 'child#1')).toMatchObject({ place: 'kernel', blockedIn: 'pause', state: 'S' });
  });

  it('leaves the client in FIN_WAIT_2 and the server side in CLOSE_WAIT, held by the child, and they last', () => {
    for (const label of ['client-close', 'child-pause', 'client-exit']) {
      const k = rec.kernel(label);
      expect(clientSock(k, port)).toMatchObject({ state: 'FIN_WAIT_2', inode: 0, holders: [] });
      expect(serverConn(k, port)?.state).toBe('CLOSE_WAIT');
      expect(rec.holders(serverConn(k, port))).toEqual(['child#1/4']);
    }
  });

  it('leaves no lab process after the run', () => {
    expect(left).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
  });
});
