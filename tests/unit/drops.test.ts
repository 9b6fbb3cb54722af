// The model's drops (docs/drops.md): an armed drop loses the next segment of its kind at its
// receiver, which is held while the sender moves on; the retransmission redelivers it. Checked
// against the recorded every-state trace (the real kernel, as root, with packets) and by rule.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createReplay, type Replay } from '../../src/model/index.ts';
import { isOfKind } from '../../src/model/network.ts';
import type { ModelSnapshot } from '../../src/model/types.ts';
import { parseRecord, parseTrace } from '../../src/trace/parse.ts';
import { TCP_STATES, type TraceEvent, type TraceHeader } from '../../src/trace/types.ts';
import { predictPlan } from '../../src/plan/predict.ts';
import { CONNECT_ACCEPT_FORK, SERVER_START } from '../../src/plan/examples.ts';
import { PLAN_FORMAT, PLAN_VERSION, type PlanStep } from '../../src/plan/types.ts';

function recorded(id: string): Replay {
  const parsed = parseTrace(readFileSync(fileURLToPath(new URL(`../../public/traces/${id}.jsonl`, import.meta.url)), 'utf8'));
  if (!parsed.ok) throw new Error(`${id}.jsonl does not parse`);
  return createReplay(parsed.trace);
}

const replay = recorded('every-state');

function at(label: string): ModelSnapshot {
  for (let s = 0; s < replay.stepCount; s++) if (replay.atStep(s).label === label) return replay.atStep(s);
  throw new Error(`no step ${label}`);
}

/** The client's address (its port) in client N's connection: the one its `lost` or connect names. */
function clientAddress(role: string): string {
  const e = replay.trace.events.find((x) => (x.kind === 'lost' && x.role === role) || (x.kind === 'return' && x.fn === 'connect' && x.role === role));
  const local = e && 'local' in e ? e.local : undefined;
  if (!local) throw new Error(`no address for ${role}`);
  return local;
}

/** The model's ends of client N's connection, as "client STATE" / "server STATE" (CLOSED ones left out). */
function ends(m: ModelSnapshot, clientRole: string): string[] {
  const local = clientAddress(clientRole);
  return m.endpoints
    .filter((e) => e.local === local || e.remote === local)
    .filter((e) => e.state !== 'CLOSED')
    .map((e) => `${e.kind === 'client' ? 'client' : 'server'} ${e.state}`)
    .sort();
}

describe('the recorded every-state trace', () => {
  it('replays with no disagreement, captured packets included', () => {
    expect(replay.disagreementCount()).toBe(0);
  });

  it('shows all eleven states in its kernel snapshots', () => {
    const seen = new Set<string>();
    for (let s = 0; s < replay.stepCount; s++) for (const k of replay.atStep(s).kernel?.sockets ?? []) seen.add(k.state);
    expect([...seen].sort()).toEqual([...TCP_STATES].sort());
  });
});

describe('after a drop loses a segment, the model', () => {
  it('holds the client in SYN_SENT and the server in SYN_RECEIVED while the SYN-ACK is lost', () => {
    expect(ends(at('client1-connect'), 'client#1')).toEqual(['client SYN_SENT', 'server SYN_RECEIVED']);
  });

  it('holds FIN_WAIT_1 while the FIN is lost at the server, and CLOSING after the server’s own FIN', () => {
    expect(ends(at('client1-close'), 'client#1')).toEqual(['client FIN_WAIT_1', 'server ESTABLISHED']);
    expect(ends(at('parent-shutdown-1'), 'client#1')).toEqual(['client CLOSING', 'server FIN_WAIT_2']);
  });

  it('holds LAST_ACK while the ACK of the client’s FIN is lost, the server already in TIME_WAIT', () => {
    expect(ends(at('client2-close'), 'client#2')).toEqual(['client LAST_ACK', 'server TIME_WAIT']);
  });

  it('marks each lost segment dropped, one per drop', () => {
    const dropped = at('child2-exit').segments.filter((s) => s.dropped);
    expect(dropped.map((s) => s.flags.join('+'))).toEqual(['SYN+ACK', 'FIN+ACK', 'SYN+ACK', 'ACK']);
  });

  it('matches each captured lost segment (seen on lo before the filter dropped it) to its dropped segment', () => {
    const view = replay.packetsAt(replay.stepCount - 1);
    const segs = at('child2-exit').segments;
    const lost = view.packets.filter((p) => p.segment !== null && segs[p.segment]!.dropped);
    expect(lost).toHaveLength(4);
  });
});

