import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createReplay, parseTrace, type Replay } from '../../src/model/index.ts';
import {
  buildRegistry,
  connectionLabel,
  connectionsOf,
  dataPreview,
  defaultConnection,
  layoutSequence,
  markOf,
  segmentName,
  segmentNumbers,
  sideHeading,
  timeSince,
} from '../../src/web/panels/sequenceLayout.ts';
import { capturedRows, modelledRows, sourceLegend } from '../../src/web/panels/sequencePackets.ts';
import { stepOf as builderStep } from './builder.ts';
import { capturedTrace } from './captured.ts';

function recorded(id: string): Replay {
  const parsed = parseTrace(readFileSync(fileURLToPath(new URL(`../../public/traces/${id}.jsonl`, import.meta.url)), 'utf8'));
  if (!parsed.ok) throw new Error(`${id} does not parse`);
  return createReplay(parsed.trace);
}

/** The diagram's inputs at step n, as the panel computes them. */
function at(replay: Replay, n: number) {
  const snap = replay.atStep(n);
  const steps = [...new Set(snap.segments.map((s) => s.step))].filter((s) => s < n);
  const registry = buildRegistry([...steps.map((s) => replay.atStep(s)), snap]);
  return { snap, registry, conns: connectionsOf(snap.segments, registry) };
}

const stepOf = (replay: Replay, label: string) => {
  for (let n = 0; n < replay.stepCount; n++) if (replay.atStep(n).label === label) return n;
  throw new Error(label);
};

