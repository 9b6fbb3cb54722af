import { describe, expect, it } from 'vitest';
import { createActor, fromCallback, fromPromise, waitFor, type AnyActorRef } from 'xstate';
import type { ClientMessage, ServerMessage } from '../../src/protocol/messages.ts';
import type { TraceEvent, TraceRecord } from '../../src/trace/types.ts';
import { planUnavailableNotice, sessionMachine, traceLoader, type LoadResult } from '../../src/web/session/machine.ts';
import { concurrentPlan } from '../../src/plan/examples.ts';
import type { SocketCommand, SocketEvent } from '../../src/web/session/socket.ts';
import { parseServerMessage } from '../../src/protocol/messages.ts';
import { recordedConcurrent } from './web-recorded.ts';

const recorded = recordedConcurrent().trace;

/** A stand-in companion: the test sends it server messages and reads what the page sent. */
function fakeCompanion() {
  const sent: ClientMessage[] = [];
  let sendBack: ((e: SocketEvent) => void) | null = null;
  let stopped = false;
  const actor = fromCallback<SocketCommand, { url: string }, SocketEvent>(({ sendBack: sb, receive }) => {
    sendBack = sb;
    receive((cmd) => sent.push(cmd.message));
    return () => {
      stopped = true;
    };
  });
  return {
    actor,
    sent,
    get stopped() {
      return stopped;
    },
    say(message: ServerMessage) {
      sendBack!({ type: 'socket.message', message });
    },
    fail(reason: string) {
      sendBack!({ type: 'socket.failed', reason });
    },
    close(reason = 'the connection to the companion closed') {
      sendBack!({ type: 'socket.closed', reason });
    },
  };
}

const hello = (live: boolean, reason: string | null = null): ServerMessage => ({
  type: 'hello',
  protocol: 1,
  live,
  reason,
  scenarios: [{ id: 'concurrent', title: 'x', steps: 22 }],
});

/** The recorded events up to and including the kernel event of `step`. */
function eventsThrough(step: number): TraceEvent[] {
  const i = recorded.events.findIndex((e) => e.kind === 'kernel' && e.step === step);
  return recorded.events.slice(0, i + 1);
}
function eventsOfStep(step: number): TraceEvent[] {
  return eventsThrough(step).slice(eventsThrough(step - 1).length);
}

const loadRecorded = fromPromise<LoadResult, { url: string }>(async () => ({ ok: true, trace: recorded }));

function start(companion: ReturnType<typeof fakeCompanion> | null, loader = loadRecorded, toStep = 0) {
  const machine = sessionMachine.provide({ actors: { socket: companion?.actor ?? fakeCompanion().actor, loadTrace: loader } });
  const actor = createActor(machine, {
    input: { scenario: 'concurrent', toStep, socketUrl: companion ? 'ws://127.0.0.1/ws?token=t' : null, traceUrl: '/traces/concurrent.jsonl', helloTimeoutMs: 200 },
  });
  actor.start();
  return actor;
}

const settled = (actor: AnyActorRef, pred: (s: ReturnType<AnyActorRef['getSnapshot']>) => boolean) => waitFor(actor, pred, { timeout: 2000 });

