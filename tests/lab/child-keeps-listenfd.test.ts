// The child keeps listenfd, on the real kernel: after the parent is killed the listening socket
// lives on in the child.

import { beforeAll, describe, expect, it } from 'vitest';
import { childKeepsListenfd } from '../../src/scenarios/child-keeps-listenfd.ts';
import { calls, clientPort, exitOf, listener, proc, Recorder, returns, runScenario, serverConnFrom } from './helpers.ts';

let rec: Recorder;
let port: number;
let left: number[];

beforeAll(async () => {
  ({ rec, port, left } = await runScenario(childKeepsListenfd));
});

describe('a child that keeps listenfd', () => {
  it('never closes descriptor 3', () => {
    expect(calls(rec, 'close', 'child#1')).toEqual([]);
    expect(rec.holders(listener(rec.kernel('child-read-blocks'), port))).toEqual(['child#1/3', 'parent/3']);
  });

  it('holds the LISTEN socket alone after the parent is killed, and lives on with a new parent', () => {
    const k = rec.kernel('parent-killed');
    expect(rec.events.find((e) => e.kind === 'signal')).toMatchObject({ role: 'parent', signal: 'SIGTERM', from: 'runner' });
    // The lab's own safety net fires in the orphaned child, and says so; its read goes on (SA_RESTART).
    expect(rec.events.filter((e) => e.kind === 'signal' && e.from === 'lab')).toEqual([
      expect.objectContaining({ role: 'child#1', signal: 'SIGUSR2' }),
    ]);
    expect(returns(rec, 'read', 'child#1')).toEqual([]);
    expect(exitOf(rec, 'parent')).toMatchObject({ status: null, signal: 'SIGTERM' });
    expect(proc(k, 'parent')).toBeUndefined();
    expect(rec.holders(listener(k, port))).toEqual(['child#1/3']);
    const child = proc(k, 'child#1');
    expect(child).toMatchObject({ state: 'S', place: 'kernel', blockedIn: 'read', syscall: 'read' });
    expect(child?.ppid).not.toBe(rec.pidOf('parent'));
  });

  it('still completes a new client’s connection, which waits in the queue of the child’s listener', () => {
    expect(returns(rec, 'connect', 'client#2')).toEqual([expect.objectContaining({ ret: 0, errno: null })]);
    const k = rec.kernel('client2-connect-queued');
    expect(serverConnFrom(k, port, clientPort(rec, 'client#2'))).toMatchObject({ state: 'ESTABLISHED', inode: 0, holders: [] });
    expect(rec.holders(listener(k, port))).toEqual(['child#1/3']);
  });

  it('makes a restarted server’s bind fail with EADDRINUSE', () => {
    expect(returns(rec, 'bind', 'parent#2')).toEqual([expect.objectContaining({ ret: -1, errno: 'EADDRINUSE' })]);
    expect(exitOf(rec, 'parent#2')).toMatchObject({ status: 1, signal: null });
    expect(rec.holders(listener(rec.kernel('parent2-bind-eaddrinuse'), port))).toEqual(['child#1/3']);
  });

  it('leaves no lab process after the run', () => {
    expect(left).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
  });
});
