// The run's trace as it is written: the header, then events numbered 0, 1, 2 … Events of a step
// are held until the step ends and then written in the order things happened (order.ts): the
// programs write to different pipes, so the order in which lines arrive is the event loop's.

import { release as osRelease } from 'node:os';
import type { Plan } from '../../plan/types.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { TRACE_FORMAT, TRACE_MINOR, TRACE_VERSION, type CaptureStatus, type TraceEvent, type TraceHeader, type TraceRecord } from '../../trace/types.ts';
import { causeFirst } from './order.ts';

type Unsequenced<E> = E extends TraceEvent ? Omit<E, 'seq'> : never;
/** An event before it has its place in the trace. */
export type Pending = Unsequenced<TraceEvent>;

export function nowNs(): number {
  return Number(process.hrtime.bigint());
}

export class TraceWriter {
  private pending: Pending[] = [];
  private seq = 0;

  constructor(private readonly onRecord: (r: TraceRecord) => void) {}

  /** `plan`: the plan a sandbox run runs (its scenario is then {id: 'plan', title: the plan's}). */
  header(scenario: Scenario, port: number, capture: CaptureStatus, plan?: Plan): void {
    const header: TraceHeader = {
      kind: 'header',
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      minor: TRACE_MINOR,
      scenario: { id: scenario.id, title: scenario.title, port, knobs: { ...scenario.server } },
      platform: { os: process.platform, release: osRelease() },
      recordedAt: new Date().toISOString(),
      clock: 'monotonic-ns',
      sockets: 'owned',
      network: 'host',
      capture,
      ...(plan ? { plan } : {}),
    };
    this.onRecord(header);
  }

  /** Hold an event until the step ends. */
  push(event: Pending): void {
    this.pending.push(event);
  }

  /**
   * Write what arrived since the last flush: in the order of the lab's clock (`t`, CLOCK_MONOTONIC
   * in the lab and in the runner alike), the acting process's events first (order.ts).
   */
  flush(actingPid: number | null): void {
    const batch = this.pending;
    this.pending = [];
    batch.sort((a, b) => a.t - b.t); // stable: ties keep arrival order
    causeFirst(batch, actingPid);
    for (const e of batch) this.write(e);
  }

  /** Write an event at once (a packet, a kernel snapshot, the end), after everything flushed. */
  write(e: Pending): void {
    const { kind, ...rest } = e;
    this.onRecord({ kind, seq: this.seq++, ...rest } as TraceEvent);
  }
}