describe('after the retransmission, the model', () => {
  it('connects: a SYN-ACK and the client’s SYN both come again, each answered', () => {
    const m = at('parent-accept-returns-1');
    const fresh = m.segments.filter((s) => s.step === m.step).map((s) => s.flags.join('+'));
    expect(fresh.slice(0, 5)).toEqual(['SYN+ACK', 'SYN', 'ACK', 'SYN+ACK', 'ACK']);
  });

  it('ends the CLOSING and the LAST_ACK holds: TIME_WAIT at both ends, then the LAST_ACK end gone', () => {
    expect(ends(at('client1-exit'), 'client#1').filter((e) => e.endsWith('TIME_WAIT'))).toEqual(['client TIME_WAIT', 'server TIME_WAIT']);
    expect(ends(at('client2-exit'), 'client#2')).toEqual(['server TIME_WAIT']);
  });
});

describe('the kinds of segment a drop loses', () => {
  const seg = (flags: string, len = 0) => ({ flags: flags.split('+') as never, len });
  it.each([
    ['SYN+ACK', 0, 'SYN-ACK'],
    ['ACK', 0, 'ACK'],
    ['FIN+ACK', 0, 'FIN'],
    ['PSH+ACK', 13, 'data'],
  ] as const)('counts %s (%d bytes) as %s, and as nothing else', (flags, len, kind) => {
    for (const k of ['SYN-ACK', 'ACK', 'FIN', 'data'] as const) expect(isOfKind(seg(flags, len), k)).toBe(k === kind);
  });

  it('never counts a RST', () => {
    for (const k of ['SYN-ACK', 'ACK', 'FIN', 'data'] as const) expect(isOfKind(seg('RST+ACK'), k)).toBe(false);
  });
});

describe('the drop, lost and retransmit events', () => {
  const base = { seq: 0, t: 1, pid: 10, role: 'client#1', fd: 3 };
  it('are accepted with a known segment kind', () => {
    expect(() => parseRecord({ kind: 'drop', ...base, segment: 'SYN-ACK' }, 2)).not.toThrow();
    expect(() => parseRecord({ kind: 'lost', ...base, segment: 'ACK', local: '127.0.0.1:40000', remote: '127.0.0.1:9877' }, 2)).not.toThrow();
    expect(() => parseRecord({ kind: 'retransmit', ...base, segment: 'FIN', droppedAt: 0 }, 2)).not.toThrow();
  });

  it('are refused with an unknown kind, or a retransmission that does not say when the segment was lost', () => {
    expect(() => parseRecord({ kind: 'drop', ...base, segment: 'RST' }, 2)).toThrow(/segment/);
    expect(() => parseRecord({ kind: 'retransmit', ...base, segment: 'FIN' }, 2)).toThrow(/droppedAt/);
    expect(() => parseRecord({ kind: 'lost', ...base, segment: 'FIN' }, 2)).toThrow(/local/);
  });
});

