// The prediction (src/plan/predict.ts): a plan run by the model alone gives the trace the sandbox
// would write. These tests read the predicted events and the model replayed over them.

import { describe, expect, it } from 'vitest';
import { createReplay, parseTrace } from '../../src/model/index.ts';
import type { ModelSnapshot } from '../../src/model/types.ts';
import { CONNECT_ACCEPT_FORK, concurrentPlan, doubleClosePlan, lingerZeroPlan, parentKeepsConnfdPlan, SERVER_START } from '../../src/plan/examples.ts';
import { parsePlan } from '../../src/plan/parse.ts';
import { predictPlan, type PredictedRun } from '../../src/plan/predict.ts';
import { planSource } from '../../src/plan/source.ts';
import { PLAN_FORMAT, PLAN_VERSION, type Plan, type PlanStep } from '../../src/plan/types.ts';
import type { TraceEvent, TraceHeader } from '../../src/trace/types.ts';

function plan(steps: PlanStep[]): Plan {
  const parsed = parsePlan({ format: PLAN_FORMAT, version: PLAN_VERSION, title: 'a test', steps });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.plan;
}

interface Predicted extends PredictedRun {
  header: TraceHeader;
  events: TraceEvent[];
  /** The model after the last predicted step. */
  last: ModelSnapshot;
  /** The events of trace step `n` (plan step n − 1). */
  stepEvents(n: number): TraceEvent[];
  role(role: string): TraceEvent[];
}

function predict(p: Plan): Predicted {
  const run = predictPlan(p);
  const [header, ...events] = run.records as [TraceHeader, ...TraceEvent[]];
  const replay = createReplay({ header, events });
  return {
    ...run,
    header,
    events,
    last: replay.atStep(replay.stepCount - 1),
    stepEvents(n) {
      const [first, last] = replay.eventRangeOfStep(n);
      return events.slice(first, last + 1);
    },
    role: (role) => events.filter((e) => 'role' in e && e.role === role),
  };
}

const returns = (events: TraceEvent[], fn: string) => events.filter((e): e is Extract<TraceEvent, { kind: 'return' }> => e.kind === 'return' && e.fn === fn);

describe('a predicted trace', () => {
  const run = predict(concurrentPlan);

  it('is a valid trace 1.2 marked predicted, with one step event per plan step and no kernel snapshot', () => {
    expect(run.header.predicted).toBe(true);
    expect(run.header.minor).toBe(2);
    const text = run.records.map((r) => JSON.stringify(r)).join('\n');
    const parsed = parseTrace(text);
    expect(parsed.ok).toBe(true);
    const steps = run.events.filter((e) => e.kind === 'step');
    expect(steps.map((e) => (e as { label: string }).label)).toEqual(['start', ...concurrentPlan.steps.map((_, i) => `step-${i + 1}`)]);
    expect(run.events.some((e) => e.kind === 'kernel' || e.kind === 'packet')).toBe(false);
    expect(run.events[run.events.length - 1]).toMatchObject({ kind: 'end', reason: 'completed' });
  });

  it('replays without a note: the model explains every event', () => {
    expect(run.last.notes ?? []).toEqual([]);
  });

  it('puts every call at its line of plan.c', () => {
    const source = planSource(concurrentPlan);
    const calls = run.events.filter((e) => e.kind === 'call');
    for (const c of calls) expect(c).toMatchObject({ file: 'plan.c' });
    const firstSocket = calls.find((c) => c.kind === 'call' && c.fn === 'socket');
    expect(firstSocket).toMatchObject({ line: source.stepLines[0] });
  });

  it('numbers descriptors as the kernel does and pids in order of creation', () => {
    expect(returns(run.role('parent'), 'socket')[0]!.ret).toBe(3);
    expect(returns(run.role('parent'), 'accept')[0]).toMatchObject({ ret: 4, local: '127.0.0.1:9877', peer: '127.0.0.1:50001' });
    expect(returns(run.role('parent'), 'fork')[0]!.ret).toBe(1002);
    expect(returns(run.role('child#1'), 'fork')[0]).toMatchObject({ ret: 0, ppid: 1000 });
  });

  it('orders a step as the runner does: the actor released, returns, calls again; then the others', () => {
    // Plan step 8 is the parent's fork: trace step 8.
    const kinds = run.stepEvents(8).map((e) => `${e.kind}:${'role' in e ? e.role : ''}`);
    expect(kinds).toEqual(['release:parent', 'return:parent', 'call:parent', 'return:child#1', 'call:child#1', 'step:']);
  });

  it('reads the bytes the peer wrote', () => {
    expect(returns(run.role('child#1'), 'read')[0]).toMatchObject({ ret: 6, data: 'hello\n' });
    expect(returns(run.role('client#1'), 'read')[0]).toMatchObject({ ret: 6, data: 'HELLO\n' });
  });

  it('leaves the client, which closed first, in TIME_WAIT', () => {
    const client = run.last.endpoints.find((e) => e.kind === 'client')!;
    expect(client.state).toBe('TIME_WAIT');
    expect(run.last.endpoints.filter((e) => e.state === 'TIME_WAIT')).toHaveLength(1);
  });

  it('parks a process whose steps ran out at a gate before pause', () => {
    const parent = run.last.processes.find((p) => p.role === 'parent')!;
    expect(parent.status).toBe('at-gate');
    expect(parent.pendingCall).toMatchObject({ fn: 'pause', line: planSource(concurrentPlan).parkLines.parent });
  });
});

