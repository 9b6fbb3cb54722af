// "Experiment from here" (src/plan/fromTrace.ts): the plan that led a lesson's trace to a step.

import { describe, expect, it } from 'vitest';
import { planFromTrace } from '../../src/plan/fromTrace.ts';
import { parsePlan } from '../../src/plan/parse.ts';
import type { Plan } from '../../src/plan/types.ts';
import type { Trace } from '../../src/trace/types.ts';
import { RECORDED, recorded, stepCount } from './plan-traces.ts';

const steps = (plan: Plan) => plan.steps.map((s) => JSON.stringify(s));

describe('every recorded lesson, at several steps', () => {
  for (const name of RECORDED) {
    it(`${name}: gives a plan parsePlan accepts, one step at most per lesson step`, () => {
      const trace = recorded(name);
      const last = stepCount(trace) - 1;
      for (const at of [0, 1, Math.floor(last / 3), Math.floor(last / 2), last - 1, last]) {
        const plan = planFromTrace(trace, at);
        expect(parsePlan(plan), `${name} up to step ${at}`).toEqual({ ok: true, plan });
        expect(plan.steps.length).toBeLessThanOrEqual(at);
      }
    });
  }
});

describe('the concurrent server up to the client\'s close', () => {
  const plan = planFromTrace(recorded('concurrent'), 18);

  it('is the lesson\'s calls in the lesson\'s order, with the book\'s names', () => {
    expect(plan.steps).toEqual([
      { proc: 'parent', do: 'socket' },
      { proc: 'parent', do: 'bind', fd: 'listenfd' },
      { proc: 'parent', do: 'listen', fd: 'listenfd', backlog: 128 },
      { do: 'spawn', proc: 'client#1' },
      { proc: 'client#1', do: 'socket' },
      { proc: 'client#1', do: 'connect', fd: 'sockfd' },
      { proc: 'parent', do: 'accept', fd: 'listenfd' },
      { proc: 'parent', do: 'fork' },
      { proc: 'parent', do: 'close', fd: 'connfd' },
      { proc: 'child#1', do: 'close', fd: 'listenfd' },
      { proc: 'parent', do: 'accept', fd: 'listenfd' },
      { proc: 'child#1', do: 'read', fd: 'connfd' },
      { proc: 'client#1', do: 'write', fd: 'sockfd', text: 'hello, world\n' },
      { proc: 'child#1', do: 'write', fd: 'connfd', text: 'HELLO, WORLD\n' },
      { proc: 'client#1', do: 'read', fd: 'sockfd' },
      { proc: 'child#1', do: 'read', fd: 'connfd' },
      { proc: 'client#1', do: 'close', fd: 'sockfd' },
    ]);
  });

  it('brings listen\'s backlog (1024 in the lab) within the plan\'s cap', () => {
    expect(plan.steps[2]).toMatchObject({ do: 'listen', backlog: 128 });
  });

  it('takes one accept for the lab\'s two releases, where the connection was taken', () => {
    const accepts = plan.steps.filter((s) => s.do === 'accept');
    expect(accepts).toHaveLength(2);
    // The first accept comes after the connect (its second release, at `ready`); the last one still waits.
    expect(steps(plan).indexOf(JSON.stringify({ proc: 'parent', do: 'accept', fd: 'listenfd' }))).toBeGreaterThan(steps(plan).indexOf(JSON.stringify({ proc: 'client#1', do: 'connect', fd: 'sockfd' })));
  });
});

describe('a lesson stopped while accept waits', () => {
  it('keeps the accept at its first release', () => {
    const plan = planFromTrace(recorded('concurrent'), 4);
    expect(plan.steps[plan.steps.length - 1]).toEqual({ proc: 'parent', do: 'accept', fd: 'listenfd' });
  });
});

