// The server closes first, on the real kernel: TIME_WAIT is on the server's side.

import { beforeAll, describe, expect, it } from 'vitest';
import { serverClosesFirst } from '../../src/scenarios/server-closes-first.ts';
import { clientSock, kernels, Recorder, returns, runScenario, serverConn } from './helpers.ts';

let rec: Recorder;
let port: number;
let left: number[];

beforeAll(async () => {
  ({ rec, port, left } = await runScenario(serverClosesFirst));
});

describe('when the child closes first', () => {
  it('sends the server’s FIN: the server side in FIN_WAIT_2, the client side in CLOSE_WAIT', () => {
    const k = rec.kernel('child-close-connfd');
    expect(serverConn(k, port)).toMatchObject({ state: 'FIN_WAIT_2', inode: 0, holders: [] });
    expect(clientSock(k, port)?.state).toBe('CLOSE_WAIT');
    expect(rec.holders(clientSock(k, port))).toEqual(['client#1/3']);
  });

  it('wakes the client’s waiting read with end-of-file', () => {
    expect(returns(rec, 'read', 'client#1').map((r) => r.ret)).toEqual([13, 0]);
    expect(rec.kernel('client-read-waits-eof').processes.find((p) => p.role === 'client#1')).toMatchObject({ place: 'kernel', blockedIn: 'read' });
  });

  it('ends with the server side in TIME_WAIT, with its 2MSL timer, and the client side gone', () => {
    for (const label of ['client-close', 'client-exit']) {
      const k = rec.kernel(label);
      const s = serverConn(k, port);
      expect(s).toMatchObject({ state: 'TIME_WAIT', inode: 0, holders: [] });
      expect(s?.timer?.kind).toBe('timewait');
      expect(s?.timer?.remainingMs).toBeGreaterThan(50_000);
      expect(clientSock(k, port)).toBeUndefined();
    }
  });

  it('never puts the client side in TIME_WAIT', () => {
    for (const k of kernels(rec)) expect(clientSock(k, port)?.state).not.toBe('TIME_WAIT');
  });

  it('leaves no lab process after the run', () => {
    expect(left).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
  });
});
