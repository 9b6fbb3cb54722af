// The outcome of a run (src/plan/outcome.ts) on lessons recorded from the real kernel: which FIN
// and RST went out and why, final states and TIME_WAIT, leaks, zombies, failures, end of file.

import { describe, expect, it } from 'vitest';
import { CONNECT_ACCEPT_FORK, SERVER_START } from '../../src/plan/examples.ts';
import { summarizeOutcome } from '../../src/plan/outcome.ts';
import { predictPlan } from '../../src/plan/predict.ts';
import { PLAN_FORMAT, PLAN_VERSION, type PlanStep } from '../../src/plan/types.ts';
import { parseTrace } from '../../src/trace/parse.ts';
import { cutAfter, RECORDED, recorded, stepCount } from './plan-traces.ts';

describe('the outcome of the concurrent server (client closes first)', () => {
  const o = summarizeOutcome(recorded('concurrent'));

  it('names each FIN by the close that took its open file to 0', () => {
    expect(o.signals.map((s) => [s.flag, s.label, s.reason, s.why])).toEqual([
      ['FIN', 'client-close', 'close', 'close(3) in client#1: count 1 → 0'],
      ['FIN', 'child-close-connfd', 'close', 'close(4) in child#1: count 1 → 0'],
    ]);
    expect(o.signals[0]!.from).toBe('connection client#1 ↔ child#1 (client end)');
    expect(o.signals[0]!.to).toBe('connection client#1 ↔ child#1 (server end)');
  });

  it('leaves the client, which closed first, in TIME_WAIT', () => {
    expect(o.connections).toEqual([
      { name: 'connection client#1 ↔ child#1', client: 'client#1', server: 'child#1', clientState: 'TIME_WAIT', serverState: 'CLOSED', timeWait: [{ side: 'client', roles: ['client#1'] }] },
    ]);
  });

  it('counts the parent\'s close of connfd as 2 → 1, which sends nothing', () => {
    const parentClose = o.closes.find((c) => c.role === 'parent');
    expect(parentClose).toMatchObject({ descriptor: 'parent connfd 4', countBefore: 2, countAfter: 1, sent: null });
  });

  it('sees the child read end of file, a zombie child at the end, no leak and no failure', () => {
    expect(o.endOfFile).toEqual([{ step: 18, label: 'client-close', role: 'child#1', descriptor: 'child#1 connfd 4' }]);
    expect(o.zombies).toEqual(['child#1']);
    expect(o.leaks).toEqual([]);
    expect(o.failedCalls).toEqual([]);
    expect(o.stalled).toBeNull();
  });

  it('ends at the last snapshot: the runner killing the server afterwards is not part of it', () => {
    expect(o.lastStep).toBe(stepCount(recorded('concurrent')) - 1);
    expect(o.signals.every((s) => s.role !== 'parent')).toBe(true);
  });
});

describe('when the server closes first', () => {
  it('puts the server\'s child in TIME_WAIT', () => {
    const [c] = summarizeOutcome(recorded('server-closes-first')).connections;
    expect(c).toMatchObject({ clientState: 'CLOSED', serverState: 'TIME_WAIT', timeWait: [{ side: 'server', roles: ['child#1'] }] });
  });
});

describe('an abortive close (SO_LINGER 0)', () => {
  const o = summarizeOutcome(recorded('linger-rst'));
  it('sends an RST, says why, and leaves no TIME_WAIT', () => {
    expect(o.signals.map((s) => [s.flag, s.reason])).toEqual([['RST', 'linger-zero']]);
    expect(o.signals[0]!.why).toContain('SO_LINGER {1, 0}');
    expect(o.connections[0]!.timeWait).toEqual([]);
  });
  it('lists the peer\'s read that fails with ECONNRESET', () => {
    expect(o.failedCalls).toEqual([{ step: 19, label: 'client-close-rst', role: 'child#1', call: 'read(4)', errno: 'ECONNRESET' }]);
  });
});

describe('shutdown', () => {
  it('is the FIN\'s cause whatever the count', () => {
    const fin = summarizeOutcome(recorded('shutdown')).signals[0]!;
    expect(fin).toMatchObject({ flag: 'FIN', reason: 'shutdown', role: 'parent', call: 'shutdown(4, SHUT_WR)' });
  });
});

describe('the parent keeps connfd', () => {
  const trace = recorded('parent-keeps-connfd');
  const o = summarizeOutcome(trace);

  it('counts the child\'s close 2 → 1: no FIN', () => {
    expect(o.closes.find((c) => c.role === 'child#1' && c.fd === 4)).toMatchObject({ countBefore: 2, countAfter: 1, sent: null });
  });

  it('finds the leak while the parent lives: the parent holds a connection its child serves', () => {
    const beforeEmfile = trace.events.find((e) => e.kind === 'kernel' && e.label === 'parent-accept-emfile');
    const cut = cutAfter(trace, (beforeEmfile as { step: number }).step - 1, 'cut for the test');
    const leaks = summarizeOutcome(cut).leaks;
    expect(leaks.map((l) => [l.kind, l.descriptor])).toContainEqual(['parent-keeps-connection', 'parent connfd 4']);
  });

  it('explains the FIN the parent\'s exit sends and the RST to the connection still queued', () => {
    const atExit = o.signals.filter((s) => s.label === 'parent-accept-emfile');
    expect(atExit.map((s) => [s.flag, s.reason])).toEqual([
      ['FIN', 'exit'],
      ['RST', 'listener-closed'],
    ]);
    expect(atExit[0]!.why).toBe('exit(1) of parent: the kernel closed fd 4, count 1 → 0');
  });

  it('lists accept\'s EMFILE and the write that meets the reset', () => {
    expect(o.failedCalls.map((f) => [f.role, f.call, f.errno])).toEqual([
      ['parent', 'accept(3)', 'EMFILE'],
      ['client#2', 'write(3)', 'ECONNRESET'],
    ]);
  });
});

