import { describe, expect, it } from 'vitest';
import { concurrentPlan, doubleClosePlan, EXAMPLE_PLANS } from '../../src/plan/examples.ts';
import { parsePlan } from '../../src/plan/parse.ts';
import { PLAN_LIMITS, type Plan, type PlanStep } from '../../src/plan/types.ts';

const withSteps = (steps: unknown[]): unknown => ({ format: 'forkscope-plan', version: 1, title: 't', steps });
const errorOf = (input: unknown): string => {
  const r = parsePlan(input);
  if (r.ok) throw new Error('expected the plan to be refused');
  return r.error;
};

describe('a well-formed plan', () => {
  it('passes, from JSON text or from data', () => {
    for (const plan of EXAMPLE_PLANS) {
      expect(parsePlan(JSON.stringify(plan))).toEqual({ ok: true, plan });
      expect(parsePlan(plan)).toEqual({ ok: true, plan });
    }
  });

  it('may close a descriptor twice: that is an experiment', () => {
    expect(parsePlan(doubleClosePlan).ok).toBe(true);
  });

  it('lets a forked child use the descriptors and names it inherited', () => {
    const r = parsePlan(concurrentPlan);
    expect(r.ok && r.plan.steps.some((s) => s.proc === 'child#1' && s.do === 'close' && s.fd === 'listenfd')).toBe(true);
  });
});

describe('a bad plan is refused with a reason that names the problem', () => {
  it('that is not JSON', () => {
    expect(errorOf('{"format":')).toMatch(/^plan: not JSON/);
  });

  it('of the wrong format or version', () => {
    expect(errorOf({ format: 'x', version: 1, title: '', steps: [] })).toMatch(/"format" must be "forkscope-plan"/);
    expect(errorOf({ format: 'forkscope-plan', version: 9, title: '', steps: [] })).toMatch(/"version" 9 is not supported/);
  });

  it('with an unknown action, naming the step', () => {
    expect(errorOf(withSteps([{ proc: 'parent', do: 'rm -rf' }]))).toMatch(/^step 1: unknown action "rm -rf"/);
  });

  it('with an unknown field', () => {
    expect(errorOf(withSteps([{ proc: 'parent', do: 'socket', path: '/bin/sh' }]))).toMatch(/^step 1: unknown field "path"/);
  });

  it('with a descriptor that was never opened', () => {
    const steps = [{ proc: 'parent', do: 'socket' }, { proc: 'parent', do: 'close', fd: 7 }];
    expect(errorOf(withSteps(steps))).toBe("step 2: parent's descriptor 7 was never opened");
  });

  it('with a standard stream (the lab writes its events on one)', () => {
    const steps = [{ proc: 'parent', do: 'close', fd: 1 }];
    expect(errorOf(withSteps(steps))).toMatch(/^step 1: "fd" must be a descriptor number from 3 to 63 \(0–2 are the standard streams\)/);
  });

  it('with a name not given yet', () => {
    expect(errorOf(withSteps([{ proc: 'parent', do: 'close', fd: 'connfd' }]))).toBe('step 1: parent has no descriptor named connfd yet');
  });

  it('with a process that does not exist yet, or has ended', () => {
    expect(errorOf(withSteps([{ proc: 'child#1', do: 'socket' }]))).toMatch(/child#1 does not exist yet \(the parent has not forked it\)/);
    expect(errorOf(withSteps([{ proc: 'client#1', do: 'socket' }]))).toMatch(/client#1 does not exist yet \(spawn it first\)/);
    const ended = [{ proc: 'parent', do: 'exit', status: 0 }, { proc: 'parent', do: 'socket' }];
    expect(errorOf(withSteps(ended))).toBe('step 2: parent has already ended');
  });

  it('with a call the process\'s program does not make', () => {
    const steps = [{ do: 'spawn', proc: 'client#1' }, { proc: 'client#1', do: 'fork' }];
    expect(errorOf(withSteps(steps))).toMatch(/^step 2: a client does not fork here/);
  });

  it('with huge sizes', () => {
    const text = 'x'.repeat(PLAN_LIMITS.text + 1);
    const steps = [{ do: 'spawn', proc: 'client#1' }, { proc: 'client#1', do: 'socket' }, { proc: 'client#1', do: 'write', fd: 'sockfd', text }];
    expect(errorOf(withSteps(steps))).toMatch(/^step 3: "text" is longer than 256 bytes/);
    const many = Array.from({ length: PLAN_LIMITS.steps + 1 }, () => ({ proc: 'parent', do: 'socket' }));
    expect(errorOf(withSteps(many))).toMatch(/201 steps; a plan has at most 200/);
    expect(errorOf('x'.repeat(PLAN_LIMITS.bytes + 1))).toMatch(/larger than 64 KiB/);
  });

  it('with too many processes', () => {
    const steps: PlanStep[] = [{ proc: 'parent', do: 'socket' }];
    for (let i = 0; i < 16; i++) steps.push({ proc: 'parent', do: 'fork' });
    expect(errorOf(withSteps(steps))).toBe('step 17: more than 16 processes at once');
    const clients: PlanStep[] = Array.from({ length: 9 }, (_, i) => ({ do: 'spawn', proc: `client#${i + 1}` }) as PlanStep);
    expect(errorOf(withSteps(clients))).toBe('step 9: more than 8 clients');
  });

  it('with a role that is not one', () => {
    expect(errorOf(withSteps([{ proc: 'root', do: 'socket' }]))).toMatch(/"proc" must name a process/);
  });

  it('never throws, whatever it is given', () => {
    for (const input of [null, 3, [], 'null', '[]', { steps: null }, withSteps([null]), withSteps([{ proc: 'parent', do: 'listen', fd: 'listenfd', backlog: -1 }])]) {
      expect(parsePlan(input).ok).toBe(false);
    }
  });
});

describe('the plan types', () => {
  it('type the examples', () => {
    const p: Plan = concurrentPlan;
    expect(p.steps.length).toBeGreaterThan(10);
  });
});
