// Prediction against reality (src/plan/compare.ts): the model's facts at each step of two traces
// of the same plan, named by roles — never by pid or port, which differ from run to run.

import { describe, expect, it } from 'vitest';
import { comparePlanRuns } from '../../src/plan/compare.ts';
import type { Trace } from '../../src/trace/types.ts';
import { anotherRun, cutAfter, RECORDED, recorded, stepCount } from './plan-traces.ts';

function differences(a: Trace, b: Trace) {
  return comparePlanRuns(a, b).flatMap((s) => s.differences.map((d) => ({ label: s.label, ...d })));
}

describe('two runs that did the same', () => {
  for (const name of RECORDED) {
    it(`${name}: agree at every step, though pids and ports differ`, () => {
      const trace = recorded(name);
      const steps = comparePlanRuns(trace, anotherRun(trace));
      expect(steps.length).toBe(stepCount(trace));
      expect(steps.flatMap((s) => s.differences)).toEqual([]);
    });
  }
});

describe('a call that failed in one run only', () => {
  // The real child's close(listenfd) fails (as a double close would): the listener keeps a count of 2.
  const predicted = recorded('concurrent');
  const real: Trace = {
    header: predicted.header,
    events: predicted.events.map((e) =>
      e.kind === 'return' && e.role === 'child#1' && e.fn === 'close' && e.seq === 47 ? { ...e, ret: -1, errno: 'EBADF' } : e,
    ),
  };
  const diffs = differences(predicted, real).filter((d) => d.label === 'child-close-listenfd');

  it('names the call, its results, and what it changed: the descriptor and the count', () => {
    expect(diffs).toEqual([
      { label: 'child-close-listenfd', subject: 'child#1 close(listenfd 3)', fact: 'return', predicted: '0', real: '-1 EBADF' },
      { label: 'child-close-listenfd', subject: 'child#1 listenfd 3', fact: 'descriptor', predicted: 'not open', real: "parent's listening socket" },
      { label: 'child-close-listenfd', subject: 'parent listenfd 3', fact: 'refCount', predicted: 'count 1', real: 'count 2' },
    ]);
  });

  it('agrees on every step before it', () => {
    const steps = comparePlanRuns(predicted, real);
    const at = steps.findIndex((s) => s.label === 'child-close-listenfd');
    expect(steps.slice(0, at).flatMap((s) => s.differences)).toEqual([]);
  });
});

describe('a run that stalled', () => {
  const full = recorded('concurrent');
  const stalled = cutAfter(full, 12, 'plan stalled at step 13: child#1 is blocked in read()');

  it('makes every step it did not reach a stall difference, with what each run said', () => {
    const steps = comparePlanRuns(full, stalled);
    expect(steps.length).toBe(stepCount(full));
    expect(steps.slice(0, 13).flatMap((s) => s.differences)).toEqual([]);
    expect(steps[13]!.differences).toEqual([{ subject: 'step 13', fact: 'stall', predicted: 'the step ran', real: 'plan stalled at step 13: child#1 is blocked in read()' }]);
  });

  it('says so in the other direction too', () => {
    const steps = comparePlanRuns(stalled, full);
    expect(steps[13]!.differences[0]).toMatchObject({ fact: 'stall', predicted: 'plan stalled at step 13: child#1 is blocked in read()', real: 'the step ran' });
  });

  it('says nothing more when both stalled the same way', () => {
    expect(comparePlanRuns(stalled, anotherRun(stalled)).flatMap((s) => s.differences)).toEqual([]);
  });

  it('says where both stopped when they stopped for different reasons', () => {
    const other = cutAfter(full, 12, 'plan stalled at step 13: client#1 is blocked in read()');
    const steps = comparePlanRuns(stalled, other);
    expect(steps[steps.length - 1]).toEqual({
      step: 13,
      label: 'step-13',
      differences: [{ subject: 'step 13', fact: 'stall', predicted: 'plan stalled at step 13: child#1 is blocked in read()', real: 'plan stalled at step 13: client#1 is blocked in read()' }],
    });
  });
});

describe('different endings', () => {
  it('names the ends by roles when the TCP states differ (client closes first, or server)', () => {
    // Two lessons with the same steps up to the first close; after it, who is in TIME_WAIT differs.
    const a = recorded('concurrent');
    const b = recorded('server-closes-first');
    const tcp = comparePlanRuns(a, b)
      .flatMap((s) => s.differences)
      .filter((d) => d.fact === 'tcpState');
    expect(tcp.map((d) => d.subject)).toContain('connection client#1 ↔ child#1 (client end)');
    expect(tcp.every((d) => !/\d{4,}/.test(d.subject))).toBe(true);
  });
});