describe('the server\'s knobs, from its own calls', () => {
  it('installs the SIGCHLD handler and leaves its waitpid calls to it', () => {
    const plan = planFromTrace(recorded('sigchld-waitpid'), stepCount(recorded('sigchld-waitpid')) - 1);
    expect(plan.steps).toContainEqual({ proc: 'parent', do: 'signal', sig: 'SIGCHLD', disposition: 'handler' });
    expect(plan.steps.some((s) => s.do === 'waitpid')).toBe(false);
  });

  it('installs it without SA_RESTART where the lesson did (accept fails with EINTR)', () => {
    const plan = planFromTrace(recorded('accept-eintr'), stepCount(recorded('accept-eintr')) - 1);
    expect(plan.steps).toContainEqual({ proc: 'parent', do: 'signal', sig: 'SIGCHLD', disposition: 'handler', restart: false });
    expect(plan.steps.some((s) => s.do === 'waitpid')).toBe(false);
  });

  it('ignores SIGCHLD, sets the descriptor limit, SO_REUSEADDR and SO_LINGER as calls', () => {
    const all = (name: string) => planFromTrace(recorded(name), stepCount(recorded(name)) - 1).steps;
    expect(all('sigchld-ignore')).toContainEqual({ proc: 'parent', do: 'signal', sig: 'SIGCHLD', disposition: 'SIG_IGN' });
    expect(all('parent-keeps-connfd')).toContainEqual({ proc: 'parent', do: 'setrlimit', nofile: 5 });
    expect(all('restart-reuseaddr')).toContainEqual({ proc: 'parent#3', do: 'setsockopt', fd: 'listenfd', opt: 'SO_REUSEADDR' });
    expect(all('linger-rst')).toContainEqual({ proc: 'client#1', do: 'setsockopt', fd: 'sockfd', opt: 'SO_LINGER', onoff: 1, linger: 0 });
  });
});

describe('what happens from outside', () => {
  it('makes the runner\'s SIGTERM a kill step and a restarted server a spawn', () => {
    const plan = planFromTrace(recorded('restart-reuseaddr'), stepCount(recorded('restart-reuseaddr')) - 1);
    const kill = plan.steps.findIndex((s) => s.do === 'kill');
    expect(plan.steps[kill]).toEqual({ do: 'kill', proc: 'parent', signal: 'SIGTERM' });
    expect(plan.steps[kill + 1]).toEqual({ do: 'spawn', proc: 'parent#2' });
  });

  it('leaves out a process that only pauses (never-close\'s child waits for ever)', () => {
    const plan = planFromTrace(recorded('never-close'), stepCount(recorded('never-close')) - 1);
    expect(plan.steps.some((s) => s.proc === 'child#1' && (s.do as string) === 'pause')).toBe(false);
  });
});

describe('the title', () => {
  it('says the lesson and the step', () => {
    expect(planFromTrace(recorded('concurrent'), 18).title).toBe('The concurrent server (Figures 4.13–4.17), up to step 18 (client-close)');
  });
});

describe('a schedule\'s drop (trace 1.2)', () => {
  it('becomes the plan\'s drop step on the same descriptor', () => {
    // The concurrent lesson with a drop of the SYN-ACK at the client armed before its connect.
    const trace = recorded('concurrent');
    const connect = trace.events.findIndex((e) => e.kind === 'release' && e.role === 'client#1' && e.fn === 'connect');
    const client = trace.events[connect] as { pid: number; seq: number; t: number };
    const drop = { kind: 'drop', seq: client.seq, t: client.t, pid: client.pid, role: 'client#1', fd: 3, segment: 'SYN-ACK' } as unknown as Trace['events'][number];
    const withDrop: Trace = { header: trace.header, events: [...trace.events.slice(0, connect), drop, ...trace.events.slice(connect)] };
    const plan = planFromTrace(withDrop, 8);
    const at = plan.steps.findIndex((s) => s.do === 'drop');
    expect(plan.steps[at]).toEqual({ do: 'drop', proc: 'client#1', fd: 'sockfd', segment: 'SYN-ACK' });
    expect(plan.steps[at + 1]).toEqual({ proc: 'client#1', do: 'connect', fd: 'sockfd' });
  });
});