describe('the issue\'s three experiments', () => {
  it('parent keeps connfd: the child\'s close sends no FIN (the count goes 2 → 1)', () => {
    const run = predict(parentKeepsConnfdPlan);
    // Plan step 10 (trace step 10) is the child's close of connfd.
    const atClose = createReplay({ header: run.header, events: run.events }).atStep(10);
    expect(atClose.segments.filter((s) => s.step === 10)).toEqual([]);
    expect(run.last.segments.some((s) => s.flags.includes('FIN'))).toBe(false);
    const conn = run.last.endpoints.find((e) => e.kind === 'server-conn')!;
    expect(conn.state).toBe('ESTABLISHED');
    expect(run.last.openFiles.find((f) => f.endpointId === conn.id)!.refCount).toBe(1);
    // The client's read finds nothing to read: it blocks.
    expect(run.last.processes.find((p) => p.role === 'client#1')!.status).toBe('blocked');
  });

  it('the double close: the second close fails with EBADF', () => {
    const run = predict(doubleClosePlan);
    expect(returns(run.role('parent'), 'close').map((r) => [r.ret, r.errno])).toEqual([
      [0, null],
      [-1, 'EBADF'],
    ]);
  });

  it('linger 0: the client\'s close sends RST, nobody is in TIME_WAIT, the child\'s read fails ECONNRESET', () => {
    const run = predict(lingerZeroPlan);
    expect(run.last.segments.filter((s) => s.flags.includes('RST'))).toHaveLength(1);
    expect(run.last.segments.some((s) => s.flags.includes('FIN'))).toBe(false);
    expect(run.last.endpoints.some((e) => e.state === 'TIME_WAIT')).toBe(false);
    expect(returns(run.role('child#1'), 'read')[0]).toMatchObject({ ret: -1, errno: 'ECONNRESET' });
  });
});