describe('web sequence diagram: segments between the two ends of a connection', () => {
  it('names segments as the book does, with relative numbers', () => {
    expect(segmentName({ flags: ['SYN'], len: 0 })).toBe('SYN');
    expect(segmentName({ flags: ['SYN', 'ACK'], len: 0 })).toBe('SYN+ACK');
    expect(segmentName({ flags: ['PSH', 'ACK'], len: 13 })).toBe('data, 13 bytes');
    expect(segmentName({ flags: ['PSH', 'ACK'], len: 1 })).toBe('data, 1 byte');
    expect(segmentName({ flags: ['FIN', 'PSH', 'ACK'], len: 3 })).toBe('data, 3 bytes + FIN');
    expect(segmentName({ flags: ['FIN', 'ACK'], len: 0 })).toBe('FIN+ACK');
    expect(segmentName({ flags: ['RST'], len: 0 })).toBe('RST');
    expect(segmentNumbers({ seq: 0, ack: null })).toBe('seq 0');
    expect(segmentNumbers({ seq: 1, ack: 14 })).toBe('seq 1, ack 14');
    expect(dataPreview('hello, world\n')).toBe('hello, world↵');
    expect(dataPreview('x'.repeat(40), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(dataPreview(undefined)).toBeNull();
  });

  it('draws the concurrent lesson’s one connection: handshake, data, the four-packet close', () => {
    const replay = recorded('concurrent');
    const last = replay.stepCount - 1;
    const { registry, conns } = at(replay, last);
    expect(conns).toHaveLength(1);
    const conn = conns[0]!;
    expect(sideHeading(conn.left, registry).role).toBe('client#1');
    expect(sideHeading(conn.right, registry).role).toBe('child#1');
    expect(connectionLabel(conn, registry)).toBe('client#1 ↔ child#1');
    const layout = layoutSequence(conn, registry, last, (n) => `step ${n}`);
    expect(layout.arrows.map((a) => `${a.from}:${a.name}`)).toEqual([
      'left:SYN',
      'right:SYN+ACK',
      'left:ACK',
      'left:data, 13 bytes',
      'right:ACK',
      'right:data, 13 bytes',
      'left:ACK',
      'left:FIN+ACK',
      'right:ACK',
      'right:FIN+ACK',
      'left:ACK',
    ]);
    expect(layout.arrows.every((a) => a.y2 > a.y1)).toBe(true);
    for (let i = 1; i < layout.arrows.length; i++) expect(layout.arrows[i]!.y1).toBeGreaterThan(layout.arrows[i - 1]!.y2);
    // Grouped by step: the handshake, the two data steps, the two closes.
    expect(layout.groups.map((g) => g.step)).toEqual([7, 14, 15, 18, 19]);
    // After the last close: the client in TIME_WAIT (via nothing), the server's end CLOSED via LAST_ACK.
    const after = layout.states.filter((s) => s.y > layout.groups.at(-1)!.y);
    expect(after.map((s) => `${s.side}:${s.state}:${s.via.join(',')}`)).toEqual(['left:TIME_WAIT:', 'right:CLOSED:LAST_ACK']);
    expect(layout.height).toBeGreaterThan(layout.arrows.at(-1)!.y2);
  });

  it('highlights the current step’s segments and shows nothing of later steps', () => {
    const replay = recorded('concurrent');
    const connect = stepOf(replay, 'client-connect');
    const { registry, conns } = at(replay, connect);
    const layout = layoutSequence(conns[0]!, registry, connect, () => '');
    expect(layout.arrows).toHaveLength(3);
    expect(layout.arrows.every((a) => a.current)).toBe(true);
    // Both ends ESTABLISHED, the client via SYN_SENT, the new server end via SYN_RECEIVED (modelled).
    expect(layout.states.map((s) => `${s.side}:${s.state}:${s.via.join(',')}`)).toEqual([
      'left:ESTABLISHED:SYN_SENT',
      'right:ESTABLISHED:SYN_RECEIVED',
    ]);
    // The handshake's server end is still in the accept queue: the parent's colour.
    expect(sideHeading(conns[0]!.right, registry).role).toBe('parent');
    const later = at(replay, connect + 1);
    expect(layoutSequence(later.conns[0]!, later.registry, connect + 1, () => '').arrows.some((a) => a.current)).toBe(false);
    expect(at(replay, 2).conns).toEqual([]);
  });

  it('keeps five connections apart and follows the one the step is about', () => {
    const replay = recorded('many-clients');
    const last = replay.stepCount - 1;
    const { registry, conns } = at(replay, last);
    expect(conns).toHaveLength(5);
    expect(conns.map((c) => connectionLabel(c, registry))).toEqual([1, 2, 3, 4, 5].map((n) => `client#${n} ↔ child#${n}`));
    expect(new Set(conns.map((c) => c.key)).size).toBe(5);
    const connect3 = stepOf(replay, 'client3-connect');
    const x = at(replay, connect3);
    expect(connectionLabel(defaultConnection(x.conns, connect3)!, x.registry)).toMatch(/^client#3 ↔ /);
    // A step without segments keeps the most recent connection.
    const quiet = stepOf(replay, 'parent-accept-returns-1');
    const y = at(replay, quiet);
    expect(connectionLabel(defaultConnection(y.conns, quiet)!, y.registry)).toMatch(/^client#5 ↔ /);
    expect(defaultConnection([], 3)).toBeNull();
  });

  it('draws an abortive close as one RST', () => {
    const replay = recorded('linger-rst');
    const n = stepOf(replay, 'client-close-rst');
    const { registry, conns } = at(replay, n);
    const layout = layoutSequence(conns[0]!, registry, n, () => '');
    const now = layout.arrows.filter((a) => a.current);
    expect(now.map((a) => `${a.from}:${a.name}:${a.rst}`)).toEqual(['left:RST+ACK:true']);
    expect(layout.states.filter((s) => s.y > layout.groups.at(-1)!.y).map((s) => s.state)).toEqual(['CLOSED', 'CLOSED']);
  });
});

describe('web sequence diagram: captured packets, or modelled segments', () => {
  /** The diagram's rows at step n, as the panel computes them: captured when the trace says so. */
  function rowsAt(replay: Replay, n: number) {
    const { snap, registry } = at(replay, n);
    const captured = replay.trace.header.capture?.packets === true;
    const rows = captured ? capturedRows(replay.packetsAt(n), snap.segments, registry) : modelledRows(snap.segments);
    const conns = connectionsOf(rows, registry);
    return { rows, registry, conns, layout: layoutSequence(conns[0]!, registry, n, () => '') };
  }

  it('draws the model’s segments of a trace without capture, says "modelled" and how to capture', () => {
    // The recorded trace as a run that could not capture would have written it (or one older than 1.1).
    const { header, events } = recorded('concurrent').trace;
    const { capture: _capture, ...uncaptured } = header;
    const replay = createReplay({ header: uncaptured, events: events.filter((e) => e.kind !== 'packet').map((e, seq) => ({ ...e, seq })) });
    const { layout } = rowsAt(replay, replay.stepCount - 1);
    expect(layout.arrows).toHaveLength(11);
    expect(layout.arrows.every((a) => a.mark === 'modelled' && a.time === null && a.window === null)).toBe(true);
    const legend = sourceLegend(replay.trace.header.capture);
    expect(legend.source).toBe('modelled');
    expect(legend.title).toBe('modelled');
    expect(legend.text).toContain('run the companion as root, or sudo setcap cap_net_raw+ep build/lab/capture');
    // A trace whose run could not capture says why.
    expect(sourceLegend({ packets: false, reason: 'not permitted (capturing on lo needs root or CAP_NET_RAW)' }).text).toMatch(
      /^these packets were not captured \(not permitted \(capturing on lo needs root or CAP_NET_RAW\)\)/,
    );
  });

  it('draws the captured packets of a captured trace: flags, relative numbers, length, time since the first', () => {
    const replay = createReplay(capturedTrace());
    const last = replay.stepCount - 1;
    const { rows, conns, layout } = rowsAt(replay, last);
    expect(rows.every((r) => r.source === 'captured' && !r.unmatched)).toBe(true);
    expect(conns).toHaveLength(1);
    expect(layout.arrows.map((a) => `${a.from}:${a.name}:${a.numbers}`)).toEqual([
      'left:SYN:seq 0',
      'right:SYN+ACK:seq 0, ack 1',
      'left:ACK:seq 1, ack 1',
      'left:data, 13 bytes:seq 1, ack 1',
      'right:ACK:seq 1, ack 14',
      'right:data, 13 bytes:seq 1, ack 14',
      'left:ACK:seq 14, ack 14',
      'left:FIN+ACK:seq 14, ack 14',
      'right:ACK:seq 14, ack 15',
      'right:FIN+ACK:seq 14, ack 15',
      'left:ACK:seq 15, ack 15',
    ]);
    expect(layout.arrows.every((a) => a.mark === 'captured' && a.window === 65483)).toBe(true);
    expect(layout.arrows[0]!.time).toBe('+0 µs');
    expect(layout.arrows.at(-1)!.time).toMatch(/^\+\d+ µs$/);
    // The payload shown is what write() sent.
    expect(layout.arrows[3]!.data).toBe('hello, world↵');
    expect(sourceLegend(replay.trace.header.capture)).toMatchObject({ source: 'captured', title: 'captured on lo' });
  });

  it('marks a captured packet the model did not predict, and a predicted segment that was not captured', () => {
    const close = builderStep('client-close');
    const replay = createReplay(
      capturedTrace((step, packets) => {
        if (step !== close) return;
        const [fin, ack] = packets;
        // The server's ACK was not captured; a window update the model knows nothing of was.
        packets.splice(0, 2, fin!, { ...ack!, tcpAck: ack!.tcpAck! - 1, window: 1 });
      }),
    );
    const { layout } = rowsAt(replay, close);
    const now = layout.arrows.filter((a) => a.current);
    // The captured packets in arrival order; the segment nothing captured at the step's end (no
    // captured packet stands for a segment the model sent after it).
    expect(now.map((a) => `${a.from}:${a.name}:${a.numbers}:${a.mark}`)).toEqual([
      'left:FIN+ACK:seq 14, ack 14:captured',
      'right:ACK:seq 14, ack 14:unpredicted',
      'right:ACK:seq 14, ack 15:uncaptured',
    ]);
    expect(replay.atStep(close).disagreements.map((d) => d.kernel)).toEqual(['ACK seq 14, ack 14', 'not captured']);

    // A segment not captured goes where the model sent it: before the packet of the model's next segment.
    const noFin = createReplay(capturedTrace((step, packets) => void (step === close && packets.shift())));
    expect(rowsAt(noFin, close).layout.arrows.filter((a) => a.current).map((a) => `${a.from}:${a.name}:${a.mark}`)).toEqual([
      'left:FIN+ACK:uncaptured',
      'right:ACK:captured',
    ]);
  });

  it('names the marks and times', () => {
    expect(markOf({ index: 0, step: 0, from: 'a', to: 'b', flags: ['ACK'], seq: 0, ack: 0, len: 0 })).toBe('modelled');
    expect(markOf({ index: 0, step: 0, from: 'a', to: 'b', flags: ['ACK'], seq: 0, ack: 0, len: 0, source: 'modelled', unmatched: true })).toBe('uncaptured');
    expect(markOf({ index: 0, step: 0, from: 'a', to: 'b', flags: ['ACK'], seq: 0, ack: 0, len: 0, source: 'captured' })).toBe('captured');
    expect(markOf({ index: 0, step: 0, from: 'a', to: 'b', flags: ['ACK'], seq: 0, ack: 0, len: 0, source: 'captured', unmatched: true })).toBe('unpredicted');
    expect(timeSince(0)).toBe('+0 µs');
    expect(timeSince(13_500)).toBe('+14 µs');
    expect(timeSince(41_234_567)).toBe('+41.2 ms');
    expect(timeSince(2_500_000_000)).toBe('+2.50 s');
  });
});
