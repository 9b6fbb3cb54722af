// A SIGCHLD handler with a waitpid loop (Figure 5.11), SA_RESTART, on the real kernel.

import { beforeAll, describe, expect, it } from 'vitest';
import { sigchldWaitpid } from '../../src/scenarios/sigchld-waitpid.ts';
import { calls, kernels, proc, Recorder, returns, runScenario } from './helpers.ts';

let rec: Recorder;
let left: number[];

beforeAll(async () => {
  ({ rec, left } = await runScenario(sigchldWaitpid));
});

describe('a SIGCHLD handler that calls waitpid', () => {
  it('is installed with sigaction and SA_RESTART', () => {
    expect(calls(rec, 'sigaction', 'parent').map((c) => c.args)).toEqual([{ sig: 'SIGCHLD', handler: 'sig_chld', flags: 'SA_RESTART' }]);
  });

  it('runs when a child exits while the parent is blocked in accept, and stops at waitpid’s gate', () => {
    const k = rec.kernel('child1-exit');
    expect(proc(k, 'parent')).toMatchObject({ place: 'gate', blockedIn: 'waitpid' });
    expect(proc(k, 'child#1')).toMatchObject({ state: 'Z', ppid: rec.pidOf('parent') });
    expect(calls(rec, 'waitpid', 'parent')[0]?.args).toEqual({ pid: -1, options: 'WNOHANG' });
  });

  it('reaps both children in one loop, returning each one’s pid and status, then ECHILD', () => {
    const got = returns(rec, 'waitpid', 'parent').map((r) => [r.ret, r.errno, r.status]);
    expect(got).toEqual([
      [rec.pidOf('child#1'), null, 0],
      [rec.pidOf('child#2'), null, 0],
      [-1, 'ECHILD', undefined],
      [-1, 'ECHILD', undefined], // the second SIGCHLD was pending: the handler runs once more
    ]);
    expect(proc(rec.kernel('parent-waitpid-reaps-1'), 'child#1')).toBeUndefined();
    expect(proc(rec.kernel('parent-waitpid-reaps-2'), 'child#2')).toBeUndefined();
  });

  it('lets accept go on after the handler (SA_RESTART): it never fails', () => {
    expect(proc(rec.kernel('parent-waitpid-echild-again'), 'parent')).toMatchObject({ place: 'kernel', blockedIn: 'accept' });
    expect(returns(rec, 'accept', 'parent').every((r) => r.errno === null)).toBe(true);
    expect(rec.events.find((e) => e.kind === 'exit' && e.role === 'parent')).toMatchObject({ signal: 'SIGKILL' }); // only at stop
  });

  it('leaves no zombie', () => {
    const end = kernels(rec).at(-1)!;
    expect(end.label).toBe('client2-exit');
    expect(end.processes.filter((p) => p.state === 'Z')).toEqual([]);
    expect(end.processes.map((p) => p.role)).toEqual(['parent']);
  });

  it('leaves no lab process after the run', () => {
    expect(left).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
  });
});
