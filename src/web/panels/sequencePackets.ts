// What the packet sequence diagram draws when the trace has packets captured on lo: the captured
// packets themselves, in the order they arrived, in the model's terms (ends as endpoint ids,
// numbers relative), each marked when the model did not predict it; and the model's segments
// that were not captured, marked too, where the model put them. Pure.

import type { PacketView } from '../../model/packets.ts';
import type { ModelSegment } from '../../model/types.ts';
import type { CaptureStatus } from '../../trace/types.ts';
import type { EndpointRegistry, SeqSegment } from './sequenceLayout.ts';

/** How to let the companion capture, for people who are not root. */
export const ENABLE_CAPTURE = 'run the companion as root, or sudo setcap cap_net_raw+ep build/lab/capture';

/** The diagram's rows when nothing was captured: the model's segments. */
export function modelledRows(segments: readonly ModelSegment[]): SeqSegment[] {
  return segments.map((s) => ({ ...s, source: 'modelled' }));
}

/**
 * The endpoint at `local` talking to `remote`, from what the registry knows (a packet the model
 * did not predict has no segment to name its ends); else the address itself.
 */
function endAt(registry: EndpointRegistry, local: string, remote: string): string {
  let loose: string | null = null;
  for (const info of registry.info.values()) {
    if (info.local !== local || info.kind === 'listener') continue;
    if (info.remote === remote) return info.id;
    loose ??= info.id;
  }
  return loose ?? local;
}

/**
 * Rows for a captured trace: step by step, the captured packets in arrival order; each model
 * segment that was not captured goes before the first packet whose segment the model sent after
 * it (or at the step's end). Rows are numbered 0, 1, 2 … in that order.
 */
export function capturedRows(view: PacketView, segments: readonly ModelSegment[], registry: EndpointRegistry): SeqSegment[] {
  const byIndex = new Map(segments.map((s) => [s.index, s]));
  const steps = [...new Set([...view.packets.map((p) => p.step), ...segments.filter((s) => view.uncaptured.has(s.index)).map((s) => s.step)])].sort((a, b) => a - b);
  const rows: SeqSegment[] = [];
  const push = (row: Omit<SeqSegment, 'index'>) => rows.push({ ...row, index: rows.length });
  for (const step of steps) {
    const missing = segments.filter((s) => s.step === step && view.uncaptured.has(s.index));
    let m = 0;
    for (const p of view.packets) {
      if (p.step !== step) continue;
      const modelled = p.segment === null ? undefined : byIndex.get(p.segment);
      while (modelled && m < missing.length && missing[m]!.index < modelled.index) push({ ...missing[m++]!, source: 'modelled', unmatched: true });
      push({
        step,
        from: modelled?.from ?? endAt(registry, p.from, p.to),
        to: modelled?.to ?? endAt(registry, p.to, p.from),
        flags: p.flags as ModelSegment['flags'],
        seq: p.seq,
        ack: p.ack,
        len: p.len,
        // What write() sent: the bytes the packet carried (its length matched the model's).
        ...(modelled?.data !== undefined ? { data: modelled.data } : {}),
        // Lost on purpose at its receiver: it crossed lo (captured) before the socket's filter dropped it.
        ...(modelled?.dropped ? { dropped: true as const } : {}),
        source: 'captured',
        unmatched: modelled === undefined,
        t: p.t,
        window: p.window,
      });
    }
    while (m < missing.length) push({ ...missing[m++]!, source: 'modelled', unmatched: true });
  }
  return rows;
}

/** The legend under the diagram: where its arrows come from, and (when modelled) how to capture. */
export function sourceLegend(capture: CaptureStatus | undefined): { source: 'captured' | 'modelled'; title: string; text: string } {
  if (capture?.packets) {
    return {
      source: 'captured',
      title: 'captured on lo',
      text:
        'each arrow is a segment the kernel sent, as it arrived on the loopback interface, with the time since the connection’s first packet. ' +
        'Sequence numbers are relative (each side’s SYN is 0). Marked: a packet the model did not predict, or a segment it predicted that was not captured.',
    };
  }
  const why = capture ? ` (${capture.reason})` : '';
  return {
    source: 'modelled',
    title: 'modelled',
    text:
      `these packets were not captured${why}; the model infers each segment from the system calls. ` +
      `To see the real packets, ${ENABLE_CAPTURE}. Sequence numbers are relative (each side’s first is 0).`,
  };
}
