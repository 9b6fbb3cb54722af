// Replay: steps and events, stepping back, live appends, the XState machine, and a 100 000-event trace.

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_EVERY, TraceFormatError, createReplay, parseTrace } from '../../src/model/index.ts';
import { APPLIERS, applyTraceEvent, initialContext } from '../../src/model/apply.ts';
import { systemInitial, systemMachine, systemStep } from '../../src/model/system.ts';
import { statusOf } from '../../src/model/process.ts';
import type { TraceEvent } from '../../src/trace/types.ts';
import { CHILD, CLIENT, CONCURRENT_STEPS, PARENT, concurrentTrace, stepOf } from './builder.ts';
import { syntheticTrace } from './synthetic.ts';

const TRACES = fileURLToPath(new URL('../../public/traces/', import.meta.url));

describe('createReplay', () => {
  const trace = concurrentTrace().trace();

  it('has one step per kernel event, labelled as the schedule', () => {
    const r = createReplay(trace);
    expect(r.stepCount).toBe(CONCURRENT_STEPS.length);
    expect(Array.from({ length: r.stepCount }, (_, s) => r.atStep(s).label)).toEqual([...CONCURRENT_STEPS]);
  });

  it("step N is the model after the N-th kernel event, with that event and the check's result", () => {
    const r = createReplay(trace);
    const s = stepOf('parent-fork');
    const [first, last] = r.eventRangeOfStep(s);
    const m = r.atStep(s);
    expect(m.step).toBe(s);
    expect(m.eventIndex).toBe(last);
    expect(m.kernel).toBe(trace.events[last]);
    expect(m.kernel?.step).toBe(s);
    expect(m.disagreements).toEqual([]);
    expect(r.eventRangeOfStep(s - 1)[1]).toBe(first - 1);
    expect(r.eventRangeOfStep(0)[0]).toBe(0);
  });

  it('maps events to steps: an event belongs to the step its next kernel event ends', () => {
    const r = createReplay(trace);
    for (let s = 0; s < r.stepCount; s++) {
      const [first, last] = r.eventRangeOfStep(s);
      for (let i = first; i <= last; i++) expect(r.stepOfEvent(i)).toBe(s);
    }
    // The end record comes after the last kernel snapshot: a step not (yet) ended.
    expect(r.stepOfEvent(trace.events.length - 1)).toBe(r.stepCount);
  });

  it('atEvent: the model after that event, with the latest kernel snapshot at or before it', () => {
    const r = createReplay(trace);
    const s = stepOf('parent-fork');
    const [first, last] = r.eventRangeOfStep(s);
    const mid = r.atEvent(first); // the parent's fork return: the child exists, the counts are 2
    expect(mid.step).toBe(s);
    expect(mid.label).toBe('parent-fork');
    expect(mid.kernel).toBe(trace.events[first - 1]);
    expect(mid.processes.some((p) => p.pid === CHILD)).toBe(true);
    expect(r.atEvent(last).kernel).toBe(trace.events[last]);
    const before = r.atEvent(-1);
    expect(before).toMatchObject({ step: 0, eventIndex: -1, processes: [], kernel: null, disagreements: [] });
  });

  it('stepping back is replaying: any order of seeks gives the same snapshots', () => {
    const forward = createReplay(trace);
    const expected = Array.from({ length: forward.stepCount }, (_, s) => forward.atStep(s));
    const r = createReplay(trace);
    const order = [21, 0, 9, 8, 20, 3, 15, 7, 11, 2, 19, 1];
    for (const s of order) expect(r.atStep(s), `step ${s}`).toEqual(expected[s]);
  });

  it('is deterministic: two replays of one trace agree everywhere', () => {
    const a = createReplay(concurrentTrace().trace());
    const b = createReplay(concurrentTrace().trace());
    for (let i = -1; i < trace.events.length; i++) expect(a.atEvent(i)).toEqual(b.atEvent(i));
  });

  it('rejects steps and events outside the trace', () => {
    const r = createReplay(trace);
    expect(() => r.atStep(r.stepCount)).toThrow(RangeError);
    expect(() => r.atStep(-1)).toThrow(RangeError);
    expect(() => r.atEvent(trace.events.length)).toThrow(RangeError);
    expect(() => r.eventRangeOfStep(1.5)).toThrow(RangeError);
  });

  it('does not change the trace it was given', () => {
    const t = concurrentTrace().trace();
    const n = t.events.length;
    const r = createReplay({ header: t.header, events: t.events.slice(0, 10) });
    r.append(t.events.slice(10));
    expect(t.events).toHaveLength(n);
    expect(r.trace.events).toHaveLength(n);
  });
});

