// Captured packets (trace `packet` events, since 1.1) against the model's segments. Pure.
//
// Each step's captured packets are compared with the segments the model says that step sent:
// which ends (by address), flags, relative sequence and acknowledgment numbers, payload length,
// and their order. A difference is a Disagreement, reported with the kernel check's.
//
// What is compared, and what is not:
// - Flags: SYN, FIN, RST, PSH and ACK. URG is never set by the lab; ECE and CWR depend on the
//   machine's net.ipv4.tcp_ecn, not on the programs, so they are shown but not compared.
// - The window is shown, not compared: the model has no receive buffers.
// - Order: across the whole step, connections included, since the kernel's order is a fact the
//   model reproduces (on exit, descriptors are closed in fd order but the sockets whose last
//   reference went are released in reverse order: see endProcess in processes.ts).
// - Which step a segment is in is deterministic in the lab: the runner settles each step until
//   no socket is in a transient state (FIN_WAIT_1 and LAST_ACK wait for the ~40 ms delayed ACK of
//   a FIN) and no data is in flight, and the next step starts only after the snapshot, so no ACK
//   can be merged with a later segment.

import type { CaptureStatus, PacketEvent, PacketFlag } from '../trace/types.ts';
import type { Disagreement, ModelEndpoint, ModelSegment } from './types.ts';

/** A captured packet with its sequence numbers relative to each side's first (its SYN's), as the model counts them. */
export interface CapturedPacket {
  /** Index among the trace's packets, oldest first. */
  index: number;
  /** Index of its `packet` event in the trace. */
  eventIndex: number;
  step: number;
  /** The trace's clock (ns): when it arrived on lo. */
  t: number;
  /** Sender and receiver addresses. */
  from: string;
  to: string;
  flags: PacketFlag[];
  seq: number;
  ack: number | null;
  len: number;
  window: number;
  /** The model's segment (its index) that this packet is; null when the model did not predict it. */
  segment: number | null;
}

/** Captured packets up to a step, and the model's segments of those steps that were not captured. */
export interface PacketView {
  packets: CapturedPacket[];
  /** Indices of model segments that no captured packet matched. */
  uncaptured: ReadonlySet<number>;
}

/** The facts a packet comparison names (Disagreement.fact). */
export type PacketFact = 'packet' | 'packetOrder';

const COMPARED_FLAGS: readonly PacketFlag[] = ['SYN', 'FIN', 'RST', 'PSH', 'ACK'];
const TCP_NUMBERS = 2 ** 32;

/** Whether the trace's packets were captured (a trace without the header field: modelled). */
export function isCaptured(capture: CaptureStatus | undefined): boolean {
  return capture?.packets === true;
}

/**
 * Each direction's initial sequence number, from its SYN: relative numbers are counted from it,
 * as the model counts from 0. A direction whose SYN was not seen (an RST answering a SYN to a
 * port where nothing listens has none) counts from 0: its numbers stay raw.
 */
export class SequenceBases {
  private readonly isn = new Map<string, number>();

  /** Relative seq and ack of a packet; a SYN starts its direction (and a new connection, without ACK). */
  relative(p: Pick<PacketEvent, 'from' | 'to' | 'flags' | 'tcpSeq' | 'tcpAck'>): { seq: number; ack: number | null } {
    const out = `${p.from}>${p.to}`;
    const back = `${p.to}>${p.from}`;
    if (p.flags.includes('SYN')) {
      // A new connection on the same ports; not a retransmitted SYN (the same number: docs/drops.md).
      if (!p.flags.includes('ACK') && this.isn.get(out) !== p.tcpSeq) this.isn.delete(back);
      this.isn.set(out, p.tcpSeq);
    }
    const rel = (n: number, base: number | undefined) => (((n - (base ?? 0)) % TCP_NUMBERS) + TCP_NUMBERS) % TCP_NUMBERS;
    return { seq: rel(p.tcpSeq, this.isn.get(out)), ack: p.tcpAck === null ? null : rel(p.tcpAck, this.isn.get(back)) };
  }
}

/** "SYN+ACK", "FIN+ACK", "PSH+ACK": flags in a fixed order, for people. */
export function flagText(flags: readonly string[]): string {
  return flags.join('+') || 'no flags';
}

/** One segment as people read it: "SYN+ACK seq 0, ack 1", "PSH+ACK seq 1, ack 1, 13 bytes". */
export function describeSegment(s: { flags: readonly string[]; seq: number; ack: number | null; len: number }): string {
  const numbers = s.ack === null ? `seq ${s.seq}` : `seq ${s.seq}, ack ${s.ack}`;
  return `${flagText(s.flags)} ${numbers}${s.len > 0 ? `, ${s.len} ${s.len === 1 ? 'byte' : 'bytes'}` : ''}`;
}

function compared(flags: readonly string[]): string {
  return COMPARED_FLAGS.filter((f) => flags.includes(f)).join('+');
}

interface Wire {
  from: string | null;
  to: string | null;
  flags: readonly string[];
  seq: number;
  ack: number | null;
  len: number;
}

