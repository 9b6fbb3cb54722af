// A captured trace for unit tests: the flagship scenario's synthetic trace (builder.ts) with a
// `packet` event for every segment the model sends, as the runner writes them.

import { createReplay } from '../../src/model/index.ts';
import { addressResolver } from '../../src/model/packets.ts';
import type { PacketEvent, PacketFlag, Trace, TraceEvent } from '../../src/trace/types.ts';
import { CLI, concurrentTrace } from './builder.ts';

/** Initial sequence numbers of the made-up capture: the server's wraps around 2³². */
const ISN = { client: 1_000_000, server: 2 ** 32 - 5 };

/**
 * The concurrent trace with a `packet` event for every segment the model sends, as the runner
 * writes them (just before each step's kernel snapshot), with raw numbers from ISN.
 */
export function capturedTrace(edit?: (step: number, packets: Omit<PacketEvent, 'seq'>[]) => void): Trace {
  const plain = concurrentTrace().trace();
  const replay = createReplay(plain);
  const events: TraceEvent[] = [];
  let step = 0;
  for (const e of plain.events) {
    if (e.kind === 'kernel') {
      const snap = replay.atStep(step);
      const address = addressResolver(snap.endpoints);
      const packets = snap.segments
        .filter((s) => s.step === step)
        .map((s, i): Omit<PacketEvent, 'seq'> => {
          const from = address(s.from)!;
          const isn = (end: string) => (end === CLI ? ISN.client : ISN.server);
          const raw = (n: number, end: string) => (n + isn(end)) % 2 ** 32;
          return {
            kind: 'packet',
            t: e.t - 100 + i,
            from,
            to: address(s.to)!,
            flags: [...s.flags] as PacketFlag[],
            tcpSeq: raw(s.seq, from),
            tcpAck: s.ack === null ? null : raw(s.ack, address(s.to)!),
            len: s.len,
            window: 65483,
          };
        });
      edit?.(step, packets);
      for (const p of packets) events.push({ ...p, seq: events.length } as PacketEvent);
      step++;
    }
    events.push({ ...e, seq: events.length });
  }
  return { header: { ...plain.header, capture: { packets: true } }, events };
}

