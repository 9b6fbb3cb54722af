// Restarting a server while a TIME_WAIT holds its port, on the real kernel: EADDRINUSE without
// SO_REUSEADDR, bind and listen with it.

import { beforeAll, describe, expect, it } from 'vitest';
import { restartReuseaddr } from '../../src/scenarios/restart-reuseaddr.ts';
import type { KernelEvent } from '../../src/trace/types.ts';
import { calls, exitOf, listener, Recorder, returns, runScenario } from './helpers.ts';

let rec: Recorder;
let port: number;
let left: number[];

beforeAll(async () => {
  ({ rec, port, left } = await runScenario(restartReuseaddr));
});

function timeWait(k: KernelEvent) {
  return k.sockets.find((s) => s.state === 'TIME_WAIT' && s.local === `127.0.0.1:${port}`);
}

describe('restarting the server', () => {
  it('starts from a TIME_WAIT on the server’s own port, with its 2MSL timer, after the server was killed', () => {
    const k = rec.kernel('parent-killed');
    expect(listener(k, port)).toBeUndefined();
    expect(timeWait(k)).toMatchObject({ inode: 0, holders: [] });
    expect(timeWait(k)?.timer).toMatchObject({ kind: 'timewait' });
    const signal = rec.events.find((e) => e.kind === 'signal');
    expect(signal).toMatchObject({ kind: 'signal', role: 'parent', signal: 'SIGTERM', from: 'runner', pid: rec.pidOf('parent') });
    expect(exitOf(rec, 'parent')).toMatchObject({ status: null, signal: 'SIGTERM' });
    expect(exitOf(rec, 'parent')!.seq).toBeGreaterThan(signal!.seq);
  });

  it('fails to bind with EADDRINUSE without SO_REUSEADDR, while the TIME_WAIT exists', () => {
    expect(calls(rec, 'setsockopt', 'parent#2')).toEqual([]);
    expect(returns(rec, 'bind', 'parent#2')).toEqual([expect.objectContaining({ ret: -1, errno: 'EADDRINUSE' })]);
    expect(timeWait(rec.kernel('parent2-bind-eaddrinuse'))).toBeDefined();
    expect(exitOf(rec, 'parent#2')).toMatchObject({ status: 1, signal: null });
    expect(rec.events.find((e) => e.kind === 'output' && e.role === 'parent#2')).toMatchObject({ stream: 'stderr', text: expect.stringContaining('bind error: Address already in use') });
  });

  it('binds and listens with SO_REUSEADDR, while the TIME_WAIT still exists', () => {
    expect(calls(rec, 'setsockopt', 'parent#3').map((c) => c.args)).toEqual([{ fd: 3, level: 'SOL_SOCKET', optname: 'SO_REUSEADDR', value: 1 }]);
    expect(returns(rec, 'bind', 'parent#3')).toEqual([expect.objectContaining({ ret: 0, errno: null })]);
    expect(returns(rec, 'listen', 'parent#3')).toEqual([expect.objectContaining({ ret: 0, errno: null })]);
    const k = rec.kernel('parent3-listen');
    expect(rec.holders(listener(k, port))).toEqual(['parent#3/3']);
    expect(timeWait(k)?.timer?.remainingMs).toBeGreaterThan(0);
  });

  it('shows the 2MSL timer running down', () => {
    const first = timeWait(rec.kernel('client-close'))!.timer!.remainingMs;
    const last = timeWait(rec.kernel('parent3-accept-blocks'))!.timer!.remainingMs;
    expect(last).toBeLessThanOrEqual(first);
    expect(first).toBeLessThanOrEqual(60_000);
  });

  it('leaves no lab process after the run', () => {
    expect(left).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
  });
});
