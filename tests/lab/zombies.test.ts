// SIGCHLD at its default and no wait, on the real kernel: zombies pile up.

import { beforeAll, describe, expect, it } from 'vitest';
import { zombies } from '../../src/scenarios/zombies.ts';
import type { KernelEvent } from '../../src/trace/types.ts';
import { calls, Recorder, runScenario } from './helpers.ts';

let rec: Recorder;
let left: number[];

beforeAll(async () => {
  ({ rec, left } = await runScenario(zombies));
});

const zombiesIn = (k: KernelEvent) => k.processes.filter((p) => p.state === 'Z');

describe('with SIGCHLD at its default', () => {
  it('never installs a handler nor calls waitpid', () => {
    expect(calls(rec, 'sigaction')).toEqual([]);
    expect(calls(rec, 'waitpid')).toEqual([]);
  });

  it('leaves each finished child a zombie (state Z) whose parent is the server', () => {
    const k = rec.kernel('child1-exit');
    expect(zombiesIn(k)).toEqual([expect.objectContaining({ role: 'child#1', place: 'zombie', ppid: rec.pidOf('parent') })]);
    expect(rec.events.find((e) => e.kind === 'exit' && e.role === 'child#1')).toMatchObject({ status: 0 });
  });

  it('piles them up: one more with every client', () => {
    expect([1, 2, 3].map((n) => zombiesIn(rec.kernel(`child${n}-exit`)).length)).toEqual([1, 2, 3]);
    const end = rec.kernel('client3-exit');
    expect(zombiesIn(end).map((p) => p.role)).toEqual(['child#1', 'child#2', 'child#3']);
    expect(zombiesIn(end).every((p) => p.ppid === rec.pidOf('parent'))).toBe(true);
  });

  it('leaves no lab process after the run, zombies included', () => {
    expect(left).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
  });
});