describe('accept', () => {
  it('blocks in the kernel, and returns in the step the client connects', () => {
    const run = predict(
      plan([
        ...SERVER_START,
        { proc: 'parent', do: 'accept', fd: 'listenfd' },
        { do: 'spawn', proc: 'client#1' },
        { proc: 'client#1', do: 'socket' },
        { proc: 'client#1', do: 'connect', fd: 'sockfd' },
      ]),
    );
    // Step 4: the parent is released into accept, and nothing returns.
    expect(run.stepEvents(4).map((e) => e.kind)).toEqual(['release', 'step']);
    // Step 7: the connect, then the parent's accept returns and it calls pause.
    const seven = run.stepEvents(7).map((e) => `${e.kind}:${'role' in e ? e.role : ''}`);
    expect(seven).toEqual(['release:client#1', 'return:client#1', 'call:client#1', 'return:parent', 'call:parent', 'step:']);
    expect(returns(run.role('parent'), 'accept')[0]).toMatchObject({ ret: 4, peer: '127.0.0.1:50001' });
  });

  it('fails EMFILE at once when no descriptor is free under RLIMIT_NOFILE', () => {
    const run = predict(plan([{ proc: 'parent', do: 'setrlimit', nofile: 4 }, ...SERVER_START, { proc: 'parent', do: 'accept', fd: 'listenfd' }]));
    expect(returns(run.role('parent'), 'accept')[0]).toMatchObject({ ret: -1, errno: 'EMFILE' });
  });

  it('a full queue (backlog + 1 connections) makes the next connect block', () => {
    const clients = [1, 2, 3].flatMap((n): PlanStep[] => [
      { do: 'spawn', proc: `client#${n}` },
      { proc: `client#${n}`, do: 'socket' },
      { proc: `client#${n}`, do: 'connect', fd: 'sockfd' },
    ]);
    const run = predict(plan([...SERVER_START.slice(0, 2), { proc: 'parent', do: 'listen', fd: 'listenfd', backlog: 1 }, ...clients]));
    expect(returns(run.events, 'connect').map((r) => r.ret)).toEqual([0, 0]);
    expect(run.last.processes.find((p) => p.role === 'client#3')!.status).toBe('blocked');
    // An accept makes room: the SYN sent again gets in, and connect returns (in real runs in that
    // step or a later one, as the retransmission's timer falls: the prediction takes the first).
    const after = predict(plan([...SERVER_START.slice(0, 2), { proc: 'parent', do: 'listen', fd: 'listenfd', backlog: 1 }, ...clients, { proc: 'parent', do: 'accept', fd: 'listenfd' }]));
    expect(returns(after.role('client#3'), 'connect')[0]).toMatchObject({ ret: 0, local: '127.0.0.1:50003' });
  });
});

describe('connect', () => {
  it('is refused when nothing listens', () => {
    const run = predict(plan([{ do: 'spawn', proc: 'client#1' }, { proc: 'client#1', do: 'socket' }, { proc: 'client#1', do: 'connect', fd: 'sockfd' }]));
    expect(returns(run.events, 'connect')[0]).toMatchObject({ ret: -1, errno: 'ECONNREFUSED' });
  });
});

describe('a stall', () => {
  const steps: PlanStep[] = [...SERVER_START, ...CONNECT_ACCEPT_FORK, { proc: 'client#1', do: 'read', fd: 'sockfd' }, { proc: 'client#1', do: 'close', fd: 'sockfd' }];
  const run = predict(plan(steps));

  it('ends the trace at the step whose process cannot act, with the runner\'s message', () => {
    expect(run.stalled).toEqual({ step: 10, message: 'plan stalled at step 10: client#1 is blocked in read()' });
    const last = run.events[run.events.length - 1]!;
    expect(last).toMatchObject({ kind: 'end', reason: 'stopped', message: 'plan stalled at step 10: client#1 is blocked in read()' });
  });

  it('has no step event for the step that stalled', () => {
    expect(run.events.filter((e) => e.kind === 'step')).toHaveLength(10); // start and plan steps 1–9
  });
});