function wireKey(w: Wire): string {
  return `${w.from}>${w.to} ${compared(w.flags)} ${w.seq} ${w.ack ?? '-'} ${w.len}`;
}

/**
 * The address of a segment's end: an endpoint's local address, or the "address:port" a segment
 * to or from a port where nothing listens names itself.
 */
export function addressResolver(endpoints: readonly Pick<ModelEndpoint, 'id' | 'local'>[]): (end: string) => string | null {
  const local = new Map(endpoints.map((e) => [e.id, e.local]));
  return (end) => (local.has(end) ? (local.get(end) ?? null) : /^ep#\d+$/.test(end) ? null : end);
}

/** "packet 127.0.0.1:40112 → 127.0.0.1:9877" */
function subjectOf(from: string | null, to: string | null): string {
  return `packet ${from ?? '?'} → ${to ?? '?'}`;
}

/**
 * Compare one step's captured packets (relative numbers, in the order they arrived) with the
 * model's segments of that step (in the order the model sent them). Returns the match (each
 * packet's `segment`), the segments nothing matched, and the disagreements: a packet the model
 * did not predict, a segment that was not captured, and two packets in the other order.
 */
export function compareStepPackets(
  packets: readonly Omit<CapturedPacket, 'segment'>[],
  segments: readonly ModelSegment[],
  addressOf: (end: string) => string | null,
): { packets: CapturedPacket[]; uncaptured: number[]; disagreements: Disagreement[] } {
  const wires = segments.map((s) => ({ s, key: wireKey({ ...s, from: addressOf(s.from), to: addressOf(s.to) }) }));
  const used = new Set<number>();
  const matched: CapturedPacket[] = packets.map((p) => {
    const key = wireKey(p);
    const hit = wires.find((w) => !used.has(w.s.index) && w.key === key);
    if (hit) used.add(hit.s.index);
    return { ...p, segment: hit ? hit.s.index : null };
  });
  const disagreements: Disagreement[] = [];
  for (const p of matched) {
    if (p.segment === null) disagreements.push({ subject: subjectOf(p.from, p.to), fact: 'packet', model: 'no such segment', kernel: describeSegment(p) });
  }
  const uncaptured = segments.filter((s) => !used.has(s.index));
  for (const s of uncaptured) {
    disagreements.push({ subject: subjectOf(addressOf(s.from), addressOf(s.to)), fact: 'packet', model: describeSegment(s), kernel: 'not captured' });
  }
  // Order: two packets that arrived one after the other, whose segments the model sent the other way round.
  const inOrder = matched.filter((p) => p.segment !== null);
  for (let i = 1; i < inOrder.length; i++) {
    const a = inOrder[i - 1]!;
    const b = inOrder[i]!;
    if (b.segment! > a.segment!) continue;
    const what = (p: CapturedPacket) => `${flagText(p.flags)} ${p.from} → ${p.to}`;
    disagreements.push({ subject: subjectOf(b.from, b.to), fact: 'packetOrder', model: `${what(b)} before ${what(a)}`, kernel: `${what(a)} first` });
  }
  return { packets: matched, uncaptured: uncaptured.map((s) => s.index), disagreements };
}

/**
 * The replay's record of captured packets: fed every `packet` event in trace order, and each
 * step's end with the model's segments and endpoints; compares each step once.
 */
export class PacketLog {
  readonly enabled: boolean;
  private readonly bases = new SequenceBases();
  private readonly all: CapturedPacket[] = [];
  private readonly uncaptured: { step: number; index: number }[] = [];
  private pending: Omit<CapturedPacket, 'segment'>[] = [];

  constructor(capture: CaptureStatus | undefined) {
    this.enabled = isCaptured(capture);
  }

  add(e: PacketEvent, eventIndex: number, step: number): void {
    const { seq, ack } = this.bases.relative(e);
    this.pending.push({ index: this.all.length + this.pending.length, eventIndex, step, t: e.t, from: e.from, to: e.to, flags: e.flags, seq, ack, len: e.len, window: e.window });
  }

  /** Step `step` is over: compare its packets with the model's segments of that step (the log holds every segment so far). */
  endStep(step: number, segmentLog: readonly ModelSegment[], endpoints: readonly Pick<ModelEndpoint, 'id' | 'local'>[]): Disagreement[] {
    const packets = this.pending;
    this.pending = [];
    if (!this.enabled) return [];
    let first = segmentLog.length;
    while (first > 0 && segmentLog[first - 1]!.step === step) first--;
    const result = compareStepPackets(packets, segmentLog.slice(first), addressResolver(endpoints));
    this.all.push(...result.packets);
    for (const index of result.uncaptured) this.uncaptured.push({ step, index });
    return result.disagreements;
  }

  /** Packets of steps 0 … step, and the segments of those steps that were not captured. */
  upTo(step: number): PacketView {
    return {
      packets: this.all.filter((p) => p.step <= step),
      uncaptured: new Set(this.uncaptured.filter((u) => u.step <= step).map((u) => u.index)),
    };
  }
}
