// An iterative server, on the real kernel: while the parent serves client 1 itself, client 2's
// connection completes in the kernel and waits in the accept queue, named by no descriptor.

import { beforeAll, describe, expect, it } from 'vitest';
import { iterative } from '../../src/scenarios/iterative.ts';
import { calls, clientPort, proc, Recorder, returns, runScenario, serverConnFrom } from './helpers.ts';

let rec: Recorder;
let port: number;
let left: number[];

beforeAll(async () => {
  ({ rec, port, left } = await runScenario(iterative));
});

describe('an iterative server', () => {
  it('never forks: the parent is the only server process', () => {
    expect(calls(rec, 'fork')).toEqual([]);
    expect(rec.pids().map((pid) => rec.roles().get(pid)).sort()).toEqual(['client#1', 'client#2', 'parent']);
  });

  it('leaves client 2’s connection ESTABLISHED in the accept queue, with no holder, while it serves client 1', () => {
    const c1 = clientPort(rec, 'client#1');
    const c2 = clientPort(rec, 'client#2');
    for (const label of ['client2-connect-queued', 'client2-write-queued', 'client2-read-blocks', 'parent-read-blocks-1', 'client1-write', 'parent-write-1']) {
      const k = rec.kernel(label);
      expect(serverConnFrom(k, port, c2)).toMatchObject({ state: 'ESTABLISHED', inode: 0, holders: [] });
      expect(rec.holders(serverConnFrom(k, port, c1))).toEqual(['parent/4']);
      expect(proc(k, 'parent')?.blockedIn).not.toBe('accept');
    }
    expect(proc(rec.kernel('parent-read-blocks-1'), 'parent')).toMatchObject({ place: 'kernel', blockedIn: 'read' });
  });

  it('keeps client 2 blocked in read until the parent has finished with client 1', () => {
    expect(proc(rec.kernel('client2-read-blocks'), 'client#2')).toMatchObject({ place: 'kernel', blockedIn: 'read' });
    expect(proc(rec.kernel('parent-close-connfd-1'), 'client#2')).toMatchObject({ place: 'kernel', blockedIn: 'read' });
    const [, second] = returns(rec, 'accept', 'parent');
    const echo2 = returns(rec, 'read', 'client#2')[0]!;
    const closeOf1 = returns(rec, 'close', 'parent')[0]!;
    expect(second!.seq).toBeGreaterThan(closeOf1.seq);
    expect(echo2.seq).toBeGreaterThan(second!.seq);
    expect(echo2).toMatchObject({ ret: 14, data: 'SECOND CLIENT\n' });
  });

  it('then accepts it at once, with descriptor 4 again, and finds its line already there', () => {
    expect(returns(rec, 'accept', 'parent').map((r) => r.ret)).toEqual([4, 4]);
    expect(rec.events.filter((e) => e.kind === 'ready' && e.role === 'parent')).toHaveLength(2);
    expect(proc(rec.kernel('parent-accept-again'), 'parent')).toMatchObject({ place: 'gate', blockedIn: 'accept' });
    const k = rec.kernel('parent-accept-returns-2');
    expect(rec.holders(serverConnFrom(k, port, clientPort(rec, 'client#2')))).toEqual(['parent/4']);
    expect(returns(rec, 'read', 'parent').map((r) => r.ret)).toEqual([13, 0, 14, 0]);
    expect(returns(rec, 'read', 'parent')[2]).toMatchObject({ ret: 14, data: 'second client\n' });
  });

  it('leaves no lab process after the run', () => {
    expect(left).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
  });
});