describe('leaks', () => {
  it('finds a child that keeps listenfd', () => {
    const leaks = summarizeOutcome(recorded('child-keeps-listenfd')).leaks;
    expect(leaks).toEqual([expect.objectContaining({ role: 'child#1', kind: 'child-keeps-listener', descriptor: 'child#1 listenfd 3', socket: "parent's listening socket" })]);
  });
  it('finds none when every process closed what it should', () => {
    for (const name of ['concurrent', 'many-clients', 'sigchld-waitpid', 'iterative']) expect(summarizeOutcome(recorded(name)).leaks, name).toEqual([]);
  });
});

describe('zombies and the SIGCHLD handler', () => {
  it('counts the zombies SIGCHLD\'s default leaves', () => {
    expect(summarizeOutcome(recorded('zombies')).zombies).toEqual(['child#1', 'child#2', 'child#3']);
  });
  it('leaves none with the handler, whose last waitpid (-1 ECHILD) is not a failure', () => {
    const o = summarizeOutcome(recorded('sigchld-waitpid'));
    expect(o.zombies).toEqual([]);
    expect(o.failedCalls).toEqual([]);
  });
  it('lists the accept a handler interrupted without SA_RESTART', () => {
    expect(summarizeOutcome(recorded('accept-eintr')).failedCalls.map((f) => [f.role, f.call, f.errno])).toEqual([['parent', 'accept', 'EINTR']]);
  });
});

describe('a run that stopped early', () => {
  it('says why, and sums up the steps that ran', () => {
    const o = summarizeOutcome(cutAfter(recorded('concurrent'), 10, 'plan stalled at step 11: client#1 is blocked in read()'));
    expect(o.stalled).toBe('plan stalled at step 11: client#1 is blocked in read()');
    expect(o.lastStep).toBe(10);
    expect(o.connections[0]).toMatchObject({ clientState: 'ESTABLISHED', serverState: 'ESTABLISHED', timeWait: [] });
  });
});

describe('every recorded trace', () => {
  for (const name of RECORDED) {
    it(`${name}: every FIN and RST has a cause, and every connection a final state on each side`, () => {
      const o = summarizeOutcome(recorded(name));
      for (const s of o.signals) {
        expect(s.why.length).toBeGreaterThan(0);
        expect(s.from).not.toMatch(/ep#/);
      }
      for (const c of o.connections) expect(c.name).toMatch(/^connection client#\d ↔ (child#\d+|parent(#\d)?|server)$/);
    });
  }
});

describe('causes the lessons do not show, on predicted runs', () => {
  const S: PlanStep[] = [...SERVER_START, ...CONNECT_ACCEPT_FORK, { proc: 'parent', do: 'close', fd: 'connfd' }];
  const outcomeOf = (title: string, steps: PlanStep[]) => {
    const parsed = parseTrace(predictPlan({ format: PLAN_FORMAT, version: PLAN_VERSION, title, steps }).records.map((r) => JSON.stringify(r)).join('\n'));
    if (!parsed.ok) throw new Error('the prediction does not parse');
    return summarizeOutcome(parsed.trace);
  };

  it('a killed process: its exit closed the last reference', () => {
    const o = outcomeOf('kill', [...S, { do: 'kill', proc: 'child#1', signal: 'SIGTERM' }]);
    expect(o.signals[0]).toMatchObject({ flag: 'FIN', reason: 'exit', role: 'child#1', call: 'SIGTERM', why: 'child#1 killed by SIGTERM: the kernel closed fd 4, count 1 → 0' });
  });

  it('unread bytes: the close aborts', () => {
    const o = outcomeOf('unread', [...S, { proc: 'client#1', do: 'write', fd: 'sockfd', text: 'hi' }, { proc: 'child#1', do: 'close', fd: 'connfd' }]);
    expect(o.signals.map((s) => [s.flag, s.reason, s.why])).toEqual([['RST', 'unread-data', 'close(4) in child#1: count 1 → 0, with 2 bytes received and not read']]);
    expect(o.closes[o.closes.length - 1]).toMatchObject({ role: 'child#1', sent: 'RST' });
  });

  it('a connect to a port where nothing listens: the RST answers it', () => {
    const o = outcomeOf('refused', [{ do: 'spawn', proc: 'client#1' }, { proc: 'client#1', do: 'socket' }, { proc: 'client#1', do: 'connect', fd: 'sockfd' }]);
    expect(o.signals).toEqual([expect.objectContaining({ flag: 'RST', reason: 'reply', role: 'client#1' })]);
    expect(o.failedCalls).toEqual([{ step: 3, label: 'step-3', role: 'client#1', call: 'connect(3)', errno: 'ECONNREFUSED' }]);
  });

  it('a client socket that never connected is no connection', () => {
    const o = outcomeOf('unused', [{ do: 'spawn', proc: 'client#1' }, { proc: 'client#1', do: 'socket' }, { proc: 'client#1', do: 'close', fd: 'sockfd' }]);
    expect(o.connections).toEqual([]);
    expect(o.closes).toEqual([{ step: 3, label: 'step-3', role: 'client#1', fd: 3, descriptor: 'client#1 sockfd 3', countBefore: 1, countAfter: 0, sent: null }]);
  });

  it('a plan that stalls: the outcome says where', () => {
    const o = outcomeOf('stall', [...S, { proc: 'client#1', do: 'read', fd: 'sockfd' }, { proc: 'client#1', do: 'close', fd: 'sockfd' }]);
    expect(o.stalled).toBe('plan stalled at step 11: client#1 is blocked in read()');
    expect(o.lastStep).toBe(10);
  });
});