describe('append (live runs)', () => {
  const full = concurrentTrace().trace();

  it('a replay grown event by event equals the replay of the whole trace', () => {
    const whole = createReplay(full);
    const live = createReplay({ header: full.header, events: [] });
    expect(live.stepCount).toBe(0);
    expect(live.atEvent(-1).processes).toEqual([]);
    for (const e of full.events) {
      live.append([e]);
      const i = live.trace.events.length - 1;
      expect(live.atEvent(i).processes).toEqual(whole.atEvent(i).processes);
    }
    expect(live.stepCount).toBe(whole.stepCount);
    for (let s = 0; s < whole.stepCount; s++) expect(live.atStep(s)).toEqual(whole.atStep(s));
    expect(live.disagreementCount()).toBe(0);
  });

  it('the label of a step in progress appears when its kernel snapshot arrives', () => {
    const live = createReplay({ header: full.header, events: [] });
    const [first, last] = createReplay(full).eventRangeOfStep(1);
    live.append(full.events.slice(0, first + 1));
    expect(live.atEvent(first).label).toBe('start');
    live.append(full.events.slice(first + 1, last + 1));
    expect(live.atEvent(first).label).toBe('parent-socket');
  });

  it('rejects a batch with a broken event or a seq that goes back, and keeps the replay as it was', () => {
    const live = createReplay({ header: full.header, events: full.events.slice(0, 5) });
    const bad = { ...full.events[5]!, pid: 'x' } as unknown as TraceEvent;
    expect(() => live.append([full.events[5]!, bad])).toThrow(TraceFormatError);
    expect(() => live.append([full.events[2]!])).toThrow(/seq/);
    expect(live.trace.events).toHaveLength(5);
    live.append([full.events[5]!]);
    expect(live.trace.events).toHaveLength(6);
  });
});

describe('the XState system machine', () => {
  it('driven with transition() gives the same context as the fold Replay uses', () => {
    for (const [t, every] of [
      [concurrentTrace().trace(), 1],
      [syntheticTrace(3_000).trace, 500],
    ] as const) {
      let snapshot = systemInitial(t.header);
      let ctx = initialContext(t.header);
      t.events.forEach((e, i) => {
        snapshot = systemStep(snapshot, e, i);
        ctx = applyTraceEvent(ctx, e, i);
        if (i % every === 0 || i === t.events.length - 1) expect(snapshot.context).toEqual(ctx);
      });
      expect(snapshot.value).toBe('ended');
    }
  });

  it('gives the same context as the fold for every recorded trace (releases, packets, handlers)', () => {
    for (const file of readdirSync(TRACES).filter((f) => f.endsWith('.jsonl'))) {
      const parsed = parseTrace(readFileSync(`${TRACES}/${file}`, 'utf8'));
      if (!parsed.ok) throw new Error(`${file} does not parse`);
      const t = parsed.trace;
      let snapshot = systemInitial(t.header);
      let ctx = initialContext(t.header);
      t.events.forEach((e, i) => {
        snapshot = systemStep(snapshot, e, i);
        ctx = applyTraceEvent(ctx, e, i);
        expect(snapshot.context, `${file} event ${i} (${e.kind})`).toEqual(ctx);
      });
    }
  });

  it('has one named assign action per event kind, each its own kind’s applier', () => {
    const on = systemMachine.config.on ?? {};
    const kinds = ['call', 'drop', 'end', 'exit', 'kernel', 'lost', 'output', 'packet', 'ready', 'release', 'retransmit', 'return', 'signal', 'spawn', 'step'];
    expect(Object.keys(on).sort()).toEqual(kinds);
    expect(Object.keys(APPLIERS).sort()).toEqual(kinds);
    const actions = kinds.map((k) => (on as Record<string, { actions: string }>)[k]!.actions);
    expect(new Set(actions).size).toBe(kinds.length);
  });
});

