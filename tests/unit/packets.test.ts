import { describe, expect, it } from 'vitest';
import { createReplay, type Replay } from '../../src/model/index.ts';
import { addressResolver, compareStepPackets, describeSegment, isCaptured, SequenceBases, type CapturedPacket } from '../../src/model/packets.ts';
import type { ModelSegment } from '../../src/model/types.ts';
import type { PacketFlag } from '../../src/trace/types.ts';
import { CLI, SERV, stepOf } from './builder.ts';
import { capturedTrace } from './captured.ts';

const seg = (index: number, from: string, to: string, flags: ModelSegment['flags'], seq: number, ack: number | null, len = 0): ModelSegment => ({
  index,
  step: 3,
  from,
  to,
  flags,
  seq,
  ack,
  len,
});

const pkt = (index: number, from: string, to: string, flags: PacketFlag[], seq: number, ack: number | null, len = 0): Omit<CapturedPacket, 'segment'> => ({
  index,
  eventIndex: 100 + index,
  step: 3,
  t: 1000 * index,
  from,
  to,
  flags,
  seq,
  ack,
  len,
  window: 512,
});

const ends = addressResolver([
  { id: 'ep#2', local: CLI },
  { id: 'ep#3', local: SERV },
]);

describe('relative sequence numbers', () => {
  it('count each direction from its SYN, across the 2³² wrap', () => {
    const bases = new SequenceBases();
    expect(bases.relative({ from: CLI, to: SERV, flags: ['SYN'], tcpSeq: 100, tcpAck: null })).toEqual({ seq: 0, ack: null });
    expect(bases.relative({ from: SERV, to: CLI, flags: ['SYN', 'ACK'], tcpSeq: 2 ** 32 - 1, tcpAck: 101 })).toEqual({ seq: 0, ack: 1 });
    expect(bases.relative({ from: SERV, to: CLI, flags: ['PSH', 'ACK'], tcpSeq: 0, tcpAck: 114 })).toEqual({ seq: 1, ack: 14 });
    // A direction without a SYN (an RST from a port where nothing listens) keeps its raw numbers.
    expect(bases.relative({ from: '127.0.0.1:1', to: CLI, flags: ['RST'], tcpSeq: 0, tcpAck: null })).toEqual({ seq: 0, ack: null });
    // A new SYN on the same ports starts a new connection.
    expect(bases.relative({ from: CLI, to: SERV, flags: ['SYN'], tcpSeq: 5000, tcpAck: null })).toEqual({ seq: 0, ack: null });
    expect(bases.relative({ from: CLI, to: SERV, flags: ['ACK'], tcpSeq: 5001, tcpAck: 7 })).toEqual({ seq: 1, ack: 7 });
  });

  it('read as people say them', () => {
    expect(describeSegment({ flags: ['SYN', 'ACK'], seq: 0, ack: 1, len: 0 })).toBe('SYN+ACK seq 0, ack 1');
    expect(describeSegment({ flags: ['PSH', 'ACK'], seq: 1, ack: 1, len: 13 })).toBe('PSH+ACK seq 1, ack 1, 13 bytes');
    expect(describeSegment({ flags: ['SYN'], seq: 0, ack: null, len: 0 })).toBe('SYN seq 0');
    expect(isCaptured(undefined)).toBe(false);
    expect(isCaptured({ packets: false, reason: 'off' })).toBe(false);
    expect(isCaptured({ packets: true })).toBe(true);
  });
});