describe('SIGCHLD', () => {
  const withHandler = (restart: boolean): Plan =>
    plan([
      { proc: 'parent', do: 'signal', sig: 'SIGCHLD', disposition: 'handler', restart },
      ...SERVER_START,
      ...CONNECT_ACCEPT_FORK,
      { proc: 'parent', do: 'close', fd: 'connfd' },
      { proc: 'parent', do: 'accept', fd: 'listenfd' },
      { proc: 'child#1', do: 'exit', status: 3 },
    ]);

  it('the handler reaps in the step the child exits, with ungated waitpid calls, and accept is restarted', () => {
    const run = predict(withHandler(true));
    const exitStep = withHandler(true).steps.length;
    const events = run.stepEvents(exitStep).map((e) => `${e.kind}:${'role' in e ? e.role : ''}:${'fn' in e ? e.fn : ''}`);
    expect(events).toEqual(['release:child#1:exit', 'exit:child#1:', 'call:parent:waitpid', 'return:parent:waitpid', 'call:parent:waitpid', 'return:parent:waitpid', 'step::']);
    const [reaped, none] = returns(run.role('parent'), 'waitpid');
    expect(reaped).toMatchObject({ ret: 1002, status: 3 });
    expect(none).toMatchObject({ ret: -1, errno: 'ECHILD' });
    expect(run.last.processes.find((p) => p.role === 'child#1')?.status ?? 'exited').toBe('exited');
    const parent = run.last.processes.find((p) => p.role === 'parent')!;
    expect(parent).toMatchObject({ status: 'blocked', pendingCall: { fn: 'accept' } });
  });

  it('a waitpid the parent is blocked in reaps the child; the handler runs as it returns and finds none (its calls come first)', () => {
    const run = predict(
      plan([
        { proc: 'parent', do: 'signal', sig: 'SIGCHLD', disposition: 'handler' },
        { proc: 'parent', do: 'fork' },
        { proc: 'parent', do: 'fork' },
        { proc: 'parent', do: 'waitpid', nohang: false },
        { proc: 'child#1', do: 'exit', status: 7 },
      ]),
    );
    const five = run.stepEvents(5).map((e) => `${e.kind}:${'role' in e ? e.role : ''}:${'fn' in e ? e.fn : ''}`);
    expect(five).toEqual(['release:child#1:exit', 'exit:child#1:', 'call:parent:waitpid', 'return:parent:waitpid', 'return:parent:waitpid', 'call:parent:pause', 'step::']);
    expect(returns(run.role('parent'), 'waitpid').map((r) => [r.ret, r.errno, r.status])).toEqual([
      [0, null, undefined], // the handler's: child#2 still runs
      [1001, null, 7], // the blocked waitpid's: child#1
    ]);
  });

  it('without SA_RESTART the interrupted accept fails EINTR', () => {
    const run = predict(withHandler(false));
    expect(returns(run.role('parent'), 'accept')[1]).toMatchObject({ ret: -1, errno: 'EINTR' });
  });

  it('by default the child stays a zombie until waitpid reaps it', () => {
    const run = predict(
      plan([...SERVER_START, ...CONNECT_ACCEPT_FORK, { proc: 'child#1', do: 'exit', status: 0 }, { proc: 'parent', do: 'waitpid', nohang: true }, { proc: 'parent', do: 'waitpid', nohang: true }]),
    );
    expect(returns(run.role('parent'), 'waitpid').map((r) => [r.ret, r.errno])).toEqual([
      [1002, null],
      [-1, 'ECHILD'],
    ]);
  });
});

describe('writing to a connection that cannot take it', () => {
  it('after the process\'s own shutdown(SHUT_WR): SIGPIPE kills it (no return, an exit with the signal)', () => {
    const run = predict(
      plan([...SERVER_START, ...CONNECT_ACCEPT_FORK, { proc: 'client#1', do: 'shutdown', fd: 'sockfd', how: 'SHUT_WR' }, { proc: 'client#1', do: 'write', fd: 'sockfd', text: 'x' }]),
    );
    expect(returns(run.role('client#1'), 'write')).toEqual([]);
    expect(run.role('client#1').filter((e) => e.kind === 'exit')).toEqual([expect.objectContaining({ status: null, signal: 'SIGPIPE' })]);
  });

  it('to a peer that has closed: the first write succeeds and is answered with RST; the second raises SIGPIPE', () => {
    const run = predict(
      plan([
        ...SERVER_START,
        ...CONNECT_ACCEPT_FORK,
        { proc: 'parent', do: 'close', fd: 'connfd' },
        { proc: 'child#1', do: 'close', fd: 'connfd' },
        { proc: 'client#1', do: 'write', fd: 'sockfd', text: 'one' },
        { proc: 'client#1', do: 'write', fd: 'sockfd', text: 'two' },
      ]),
    );
    expect(returns(run.role('client#1'), 'write').map((r) => r.ret)).toEqual([3]);
    expect(run.last.segments.some((s) => s.flags.includes('RST'))).toBe(true);
    expect(run.role('client#1').filter((e) => e.kind === 'exit')).toEqual([expect.objectContaining({ signal: 'SIGPIPE' })]);
  });
});

describe('kill', () => {
  it('sends the runner\'s signal, and the process exits with it; its children get the lab\'s parent-death signal', () => {
    const run = predict(plan([...SERVER_START, ...CONNECT_ACCEPT_FORK, { do: 'kill', proc: 'parent', signal: 'SIGTERM' }]));
    const last = run.stepEvents(run.events.filter((e) => e.kind === 'step').length - 1).map((e) => `${e.kind}:${'role' in e ? e.role : ''}`);
    expect(last).toEqual(['signal:parent', 'exit:parent', 'signal:child#1', 'step:']);
  });
});

