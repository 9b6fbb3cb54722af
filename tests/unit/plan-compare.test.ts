// Prediction against reality (src/plan/compare.ts): the model's facts at each step of two traces
// of the same plan, named by roles — never by pid or port, which differ from run to run.

import { describe, expect, it } from 'vitest';
import { comparePlanRuns } from '../../src/plan/compare.ts';
import { concurrentPlan, EXAMPLE_PLANS } from '../../src/plan/examples.ts';
import { predictPlan } from '../../src/plan/predict.ts';
import type { Plan } from '../../src/plan/types.ts';
import { parseTrace } from '../../src/trace/parse.ts';
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

describe('predicted traces (predictPlan)', () => {
  const predicted = (plan: Plan, port = 9877): Trace => {
    const parsed = parseTrace(predictPlan(plan, { port }).records.map((r) => JSON.stringify(r)).join('\n'));
    if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
    return parsed.trace;
  };

  for (const plan of EXAMPLE_PLANS) {
    it(`predicted against predicted: no difference (${plan.title})`, () => {
      const steps = comparePlanRuns(predicted(plan), predicted(plan, 9999));
      expect(steps.length).toBe(plan.steps.length + 1);
      expect(steps.flatMap((s) => s.differences)).toEqual([]);
    });
  }

  it('shows a forgotten close as the counts and states it changed, at the steps it changed them', () => {
    // The parent does not close connfd (a step that changes nothing takes its place, so the steps stay aligned).
    const forgetful: Plan = {
      ...concurrentPlan,
      steps: concurrentPlan.steps.map((s, i) => (i === 8 ? { proc: 'parent', do: 'signal', sig: 'SIGCHLD', disposition: 'SIG_DFL' } : s)),
    };
    const steps = comparePlanRuns(predicted(concurrentPlan), predicted(forgetful));
    const at = (label: string) => steps.find((s) => s.label === label)!.differences;
    expect(at('step-9')).toEqual([
      { subject: 'parent close(connfd 4)', fact: 'return', predicted: '0', real: 'no return' },
      { subject: 'parent sigaction()', fact: 'return', predicted: 'no return', real: '0' },
      { subject: 'parent connfd 4', fact: 'descriptor', predicted: 'not open', real: 'connection client#1 ↔ child#1 (server end)' },
      { subject: 'child#1 connfd 4', fact: 'refCount', predicted: 'count 1', real: 'count 2' },
    ]);
    // The child's close no longer sends the FIN: the client stays in FIN_WAIT_2, the child's end in CLOSE_WAIT.
    expect(at('step-17').filter((d) => d.fact === 'tcpState')).toEqual([
      { subject: 'connection client#1 ↔ child#1 (client end)', fact: 'tcpState', predicted: 'TIME_WAIT', real: 'FIN_WAIT_2' },
      { subject: 'connection client#1 ↔ child#1 (server end)', fact: 'tcpState', predicted: 'CLOSED', real: 'CLOSE_WAIT' },
    ]);
  });
});