describe('a 100 000-event trace', () => {
  const { trace, clients } = syntheticTrace(100_000);
  const r = createReplay(trace);

  it('agrees with every kernel snapshot', () => {
    expect(trace.events.length).toBeGreaterThanOrEqual(100_000);
    expect(r.disagreementCount()).toBe(0);
  });

  it('is right at the end: one listener, every client served, TIME_WAIT only for the last minute', () => {
    const m = r.atStep(r.stepCount - 1);
    // The last client and its child went in the last step: shown exited for that step only.
    expect(m.processes.map((p) => [p.role, p.status])).toEqual([
      ['parent', 'blocked'],
      [`client#${clients}`, 'exited'],
      [`child#${clients}`, 'exited'],
    ]);
    expect(m.openFiles.map((f) => f.refCount)).toEqual([1]);
    const tw = m.endpoints.filter((e) => e.state === 'TIME_WAIT');
    expect(tw.length).toBeGreaterThan(0);
    expect(tw.length).toBeLessThanOrEqual(6); // 60 s of 2MSL, one client every 10 s
    // The listener, the TIME_WAITs, and the last connection's server end, CLOSED in this step.
    expect(m.endpoints.map((e) => e.state).filter((x) => x !== 'TIME_WAIT')).toEqual(['LISTEN', 'CLOSED']);
    // 3 handshake + 2 data + 2 data ACKs + 4 closing segments per client.
    expect(m.segments).toHaveLength(11 * clients);
    expect(m.segments.at(-1)?.index).toBe(11 * clients - 1);
  });

  it('seeks anywhere (from checkpoints) to the same snapshot as a replay from the start', () => {
    // A deterministic spread of indices, visited out of order.
    const n = trace.events.length;
    const picks = [n - 1, 0, Math.floor(n / 2), 77, n - 2, CHECKPOINT_EVERY - 1, CHECKPOINT_EVERY, 12_345, 99_999 % n, 4 * CHECKPOINT_EVERY + 3];
    for (const i of picks) {
      let ctx = initialContext(trace.header);
      for (let j = 0; j <= i; j++) ctx = applyTraceEvent(ctx, trace.events[j]!, j);
      const m = r.atEvent(i);
      expect(m.eventIndex).toBe(i);
      expect(m.processes.map((p) => [p.pid, p.status, p.fds.length])).toEqual(
        [...ctx.processes.values()].sort((a, b) => a.order - b.order).map((p) => [p.pid, statusOf(p.life), Object.keys(p.fds).length]),
      );
      expect(m.endpoints.map((e) => e.state)).toEqual([...ctx.endpoints.values()].map((e) => e.tcp.state));
      expect(m.segments.length).toBe(ctx.segmentCount);
    }
  });

  it('parses as JSON Lines and replays the same', () => {
    const text = [trace.header, ...trace.events].map((x) => JSON.stringify(x)).join('\n');
    const parsed = parseTrace(text);
    expect(parsed.ok).toBe(true);
    if (parsed.ok) expect(createReplay(parsed.trace).atEvent(5000)).toEqual(r.atEvent(5000));
  });
});

describe('client and server roles in snapshots', () => {
  it('lists processes in order of appearance', () => {
    const m = createReplay(concurrentTrace().trace()).atStep(stepOf('parent-fork'));
    expect(m.processes.map((p) => p.pid)).toEqual([PARENT, CLIENT, CHILD]);
  });
});