describe('comparing a step’s captured packets with the model’s segments', () => {
  const model = [seg(7, 'ep#2', 'ep#3', ['FIN', 'ACK'], 14, 14), seg(8, 'ep#3', 'ep#2', ['ACK'], 14, 15)];

  it('matches the same ends, flags, numbers and length, in the same order', () => {
    const r = compareStepPackets([pkt(0, CLI, SERV, ['FIN', 'ACK'], 14, 14), pkt(1, SERV, CLI, ['ACK', 'ECE'], 14, 15)], model, ends);
    expect(r.disagreements).toEqual([]);
    expect(r.packets.map((p) => p.segment)).toEqual([7, 8]);
    expect(r.uncaptured).toEqual([]);
  });

  it('names a packet the model did not predict and a segment that was not captured', () => {
    const r = compareStepPackets([pkt(0, CLI, SERV, ['FIN', 'ACK'], 14, 14), pkt(1, SERV, CLI, ['FIN', 'ACK'], 14, 15)], model, ends);
    expect(r.packets.map((p) => p.segment)).toEqual([7, null]);
    expect(r.uncaptured).toEqual([8]);
    expect(r.disagreements).toEqual([
      { subject: `packet ${SERV} → ${CLI}`, fact: 'packet', model: 'no such segment', kernel: 'FIN+ACK seq 14, ack 15' },
      { subject: `packet ${SERV} → ${CLI}`, fact: 'packet', model: 'ACK seq 14, ack 15', kernel: 'not captured' },
    ]);
  });

  it('names two packets that arrived in the other order', () => {
    const r = compareStepPackets([pkt(0, SERV, CLI, ['ACK'], 14, 15), pkt(1, CLI, SERV, ['FIN', 'ACK'], 14, 14)], model, ends);
    expect(r.packets.map((p) => p.segment)).toEqual([8, 7]);
    expect(r.disagreements).toEqual([
      {
        subject: `packet ${CLI} → ${SERV}`,
        fact: 'packetOrder',
        model: `FIN+ACK ${CLI} → ${SERV} before ACK ${SERV} → ${CLI}`,
        kernel: `ACK ${SERV} → ${CLI} first`,
      },
    ]);
  });

  it('compares lengths and numbers', () => {
    const data = [seg(5, 'ep#2', 'ep#3', ['PSH', 'ACK'], 1, 1, 13)];
    expect(compareStepPackets([pkt(0, CLI, SERV, ['PSH', 'ACK'], 1, 1, 12)], data, ends).disagreements.map((d) => d.kernel)).toEqual([
      'PSH+ACK seq 1, ack 1, 12 bytes',
      'not captured',
    ]);
    expect(compareStepPackets([pkt(0, CLI, SERV, ['PSH', 'ACK'], 2, 1, 13)], data, ends).disagreements).toHaveLength(2);
  });
});

describe('a replay of a captured trace', () => {
  const last = (r: Replay) => r.stepCount - 1;

  it('matches every captured packet with the model’s segment: no disagreement', () => {
    const r = createReplay(capturedTrace());
    expect(r.disagreementCount()).toBe(0);
    const view = r.packetsAt(last(r));
    expect(view.packets).toHaveLength(11);
    expect(view.packets.map((p) => p.segment)).toEqual([...Array(11).keys()]);
    expect(view.uncaptured.size).toBe(0);
    // Relative again: the server's data is seq 1, ack 14, although its raw numbers wrapped.
    expect(view.packets[5]).toMatchObject({ from: SERV, to: CLI, seq: 1, ack: 14, len: 13 });
    // Up to a step: only the packets of that step and before.
    expect(r.packetsAt(stepOf('client-connect')).packets).toHaveLength(3);
    expect(r.packetsAt(stepOf('parent-socket')).packets).toEqual([]);
  });

  it('grows with a live run: a step’s packets count once its kernel snapshot has arrived', () => {
    const whole = capturedTrace();
    const connect = stepOf('client-connect');
    const kernelAt = whole.events.findIndex((e) => e.kind === 'kernel' && e.step === connect);
    const live = createReplay({ header: whole.header, events: [] });
    expect(live.packetsAt(0).packets).toEqual([]);
    live.append(whole.events.slice(0, kernelAt)); // the step's packets, not yet its snapshot
    expect(live.packetsAt(connect).packets).toEqual([]);
    live.append(whole.events.slice(kernelAt));
    expect(live.packetsAt(connect).packets).toHaveLength(3);
    expect(live.disagreementCount()).toBe(0);
  });

  it('reports a difference at the step it happened in, like any other disagreement', () => {
    const close = stepOf('client-close');
    const r = createReplay(
      capturedTrace((step, packets) => {
        if (step === close) packets.pop(); // the server's ACK of the client's FIN was not captured
      }),
    );
    expect(r.disagreementCount()).toBe(1);
    expect(r.atStep(close).disagreements).toEqual([{ subject: `packet ${SERV} → ${CLI}`, fact: 'packet', model: 'ACK seq 14, ack 15', kernel: 'not captured' }]);
    expect(r.packetsAt(close).uncaptured.size).toBe(1);
  });

  it('compares nothing in a trace whose header does not say packets were captured', () => {
    const trace = capturedTrace((step, packets) => {
      if (step === stepOf('client-close')) packets.pop();
    });
    const r = createReplay({ header: { ...trace.header, capture: { packets: false, reason: 'off' } }, events: trace.events });
    expect(r.disagreementCount()).toBe(0);
    expect(r.packetsAt(last(r)).packets).toEqual([]);
  });
});