describe('bind', () => {
  const restart = (reuse: boolean): Plan =>
    plan([
      { proc: 'parent', do: 'socket' },
      ...(reuse ? [{ proc: 'parent', do: 'setsockopt', fd: 'listenfd', opt: 'SO_REUSEADDR' } as PlanStep] : []),
      { proc: 'parent', do: 'bind', fd: 'listenfd' },
      { proc: 'parent', do: 'listen', fd: 'listenfd', backlog: 5 },
      ...CONNECT_ACCEPT_FORK,
      { proc: 'parent', do: 'close', fd: 'connfd' },
      { proc: 'child#1', do: 'close', fd: 'listenfd' },
      { proc: 'child#1', do: 'close', fd: 'connfd' },
      { proc: 'client#1', do: 'close', fd: 'sockfd' },
      { do: 'kill', proc: 'parent', signal: 'SIGTERM' },
      { do: 'spawn', proc: 'parent#2' },
      { proc: 'parent#2', do: 'socket' },
      ...(reuse ? [{ proc: 'parent#2', do: 'setsockopt', fd: 'listenfd', opt: 'SO_REUSEADDR' } as PlanStep] : []),
      { proc: 'parent#2', do: 'bind', fd: 'listenfd' },
    ]);

  it('fails EADDRINUSE beside the server\'s TIME_WAIT without SO_REUSEADDR', () => {
    const run = predict(restart(false));
    expect(run.last.endpoints.some((e) => e.kind === 'server-conn' && e.state === 'TIME_WAIT')).toBe(true);
    expect(returns(run.role('parent#2'), 'bind')[0]).toMatchObject({ ret: -1, errno: 'EADDRINUSE' });
  });

  it('succeeds beside it when both sockets have SO_REUSEADDR', () => {
    const run = predict(restart(true));
    expect(returns(run.role('parent#2'), 'bind')[0]).toMatchObject({ ret: 0, errno: null });
  });
});

describe('a listener shut for reading', () => {
  it('stops listening for every descriptor that names it: a later accept fails EINVAL', () => {
    const run = predict(
      plan([...SERVER_START, ...CONNECT_ACCEPT_FORK, { proc: 'child#1', do: 'shutdown', fd: 'listenfd', how: 'SHUT_RD' }, { proc: 'parent', do: 'accept', fd: 'listenfd' }]),
    );
    expect(run.last.endpoints.find((e) => e.kind === 'listener')!.state).toBe('CLOSED');
    expect(returns(run.role('parent'), 'accept')[1]).toMatchObject({ ret: -1, errno: 'EINVAL' });
  });
});

describe('a stall on a process that has gone', () => {
  it('says it has ended, reaped or a zombie (as the runner says)', () => {
    // SIGPIPE kills a process the plan still has steps for (parsePlan cannot know it will die).
    const pipe = (proc: string, fd: 'sockfd' | 'connfd'): PlanStep[] => [
      { proc, do: 'shutdown', fd, how: 'SHUT_WR' },
      { proc, do: 'write', fd, text: 'x' },
      { proc, do: 'close', fd },
    ];
    const gone = predict(plan([...SERVER_START, ...CONNECT_ACCEPT_FORK, ...pipe('client#1', 'sockfd')]));
    expect(gone.stalled?.message).toBe('plan stalled at step 11: client#1 has ended');
    const zombie = predict(plan([...SERVER_START, ...CONNECT_ACCEPT_FORK, ...pipe('child#1', 'connfd')]));
    expect(zombie.stalled?.message).toBe('plan stalled at step 11: child#1 has ended');
  });
});

