import { describe, expect, it } from 'vitest';
import { concurrentPlan, doubleClosePlan, parentKeepsConnfdPlan } from '../../src/plan/examples.ts';
import { actingRoleOf, planStepTitle, predict, stallOf, stepReturns } from '../../src/web/sandbox/runs.ts';
import { planFileName, readPlanFile, writePlanFile } from '../../src/web/sandbox/planFile.ts';

describe('a plan file', () => {
  it('is the plan alone without a run, and comes back the same', () => {
    const text = writePlanFile(concurrentPlan, null);
    expect(JSON.parse(text)).toEqual(concurrentPlan);
    expect(readPlanFile(text)).toEqual({ ok: true, plan: concurrentPlan, trace: null });
  });

  /** A run's trace as the runner would write it (its header names the plan); the prediction's, unmarked. */
  const realRunOf = (plan: typeof concurrentPlan) => {
    const { trace } = predict(plan);
    const { predicted: _, ...header } = trace.header;
    return { ...trace, header };
  };

  it('carries its trace as JSON Lines when there is one, and both come back', () => {
    const trace = realRunOf(concurrentPlan);
    const back = readPlanFile(writePlanFile(concurrentPlan, trace));
    expect(back.ok && back.plan).toEqual(concurrentPlan);
    expect(back.ok && back.trace?.events.length).toBe(trace.events.length);
  });

  it('is refused when its trace is not a real run of its plan', () => {
    expect(readPlanFile(writePlanFile(concurrentPlan, predict(concurrentPlan).trace))).toEqual({ ok: false, error: 'file: its trace is a prediction, not a real run' });
    expect(readPlanFile(writePlanFile(concurrentPlan, realRunOf(doubleClosePlan)))).toEqual({ ok: false, error: 'file: its trace is a run of another plan' });
  });

  it('is refused with parsePlan\'s reason, or the trace\'s line', () => {
    expect(readPlanFile('{')).toMatchObject({ ok: false, error: expect.stringMatching(/^plan: not JSON/) });
    expect(readPlanFile(JSON.stringify({ ...concurrentPlan, steps: [{ proc: 'parent', do: 'read', fd: 'connfd' }] }))).toEqual({
      ok: false,
      error: 'step 1: parent has no descriptor named connfd yet',
    });
    expect(readPlanFile(JSON.stringify({ plan: concurrentPlan, trace: '{"kind":"header"}\n' }))).toMatchObject({ ok: false, error: expect.stringMatching(/^file: its trace is not a valid trace \(line 1/) });
    expect(readPlanFile(JSON.stringify({ plan: concurrentPlan, extra: 1 }))).toMatchObject({ ok: false, error: expect.stringMatching(/unknown field "extra"/) });
  });

  it('is named after the plan', () => {
    expect(planFileName(concurrentPlan)).toMatch(/^the-concurrent-server-one-client-who-[a-z-]*[a-z]\.forkscope-plan\.json$/);
  });
});

describe('a predicted run, as the side card reads it', () => {
  it('titles each step as the plan says it, with its process', () => {
    expect(planStepTitle(concurrentPlan, 0)).toMatch(/^start/);
    expect(planStepTitle(concurrentPlan, 4)).toBe('start client#1');
    expect(planStepTitle(concurrentPlan, 9)).toBe('parent: close(connfd)');
    expect(actingRoleOf(concurrentPlan, 10)).toBe('child#1');
  });

  it('tells what the step\'s calls returned, a failure with its errno', () => {
    const { replay } = predict(doubleClosePlan);
    const last = replay.stepCount - 1;
    expect(stepReturns(replay, last)).toContainEqual({ role: 'parent', fn: 'close', ret: -1, errno: 'EBADF' });
  });

  it('has no stall when every step can happen', () => {
    expect(stallOf(predict(parentKeepsConnfdPlan).trace)).toBeNull();
  });

  it('says where a plan stalls', () => {
    const stuck = { ...concurrentPlan, steps: [...concurrentPlan.steps.slice(0, 3), { proc: 'parent', do: 'accept', fd: 'listenfd' } as const, { proc: 'parent', do: 'fork' } as const] };
    expect(stallOf(predict(stuck).trace)).toMatch(/^plan stalled at step 5: parent is blocked in accept\(\)/);
  });
});