describe('web session: live when the companion can, recorded otherwise', () => {
  it('without a token plays the recorded trace at once and says why', async () => {
    const actor = start(null);
    const s = await settled(actor, (s) => s.matches({ recorded: 'ready' }));
    expect(s.context.mode).toBe('recorded');
    expect(s.context.notice).toMatch(/not served by the forkscope companion/);
    expect(s.context.steps).toBe(22);
    expect(s.context.done).toBe(true);
  });

  it('without a token, says the reason the companion gave (another machine) instead', async () => {
    const machine = sessionMachine.provide({ actors: { socket: fakeCompanion().actor, loadTrace: loadRecorded } });
    const actor = createActor(machine, {
      input: { scenario: 'concurrent', toStep: 0, socketUrl: null, offlineReason: 'live runs only on the machine running the companion', traceUrl: '/traces/concurrent.jsonl' },
    });
    actor.start();
    const s = await settled(actor, (s) => s.matches({ recorded: 'ready' }));
    expect(s.context.notice).toBe('Playing a recorded trace of the real programs. Live runs are unavailable: live runs only on the machine running the companion.');
  });

  it('goes live on hello, runs to the URL’s step, and steps on request', async () => {
    const c = fakeCompanion();
    const actor = start(c, loadRecorded, 2);
    c.say(hello(true));
    expect(actor.getSnapshot().context.mode).toBe('live');
    expect(c.sent).toEqual([{ type: 'start', scenario: 'concurrent', toStep: 2 }]);
    expect(actor.getSnapshot().context.inFlight).toBe(true);

    c.say({ type: 'records', records: [recorded.header as TraceRecord, ...eventsThrough(0)] });
    c.say({ type: 'stepped', step: 0, done: false });
    expect(actor.getSnapshot().context.steps).toBe(1);
    expect(actor.getSnapshot().context.inFlight).toBe(true);
    for (const n of [1, 2]) {
      c.say({ type: 'records', records: eventsOfStep(n) });
      c.say({ type: 'stepped', step: n, done: false });
    }
    let ctx = actor.getSnapshot().context;
    expect(ctx.steps).toBe(3);
    expect(ctx.inFlight).toBe(false);
    expect(ctx.replay!.atStep(2).label).toBe('parent-bind');

    actor.send({ type: 'next' });
    actor.send({ type: 'next' }); // ignored: one step at a time
    expect(c.sent.slice(1)).toEqual([{ type: 'step' }]);
    expect(actor.getSnapshot().context.inFlight).toBe(true);
    c.say({ type: 'records', records: eventsOfStep(3) });
    c.say({ type: 'stepped', step: 3, done: false });
    ctx = actor.getSnapshot().context;
    expect(ctx.steps).toBe(4);
    expect(ctx.inFlight).toBe(false);
    expect(ctx.replay!.atStep(3).endpoints[0]!.state).toBe('LISTEN');
  });

  it('does nothing on → once the live run is done, and keeps the trace when the companion goes', () => {
    const c = fakeCompanion();
    const actor = start(c);
    c.say(hello(true));
    c.say({ type: 'records', records: [recorded.header as TraceRecord, ...recorded.events] });
    c.say({ type: 'stepped', step: 21, done: true });
    c.say({ type: 'ended', reason: 'completed', message: null });
    actor.send({ type: 'next' });
    expect(c.sent).toEqual([{ type: 'start', scenario: 'concurrent', toStep: 0 }]);
    c.close();
    const s = actor.getSnapshot();
    expect(s.matches('liveEnded')).toBe(true);
    expect(s.context.mode).toBe('live');
    expect(s.context.steps).toBe(22);
  });

  it('falls back to the recorded trace when live runs are off, with the companion’s reason', async () => {
    const c = fakeCompanion();
    const actor = start(c);
    c.say(hello(false, 'no C compiler found: install gcc'));
    const s = await settled(actor, (s) => s.matches({ recorded: 'ready' }));
    expect(s.context.notice).toMatch(/no C compiler found: install gcc/);
    expect(c.stopped).toBe(true);
  });

  it('falls back when the companion cannot be reached, errs, drops mid-run, or never answers', async () => {
    const unreachable = fakeCompanion();
    const a = start(unreachable);
    unreachable.fail('the companion could not be reached');
    expect((await settled(a, (s) => s.matches({ recorded: 'ready' }))).context.notice).toMatch(/could not be reached/);

    const erring = fakeCompanion();
    const b = start(erring);
    erring.say(hello(true));
    erring.say({ type: 'error', code: 'busy', message: 'the companion already runs 4 live lessons' });
    expect((await settled(b, (s) => s.matches({ recorded: 'ready' }))).context.notice).toMatch(/busy/);

    const dropping = fakeCompanion();
    const c = start(dropping);
    dropping.say(hello(true));
    dropping.say({ type: 'records', records: [recorded.header as TraceRecord, ...eventsThrough(0)] });
    dropping.close();
    const sc = await settled(c, (s) => s.matches({ recorded: 'ready' }));
    expect(sc.context.notice).toMatch(/closed/);
    expect(sc.context.steps).toBe(22);

    const silent = fakeCompanion();
    const d = start(silent);
    expect((await settled(d, (s) => s.matches({ recorded: 'ready' }))).context.notice).toMatch(/did not answer/);
  });

  it('falls back when the live trace is broken', async () => {
    const c = fakeCompanion();
    const actor = start(c);
    c.say(hello(true));
    c.say({ type: 'records', records: eventsThrough(0) as TraceRecord[] }); // no header first
    const s = await settled(actor, (s) => s.matches({ recorded: 'ready' }));
    expect(s.context.notice).toMatch(/header/);
  });

  it('reports a broken recorded trace by line', async () => {
    const text = `${JSON.stringify(recorded.header)}\n{"kind":"call","seq":0}\n`;
    const broken = fromPromise<LoadResult, { url: string }>(async () => {
      const { parseTrace } = await import('../../src/model/index.ts');
      const parsed = parseTrace(text);
      return parsed.ok ? { ok: true, trace: parsed.trace } : { ok: false, problems: parsed.errors };
    });
    const actor = start(null, broken);
    const s = await settled(actor, (s) => s.matches({ recorded: 'broken' }));
    expect(s.context.problems![0]!.line).toBe(2);
    expect(s.context.problems![0]!.message.length).toBeGreaterThan(0);
  });

  it('the real loader turns HTTP failures into a problem, not an exception', async () => {
    const realFetch = globalThis.fetch;
    globalThis.fetch = (async () => new Response('nope', { status: 404, statusText: 'Not Found' })) as typeof fetch;
    try {
      const actor = createActor(traceLoader, { input: { url: '/traces/missing.jsonl' } });
      actor.start();
      const s = await waitFor(actor, (s) => s.status === 'done');
      expect(s.output).toEqual({ ok: false, problems: [{ line: null, message: 'could not fetch /traces/missing.jsonl: HTTP 404 Not Found' }] });
    } finally {
      globalThis.fetch = realFetch;
    }
  });

  it('accepts only the companion’s message types', () => {
    expect(parseServerMessage('{"type":"stepped","step":1,"done":false}')).toEqual({ type: 'stepped', step: 1, done: false });
    expect(parseServerMessage('{"type":"records"}')).toBeNull();
    expect(parseServerMessage('{"type":"evil"}')).toBeNull();
    expect(parseServerMessage('not json')).toBeNull();
    expect(parseServerMessage(42)).toBeNull();
  });
});