describe('a pending socket error', () => {
  // The client exits with bytes unread: its close sends RST to the server's connection (ESTABLISHED).
  const reset: PlanStep[] = [
    ...SERVER_START,
    ...CONNECT_ACCEPT_FORK,
    { proc: 'parent', do: 'write', fd: 'connfd', text: 'unread\n' },
    { proc: 'client#1', do: 'exit', status: 0 },
  ];

  it('is reported once: the first write fails ECONNRESET, the next raises SIGPIPE', () => {
    const run = predict(plan([...reset, { proc: 'parent', do: 'write', fd: 'connfd', text: 'a' }, { proc: 'parent', do: 'write', fd: 'connfd', text: 'b' }]));
    expect(returns(run.role('parent'), 'write').map((r) => [r.ret, r.errno])).toEqual([
      [7, null],
      [-1, 'ECONNRESET'],
    ]);
    expect(run.role('parent').filter((e) => e.kind === 'exit')).toEqual([expect.objectContaining({ signal: 'SIGPIPE' })]);
  });

  it('taken by one process\'s read, it is gone for the other: its read returns 0', () => {
    const run = predict(plan([...reset, { proc: 'child#1', do: 'read', fd: 'connfd' }, { proc: 'parent', do: 'read', fd: 'connfd' }]));
    expect(returns(run.role('child#1'), 'read')[0]).toMatchObject({ ret: -1, errno: 'ECONNRESET' });
    expect(returns(run.role('parent'), 'read')[0]).toMatchObject({ ret: 0, data: '' });
  });

  it('a connection\'s socket that was reset gave its port back: binding it conflicts with the listener', () => {
    const run = predict(plan([...reset, { proc: 'parent', do: 'bind', fd: 'connfd' }]));
    expect(returns(run.role('parent'), 'bind')[1]).toMatchObject({ ret: -1, errno: 'EADDRINUSE' });
  });
});

describe('after a refused connect', () => {
  it('read fails ENOTCONN (no connection was made)', () => {
    const run = predict(
      plan([{ do: 'spawn', proc: 'client#1' }, { proc: 'client#1', do: 'socket' }, { proc: 'client#1', do: 'connect', fd: 'sockfd' }, { proc: 'client#1', do: 'read', fd: 'sockfd' }]),
    );
    expect(returns(run.events, 'read')[0]).toMatchObject({ ret: -1, errno: 'ENOTCONN' });
  });
});

describe('errors in the kernel\'s order', () => {
  it('accept takes a descriptor before it looks at the socket: EMFILE before EINVAL', () => {
    const run = predict(plan([{ proc: 'parent', do: 'setrlimit', nofile: 4 }, { proc: 'parent', do: 'socket' }, { proc: 'parent', do: 'accept', fd: 'listenfd' }]));
    expect(returns(run.role('parent'), 'accept')[0]).toMatchObject({ ret: -1, errno: 'EMFILE' });
  });

  it('a listener shut for reading is disconnected, not shut: a read on it fails ENOTCONN', () => {
    const run = predict(plan([...SERVER_START, { proc: 'parent', do: 'shutdown', fd: 'listenfd', how: 'SHUT_RDWR' }, { proc: 'parent', do: 'read', fd: 'listenfd' }]));
    expect(returns(run.role('parent'), 'read')[0]).toMatchObject({ ret: -1, errno: 'ENOTCONN' });
  });
});