describe('a predicted plan with a drop', () => {
  const steps: PlanStep[] = [
    ...SERVER_START,
    ...CONNECT_ACCEPT_FORK,
    { proc: 'parent', do: 'close', fd: 'connfd' },
    { proc: 'client#1', do: 'close', fd: 'sockfd' },
    { do: 'drop', proc: 'child#1', fd: 'connfd', segment: 'ACK' },
    { proc: 'child#1', do: 'close', fd: 'connfd' },
    { proc: 'client#1', do: 'exit', status: 0 },
  ];
  const predicted = predictPlan({ format: PLAN_FORMAT, version: PLAN_VERSION, title: 'Lose the last ACK', steps });
  const [header, ...events] = predicted.records as [TraceHeader, ...TraceEvent[]];
  const r = createReplay({ header, events });
  const states = (step: number) => r.atStep(step).endpoints.filter((e) => e.kind !== 'listener' && e.state !== 'CLOSED').map((e) => `${e.kind} ${e.state}`).sort();

  it('holds LAST_ACK at the step that loses the ACK, and ends it at the next step’s start', () => {
    expect(predicted.stalled).toBeNull();
    expect(states(steps.length - 1)).toEqual(['client TIME_WAIT', 'server-conn LAST_ACK']);
    expect(states(steps.length)).toEqual(['client TIME_WAIT']);
  });

  it('writes the drop, the loss and the retransmission, as a real run does', () => {
    expect(events.filter((e) => e.kind === 'drop' || e.kind === 'lost' || e.kind === 'retransmit').map((e) => e.kind)).toEqual(['drop', 'lost', 'retransmit']);
    expect(r.atEvent(events.length - 1).notes ?? []).toEqual([]);
  });

  it('still ends at a SYN-ACK drop, saying why', () => {
    const p = predictPlan({ format: PLAN_FORMAT, version: PLAN_VERSION, title: 'SYN-ACK', steps: [...SERVER_START, { do: 'spawn', proc: 'client#1' }, { proc: 'client#1', do: 'socket' }, { do: 'drop', proc: 'client#1', fd: 'sockfd', segment: 'SYN-ACK' }] });
    expect(p.stalled?.message).toMatch(/SYN-ACK drop/);
  });
});

describe('predicted drops of a FIN and of data', () => {
  const predict = (title: string, steps: PlanStep[]) => {
    const predicted = predictPlan({ format: PLAN_FORMAT, version: PLAN_VERSION, title, steps });
    const [header, ...events] = predicted.records as [TraceHeader, ...TraceEvent[]];
    return { predicted, events, r: createReplay({ header, events }) };
  };
  const OPEN: PlanStep[] = [...SERVER_START, ...CONNECT_ACCEPT_FORK, { proc: 'parent', do: 'close', fd: 'connfd' }, { proc: 'child#1', do: 'read', fd: 'connfd' }];

  it('a lost FIN holds the closer in FIN_WAIT_1 and the reader asleep; the FIN again gives CLOSE_WAIT and end of file', () => {
    const steps: PlanStep[] = [...OPEN, { do: 'drop', proc: 'child#1', fd: 'connfd', segment: 'FIN' }, { proc: 'client#1', do: 'close', fd: 'sockfd' }, { proc: 'client#1', do: 'exit', status: 0 }];
    const { predicted, events, r } = predict('Lose the FIN', steps);
    expect(predicted.stalled).toBeNull();
    const kinds = (step: number) => r.atStep(step).endpoints.filter((e) => e.kind !== 'listener').map((e) => `${e.kind} ${e.state}`).sort();
    expect(kinds(steps.length - 1)).toEqual(['client FIN_WAIT_1', 'server-conn ESTABLISHED']);
    expect(kinds(steps.length)).toEqual(['client FIN_WAIT_2', 'server-conn CLOSE_WAIT']);
    const eof = events.find((e) => e.kind === 'return' && e.role === 'child#1' && e.fn === 'read');
    expect(eof).toMatchObject({ ret: 0 });
    expect(events.indexOf(eof!)).toBeGreaterThan(events.findIndex((e) => e.kind === 'retransmit'));
  });

  it('lost data leaves the reader asleep until the data comes again', () => {
    const steps: PlanStep[] = [...OPEN, { do: 'drop', proc: 'child#1', fd: 'connfd', segment: 'data' }, { proc: 'client#1', do: 'write', fd: 'sockfd', text: 'hello\n' }, { proc: 'client#1', do: 'exit', status: 0 }];
    const { events } = predict('Lose the data', steps);
    const read = events.findIndex((e) => e.kind === 'return' && e.role === 'child#1' && e.fn === 'read');
    expect(events[read]).toMatchObject({ ret: 6, data: 'hello\n' });
    expect(read).toBeGreaterThan(events.findIndex((e) => e.kind === 'retransmit'));
  });
});