describe('a sandbox plan', () => {
  function startPlan(companion: ReturnType<typeof fakeCompanion> | null) {
    const machine = sessionMachine.provide({ actors: { socket: companion?.actor ?? fakeCompanion().actor, loadTrace: loadRecorded } });
    const actor = createActor(machine, {
      input: { scenario: 'plan', plan: concurrentPlan, toStep: 2, socketUrl: companion ? 'ws://127.0.0.1/ws?token=t' : null, traceUrl: '', helloTimeoutMs: 200 },
    });
    actor.start();
    return actor;
  }

  it('starts with start-plan once the hello says sandbox', async () => {
    const companion = fakeCompanion();
    const actor = startPlan(companion);
    companion.say(Object.assign(hello(true), { sandbox: true }));
    await settled(actor, (s) => s.matches({ online: 'live' }));
    expect(companion.sent).toEqual([{ type: 'start-plan', plan: concurrentPlan, toStep: 2 }]);
  });

  it('without a companion has no recorded trace to fall back on, and says why', async () => {
    const s = await settled(startPlan(null), (s) => s.matches({ recorded: 'unavailable' }));
    expect(s.context.replay).toBeNull();
    expect(planUnavailableNotice(s.context.notice)).toMatch(/^This plan cannot run for real here: this page was not served by the forkscope companion/);
  });

  it('does not run on a companion that runs lessons but not plans', async () => {
    const companion = fakeCompanion();
    const actor = startPlan(companion);
    companion.say(hello(true));
    const s = await settled(actor, (s) => s.matches({ recorded: 'unavailable' }));
    expect(companion.sent).toEqual([]);
    expect(s.context.notice).toMatch(/does not run sandbox plans/);
  });
});

describe('a trace opened from a file', () => {
  it('goes straight to recorded.ready, never opens the socket or fetches, and names the file', async () => {
    const companion = fakeCompanion();
    let fetched = false;
    const loader = fromPromise<LoadResult, { url: string }>(async () => {
      fetched = true;
      return { ok: true, trace: recorded };
    });
    const machine = sessionMachine.provide({ actors: { socket: companion.actor, loadTrace: loader } });
    const actor = createActor(machine, {
      input: { scenario: 'concurrent', toStep: 3, socketUrl: 'ws://127.0.0.1/ws?token=t', traceUrl: '/traces/concurrent.jsonl', trace: recorded, traceName: 'mine.jsonl' },
    });
    actor.start();
    const s = actor.getSnapshot();
    expect(s.matches({ recorded: 'ready' })).toBe(true);
    expect(s.context.mode).toBe('recorded');
    expect(s.context.done).toBe(true);
    expect(s.context.steps).toBe(recorded.events.filter((e) => e.kind === 'kernel').length);
    expect(s.context.replay!.trace.events).toHaveLength(recorded.events.length);
    expect(s.context.notice).toMatch(/^Playing the trace from the file “mine\.jsonl” \(concurrent, recorded on linux /i);
    expect(fetched).toBe(false);
    expect(companion.sent).toEqual([]);
    actor.send({ type: 'next' });
    expect(actor.getSnapshot().matches({ recorded: 'ready' })).toBe(true);
  });
});
