// The SIGCHLD handler without SA_RESTART, on the real kernel: accept fails with EINTR (UNP §5.9).

import { beforeAll, describe, expect, it } from 'vitest';
import { acceptEintr } from '../../src/scenarios/accept-eintr.ts';
import type { KernelEvent } from '../../src/trace/types.ts';
import { calls, exitOf, proc, Recorder, returns, runScenario } from './helpers.ts';

let rec: Recorder;
let left: number[];

beforeAll(async () => {
  ({ rec, left } = await runScenario(acceptEintr));
});

describe('a SIGCHLD handler without SA_RESTART', () => {
  it('is installed with flags 0', () => {
    expect(calls(rec, 'sigaction', 'parent').map((c) => c.args)).toEqual([{ sig: 'SIGCHLD', handler: 'sig_chld', flags: '0' }]);
  });

  it('interrupts a real accept(2): the kernel shows the parent asleep in accept until the child exits', () => {
    // The lab's pause before accept is off in this scenario: no poll, no ready gate.
    expect(calls(rec, 'accept', 'parent').every((c) => c.waitsIn === undefined)).toBe(true);
    expect(rec.events.some((e) => e.kind === 'ready')).toBe(false);
    const kernels = rec.events.filter((e): e is KernelEvent => e.kind === 'kernel');
    const beforeExit = kernels[kernels.findIndex((k) => k.label === 'child-exit') - 1]!;
    expect(proc(beforeExit, 'parent')).toMatchObject({ place: 'kernel', blockedIn: 'accept', syscall: expect.stringMatching(/^accept4?$/), wchan: 'inet_csk_accept' });
    // Every snapshot from the second accept on, until SIGCHLD, shows the kernel's accept.
    const from = kernels.findIndex((k) => k.label === 'parent-accept-again');
    for (const k of kernels.slice(from, kernels.indexOf(beforeExit) + 1)) expect(proc(k, 'parent')?.syscall, k.label).toMatch(/^accept4?$/);
  });

  it('runs inside the blocked accept and reaps the child', () => {
    expect(proc(rec.kernel('parent-accept-again'), 'parent')).toMatchObject({ place: 'kernel', blockedIn: 'accept' });
    expect(proc(rec.kernel('child-exit'), 'parent')).toMatchObject({ place: 'gate', blockedIn: 'waitpid', syscall: 'rt_sigtimedwait' });
    expect(returns(rec, 'waitpid', 'parent').map((r) => [r.ret, r.errno])).toEqual([
      [rec.pidOf('child#1'), null],
      [-1, 'ECHILD'],
    ]);
  });

  it('makes accept fail with EINTR when the handler returns, and Stevens’ wrapper ends the server', () => {
    const accepts = returns(rec, 'accept', 'parent');
    expect(accepts.map((r) => [r.ret, r.errno])).toEqual([
      [4, null],
      [-1, 'EINTR'],
    ]);
    expect(accepts[1]!.seq).toBeGreaterThan(returns(rec, 'waitpid', 'parent').at(-1)!.seq);
    expect(exitOf(rec, 'parent')).toMatchObject({ status: 1, signal: null });
    expect(rec.events.find((e) => e.kind === 'output' && e.role === 'parent')).toMatchObject({ text: expect.stringContaining('accept error: Interrupted system call') });
  });

  it('leaves no lab process after the run', () => {
    expect(left).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
  });
});
