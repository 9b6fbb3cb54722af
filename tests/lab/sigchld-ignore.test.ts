// Signal(SIGCHLD, SIG_IGN), on the real kernel: children leave no zombie.

import { beforeAll, describe, expect, it } from 'vitest';
import { sigchldIgnore } from '../../src/scenarios/sigchld-ignore.ts';
import { calls, kernels, proc, Recorder, returns, runScenario } from './helpers.ts';

let rec: Recorder;
let left: number[];

beforeAll(async () => {
  ({ rec, left } = await runScenario(sigchldIgnore));
});

describe('with SIGCHLD ignored', () => {
  it('sets the disposition with sigaction after listen', () => {
    expect(calls(rec, 'sigaction', 'parent').map((c) => c.args)).toEqual([{ sig: 'SIGCHLD', handler: 'SIG_IGN', flags: 'SA_RESTART' }]);
    expect(returns(rec, 'sigaction', 'parent')).toEqual([expect.objectContaining({ ret: 0 })]);
  });

  it('never shows a zombie', () => {
    for (const k of kernels(rec)) {
      expect(k.processes.filter((p) => p.state === 'Z' || p.place === 'zombie')).toEqual([]);
    }
  });

  it('lets each child vanish as it exits, with its exit status', () => {
    for (const n of [1, 2]) {
      expect(proc(rec.kernel(`child${n}-close-connfd`), `child#${n}`)).toMatchObject({ blockedIn: 'exit' });
      expect(proc(rec.kernel(`child${n}-exit`), `child#${n}`)).toBeUndefined();
      expect(rec.events.find((e) => e.kind === 'exit' && e.role === `child#${n}`)).toMatchObject({ status: 0, signal: null });
    }
  });

  it('leaves no lab process after the run', () => {
    expect(left).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
  });
});
