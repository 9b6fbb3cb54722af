// Where each process waits, from the kernel itself (/proc/PID/syscall and wchan), on the real
// kernel: the flagship scenario's parent sleeps in the lab's poll() before accept, stands at the
// lab's gate while Figure 4.14's connection waits in the queue, and the model agrees at every step.

import { beforeAll, describe, expect, it } from 'vitest';
import { createReplay } from '../../src/model/replay.ts';
import { concurrent } from '../../src/scenarios/concurrent.ts';
import type { Trace, TraceEvent, TraceHeader } from '../../src/trace/types.ts';
import { kernels, proc, Recorder, runScenario } from './helpers.ts';

let rec: Recorder;
let left: number[];

beforeAll(async () => {
  ({ rec, left } = await runScenario(concurrent));
});

describe('the kernel says where each process waits', () => {
  it('gives every live process of every snapshot its system call and wait channel', () => {
    for (const k of kernels(rec)) {
      for (const p of k.processes) {
        if (p.state === 'Z') continue;
        expect(p.syscall, `${k.label}: ${p.role}`).toEqual(expect.any(String));
        expect(p.wchan, `${k.label}: ${p.role}`).toEqual(expect.any(String));
      }
    }
  });

  it("shows a process at the lab's gate in rt_sigtimedwait, and names the place from it", () => {
    const k = rec.kernel('parent-listen');
    expect(proc(k, 'parent')).toMatchObject({ place: 'gate', blockedIn: 'accept', syscall: 'rt_sigtimedwait' });
  });

  it("shows the parent waiting for a connection in poll, the lab's pause, not in accept", () => {
    expect(proc(rec.kernel('parent-accept-blocks'), 'parent')).toMatchObject({ place: 'kernel', blockedIn: 'accept', syscall: expect.stringMatching(/^p?poll$/) });
    // Figure 4.14: the connection is queued; the lab holds the parent at its gate before accept(2).
    expect(proc(rec.kernel('client-connect'), 'parent')).toMatchObject({ place: 'gate', syscall: 'rt_sigtimedwait' });
  });

  it('shows the child asleep in read(2)', () => {
    expect(proc(rec.kernel('child-read-blocks'), 'child#1')).toMatchObject({ place: 'kernel', blockedIn: 'read', syscall: 'read' });
  });

  it('says when the runner opens a gate, and into which call', () => {
    const releases = rec.events.filter((e) => e.kind === 'release');
    expect(releases.length).toBe(concurrent.schedule.filter((e) => e.do === 'release').length);
    expect(releases.find((e) => e.role === 'client#1' && e.fn === 'connect')).toBeDefined();
  });

  it('agrees with the model at every step, the model reading only the events', () => {
    const header = rec.records[0] as TraceHeader;
    const trace: Trace = { header, events: rec.events as TraceEvent[] };
    const replay = createReplay(trace);
    for (let n = 0; n < replay.stepCount; n++) expect(replay.atStep(n).disagreements, `step ${n}`).toEqual([]);
  });

  it('leaves no lab process after the run', () => {
    expect(left).toEqual([]);
  });
});