describe('the prediction runs in the browser', () => {
  it('imports only the plan, the model and the trace contract (no React, DOM, ws or Node)', async () => {
    const { readFileSync } = await import('node:fs');
    for (const file of ['predict.ts', 'kernelRules.ts']) {
      const text = readFileSync(new URL(`../../src/plan/${file}`, import.meta.url), 'utf8');
      const specifiers = [...text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
      for (const s of specifiers) expect(s, `${file} imports ${s}`).toMatch(/^(\.\/|\.\.\/model\/|\.\.\/trace\/)/);
      expect(text).not.toMatch(/\b(window|document|localStorage)\.|from 'node:/);
    }
  });
});

describe('bytes waiting on a socket whose connection went to TIME_WAIT', () => {
  it('are still read (the descriptor\'s socket was detached from the connection)', () => {
    const run = predict(
      plan([
        ...SERVER_START,
        ...CONNECT_ACCEPT_FORK,
        { proc: 'child#1', do: 'write', fd: 'connfd', text: 'hi\n' },
        { proc: 'client#1', do: 'shutdown', fd: 'sockfd', how: 'SHUT_WR' },
        { proc: 'parent', do: 'shutdown', fd: 'connfd', how: 'SHUT_WR' },
        { proc: 'client#1', do: 'read', fd: 'sockfd' },
      ]),
    );
    expect(run.last.endpoints.some((e) => e.kind === 'client' && e.state === 'TIME_WAIT')).toBe(true);
    expect(returns(run.role('client#1'), 'read')[0]).toMatchObject({ ret: 3, data: 'hi\n' });
  });
});

describe('listen', () => {
  it('takes the port again with bind\'s rule: beside a connection without SO_REUSEADDR on the listener, EADDRINUSE', () => {
    const run = predict(
      plan([
        ...SERVER_START,
        ...CONNECT_ACCEPT_FORK,
        { proc: 'parent', do: 'shutdown', fd: 'listenfd', how: 'SHUT_RD' }, // the listener stops listening, still bound
        { proc: 'parent', do: 'listen', fd: 'listenfd', backlog: 5 }, // the accepted connection still holds the port
      ]),
    );
    expect(returns(run.role('parent'), 'listen').map((r) => r.errno)).toEqual([null, 'EADDRINUSE']);
  });
});

describe('data for a socket shut for reading, after its FIN', () => {
  it('resets it (Linux TCPAbortOnData): its next write fails ECONNRESET', () => {
    const run = predict(
      plan([
        ...SERVER_START,
        ...CONNECT_ACCEPT_FORK,
        { proc: 'client#1', do: 'shutdown', fd: 'sockfd', how: 'SHUT_WR' },
        { proc: 'client#1', do: 'shutdown', fd: 'sockfd', how: 'SHUT_RD' },
        { proc: 'parent', do: 'write', fd: 'connfd', text: 'x\n' },
        { proc: 'client#1', do: 'write', fd: 'sockfd', text: 'y' },
      ]),
    );
    expect(run.last.segments.some((s) => s.flags.includes('RST'))).toBe(true);
    expect(returns(run.role('client#1'), 'write')[0]).toMatchObject({ ret: -1, errno: 'ECONNRESET' });
  });
});

describe('quirks seen in real runs', () => {
  it('shutdown(SHUT_RD) of a socket with no connection fails ENOTCONN, yet shuts it: a read returns 0', () => {
    const run = predict(
      plan([{ do: 'spawn', proc: 'client#1' }, { proc: 'client#1', do: 'socket' }, { proc: 'client#1', do: 'shutdown', fd: 'sockfd', how: 'SHUT_RDWR' }, { proc: 'client#1', do: 'read', fd: 'sockfd' }]),
    );
    expect(returns(run.events, 'shutdown')[0]).toMatchObject({ ret: -1, errno: 'ENOTCONN' });
    expect(returns(run.events, 'read')[0]).toMatchObject({ ret: 0, data: '' });
  });

  it('the handler runs at the line of the signal step the parent has come to, even before that step is released', () => {
    const p = plan([
      { proc: 'parent', do: 'signal', sig: 'SIGCHLD', disposition: 'handler' },
      { proc: 'parent', do: 'fork' },
      { proc: 'child#1', do: 'exit', status: 0 },
      { proc: 'parent', do: 'signal', sig: 'SIGCHLD', disposition: 'handler' },
    ]);
    const run = predict(p);
    const handlerCalls = run.role('parent').filter((e) => e.kind === 'call' && e.fn === 'waitpid');
    expect(handlerCalls[0]).toMatchObject({ line: planSource(p).stepLines[3] });
  });
});

describe('a connection reset while in the accept queue', () => {
  const run = predict(
    plan([
      ...SERVER_START,
      { do: 'spawn', proc: 'client#1' },
      { proc: 'client#1', do: 'socket' },
      { proc: 'client#1', do: 'connect', fd: 'sockfd' },
      { proc: 'client#1', do: 'setsockopt', fd: 'sockfd', opt: 'SO_LINGER', onoff: 1, linger: 0 },
      { proc: 'client#1', do: 'close', fd: 'sockfd' },
      { proc: 'parent', do: 'accept', fd: 'listenfd' },
      { proc: 'parent', do: 'read', fd: 'connfd' },
      { proc: 'parent', do: 'read', fd: 'connfd' },
    ]),
  );

  it('is still accepted (Linux keeps it in the queue, CLOSED), then its read fails ECONNRESET once', () => {
    expect(returns(run.role('parent'), 'accept').map((e) => e.ret)).toEqual([4]);
    expect(returns(run.role('parent'), 'read').map((e) => [e.ret, e.errno])).toEqual([
      [-1, 'ECONNRESET'],
      [0, null],
    ]);
    expect(run.last.endpoints.find((e) => e.kind === 'server-conn')?.state).toBe('CLOSED');
  });
});
