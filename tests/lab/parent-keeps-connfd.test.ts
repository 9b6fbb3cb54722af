// The parent keeps connfd, on the real kernel: no FIN when the child is done, and a descriptor
// leak that ends in EMFILE.

import { beforeAll, describe, expect, it } from 'vitest';
import { parentKeepsConnfd } from '../../src/scenarios/parent-keeps-connfd.ts';
import { calls, clientPort, clientEnd, exitOf, proc, Recorder, returns, runScenario, serverConnFrom } from './helpers.ts';

let rec: Recorder;
let port: number;
let left: number[];

beforeAll(async () => {
  ({ rec, port, left } = await runScenario(parentKeepsConnfd));
});

describe('a parent that keeps connfd', () => {
  it('lowers its descriptor limit first, with setrlimit', () => {
    const first = rec.events.find((e) => e.kind === 'call' && e.role === 'parent');
    expect(first).toMatchObject({ fn: 'setrlimit', args: { resource: 'RLIMIT_NOFILE', soft: 5, hard: 5 } });
    expect(returns(rec, 'setrlimit', 'parent')).toEqual([expect.objectContaining({ ret: 0, errno: null })]);
  });

  it('never closes descriptor 4', () => {
    expect(calls(rec, 'close', 'parent')).toEqual([]);
  });

  it('leaves the connection ESTABLISHED and held by the parent after the child has closed and exited: no FIN', () => {
    const c1 = clientPort(rec, 'client#1');
    for (const label of ['child-close-connfd', 'child-exit', 'client2-connect']) {
      const k = rec.kernel(label);
      expect(serverConnFrom(k, port, c1)?.state).toBe('ESTABLISHED');
      expect(rec.holders(serverConnFrom(k, port, c1))).toEqual(['parent/4']);
      expect(clientEnd(k, port, c1)?.state).toBe('ESTABLISHED');
    }
    expect(proc(rec.kernel('child-exit'), 'child#1')).toMatchObject({ state: 'Z', ppid: rec.pidOf('parent') });
  });

  it('keeps the client blocked in read: it sees no end-of-file while the parent lives', () => {
    for (const label of ['client1-read-waits-eof', 'child-close-connfd', 'child-exit', 'client2-connect']) {
      expect(proc(rec.kernel(label), 'client#1')).toMatchObject({ place: 'kernel', blockedIn: 'read' });
    }
    const eof = returns(rec, 'read', 'client#1').find((r) => r.ret === 0)!;
    expect(eof.seq).toBeGreaterThan(exitOf(rec, 'parent')!.seq - 10);
    expect(eof.seq).toBeGreaterThan(returns(rec, 'accept', 'parent').at(-1)!.seq);
  });

  it('fails the next accept with EMFILE, and the server ends through err_sys', () => {
    const k = rec.kernel('client2-connect');
    expect(serverConnFrom(k, port, clientPort(rec, 'client#2'))).toMatchObject({ state: 'ESTABLISHED', holders: [] });
    expect(returns(rec, 'accept', 'parent').map((r) => [r.ret, r.errno])).toEqual([
      [4, null],
      [-1, 'EMFILE'],
    ]);
    expect(exitOf(rec, 'parent')).toMatchObject({ status: 1, signal: null });
    expect(rec.events.find((e) => e.kind === 'output' && e.role === 'parent')).toMatchObject({ stream: 'stderr', text: expect.stringContaining('accept error: Too many open files') });
  });

  it('resets the queued connection when the listener goes: client 2’s write fails ECONNRESET', () => {
    expect(returns(rec, 'write', 'client#2')).toEqual([expect.objectContaining({ ret: -1, errno: 'ECONNRESET' })]);
    expect(exitOf(rec, 'client#2')).toMatchObject({ status: 1 });
  });

  it('leaves no lab process after the run', () => {
    expect(left).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
  });
});
