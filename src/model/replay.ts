// Replay: the model at any step or event of a trace. The model is pure and deterministic, so
// stepping back is replaying. One forward pass (at creation, and for appended events) folds the
// system model's applyTraceEvent over the trace — the action of every transition of
// systemMachine (system.ts) — keeps the context every CHECKPOINT_EVERY events, and checks each
// kernel snapshot. A seek then applies at most CHECKPOINT_EVERY − 1 events to a checkpoint.

import { TraceFormatError, TraceSequence, parseRecord } from '../trace/parse.ts';
import type { KernelEvent, StepEvent, Trace, TraceEvent } from '../trace/types.ts';
import { applyTraceEvent, initialContext } from './apply.ts';
import { checkKernel } from './check.ts';
import { PacketLog, type PacketView } from './packets.ts';
import { toModelSnapshot } from './snapshot.ts';
import type { SystemContext } from './state.ts';
import type { Disagreement, ModelSegment, ModelSnapshot } from './types.ts';

/** Events between checkpoints: a seek applies at most this many. */
export const CHECKPOINT_EVERY = 128;
/** Snapshots kept ready (the same index gives the same object while it stays cached). */
const SNAPSHOT_CACHE_SIZE = 16;

export interface Replay {
  readonly trace: Trace;
  /** Number of kernel events (of `step` events in a predicted trace); steps are 0 … stepCount − 1. */
  readonly stepCount: number;
  /** The model after the step-th kernel event, checked against it. */
  atStep(step: number): ModelSnapshot;
  /** The model after event `index` (−1: before any event); kernel and disagreements of the latest kernel event at or before it. */
  atEvent(index: number): ModelSnapshot;
  /** The step an event belongs to: that of the first kernel event at or after it (stepCount if none yet). */
  stepOfEvent(index: number): number;
  /** First and last event index of a step; the last is the step's kernel event. */
  eventRangeOfStep(step: number): [first: number, last: number];
  /** Disagreements over every kernel snapshot of the trace. */
  disagreementCount(): number;
  /** Add events of a live run (validated, numbered in sequence). */
  append(events: TraceEvent[]): void;
  /** Captured packets (relative numbers, matched to the model's segments) of the steps up to `step` that have
   *  ended (their kernel snapshot arrived); none when the trace was not captured. */
  packetsAt(step: number): PacketView;
}

class TraceReplay implements Replay {
  readonly trace: Trace;
  private readonly events: TraceEvent[];
  /** Event index of each event that ends a step, in order: a kernel snapshot, or a predicted trace's `step` (trace 1.2). */
  private readonly kernelIndices: number[] = [];
  /** checkpoints[k] = context after event k·CHECKPOINT_EVERY − 1 (checkpoints[0] = initial). */
  private readonly checkpoints: SystemContext[] = [];
  /** How far the forward pass has gone: the context after event `frontierIndex`. */
  private frontier: SystemContext;
  private frontierIndex = -1;
  /** Every segment the model sends, in order (deterministic: a context's segments are a prefix). */
  private readonly segmentLog: ModelSegment[] = [];
  private readonly disagreements = new Map<number, Disagreement[]>();
  /** Captured packets, compared with the model's segments step by step (when the trace has them). */
  private readonly packets: PacketLog;
  private readonly cache = new Map<number, ModelSnapshot>();
  private readonly sequence: TraceSequence;

  constructor(trace: Trace) {
    this.events = [...trace.events];
    this.trace = { header: trace.header, events: this.events };
    this.events.forEach((e, i) => {
      if (endsStep(e)) this.kernelIndices.push(i);
    });
    const last = this.events[this.events.length - 1];
    this.sequence = new TraceSequence(last ? last.seq + 1 : 0, this.kernelIndices.length);
    this.packets = new PacketLog(trace.header.capture);
    this.frontier = initialContext(trace.header);
    this.checkpoints.push(this.frontier);
    this.advanceTo(this.events.length - 1);
  }

  get stepCount(): number {
    return this.kernelIndices.length;
  }

  atStep(step: number): ModelSnapshot {
    const index = this.kernelIndices[this.checkStep(step)]!;
    return this.atEvent(index);
  }

  atEvent(index: number): ModelSnapshot {
    if (!Number.isInteger(index) || index < -1 || index >= this.events.length) {
      throw new RangeError(`event ${index} is outside the trace (−1 … ${this.events.length - 1})`);
    }
    const cached = this.cache.get(index);
    if (cached) {
      // Refresh its place in the LRU order.
      this.cache.delete(index);
      this.cache.set(index, cached);
      return cached;
    }
    const state = this.stateAfter(index);
    const step = index < 0 ? 0 : this.stepOfEvent(index);
    const kernelStep = this.latestKernelStepAtOrBefore(index);
    const ender = kernelStep === null ? null : (this.events[this.kernelIndices[kernelStep]!] as KernelEvent | StepEvent);
    // A predicted step ends without a kernel snapshot: nothing to show or check.
    const kernel = ender?.kind === 'kernel' ? ender : null;
    const disagreements = kernelStep === null ? [] : this.disagreementsOf(kernelStep);
    const ctx = state;
    const snapshot = toModelSnapshot(ctx, { kernel, disagreements, segments: [] });
    // Every segment so far can be tens of thousands: copy them out of the log only when read.
    lazySegments(snapshot, this.segmentLog, ctx.segmentCount);
    // The label of the step being carried out, once its kernel snapshot is known.
    const stepKernel = this.kernelIndices[step];
    snapshot.label = stepKernel !== undefined ? (this.events[stepKernel] as KernelEvent | StepEvent).label : snapshot.label;
    this.cache.set(index, snapshot);
    if (this.cache.size > SNAPSHOT_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    return snapshot;
  }

  stepOfEvent(index: number): number {
    if (!Number.isInteger(index) || index < 0 || index >= this.events.length) {
      throw new RangeError(`event ${index} is outside the trace (0 … ${this.events.length - 1})`);
    }
    // First kernel index ≥ index (binary search).
    let lo = 0;
    let hi = this.kernelIndices.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.kernelIndices[mid]! < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  eventRangeOfStep(step: number): [first: number, last: number] {
    this.checkStep(step);
    const first = step === 0 ? 0 : this.kernelIndices[step - 1]! + 1;
    return [first, this.kernelIndices[step]!];
  }

  disagreementCount(): number {
    let n = 0;
    for (let s = 0; s < this.kernelIndices.length; s++) n += this.disagreementsOf(s).length;
    return n;
  }

  packetsAt(step: number): PacketView {
    // A live step in progress has no kernel snapshot yet, so its packets are not compared yet either.
    const done = Math.min(step, this.kernelIndices.length - 1);
    if (done >= 0) this.disagreementsOf(done);
    return this.packets.upTo(done);
  }

  append(events: TraceEvent[]): void {
    // Validate all before changing anything: a bad batch leaves the replay as it was.
    const checker = this.sequence.clone();
    const base = this.events.length;
    events.forEach((e, i) => {
      const line = base + i + 2; // line 1 is the header
      const record = parseRecord(e, line);
      if (record.kind === 'header') throw new TraceFormatError(line, 'a header cannot be appended to a trace');
      checker.check(record, line);
    });
    this.sequence.adopt(checker);
    for (const e of events) {
      if (endsStep(e)) this.kernelIndices.push(this.events.length);
      this.events.push(e);
    }
    // A snapshot of a step still in progress takes its label from the step's kernel event,
    // which may just have arrived: drop the cache (the model itself is unchanged).
    this.cache.clear();
    this.advanceTo(this.events.length - 1);
  }

  // ── internals ──

  private checkStep(step: number): number {
    if (!Number.isInteger(step) || step < 0 || step >= this.kernelIndices.length) {
      throw new RangeError(`step ${step} is outside the trace (0 … ${this.kernelIndices.length - 1})`);
    }
    return step;
  }

  private latestKernelStepAtOrBefore(index: number): number | null {
    if (index < 0) return null;
    const s = this.stepOfEvent(index);
    if (this.kernelIndices[s] === index) return s;
    return s === 0 ? null : s - 1;
  }

  /** Advance the forward pass to event `index`: checkpoints, segments and kernel checks on the way. */
  private advanceTo(index: number): void {
    while (this.frontierIndex < index) {
      const i = this.frontierIndex + 1;
      const event = this.events[i]!;
      const ctx = applyTraceEvent(this.frontier, event, i);
      this.frontier = ctx;
      this.frontierIndex = i;
      if (ctx.segmentCount > this.segmentLog.length) {
        const fresh: ModelSegment[] = [];
        for (let n = ctx.segments; n !== null && n.segment.index >= this.segmentLog.length; n = n.prev) fresh.push(n.segment);
        for (let j = fresh.length - 1; j >= 0; j--) this.segmentLog.push(fresh[j]!);
      }
      if (event.kind === 'packet') this.packets.add(event, i, ctx.kernelCount);
      if (event.kind === 'kernel') {
        const model = toModelSnapshot(ctx, { kernel: null, disagreements: [], segments: [] });
        const step = ctx.kernelCount - 1;
        this.disagreements.set(step, [...checkKernel(model, event), ...this.packets.endStep(step, this.segmentLog, model.endpoints)]);
      }
      if ((i + 1) % CHECKPOINT_EVERY === 0) this.checkpoints[(i + 1) / CHECKPOINT_EVERY] = ctx;
    }
  }

  /** The context after event `index`: from the nearest checkpoint at or before it. */
  private stateAfter(index: number): SystemContext {
    if (index >= this.frontierIndex) {
      this.advanceTo(index);
      return this.frontier;
    }
    const k = Math.floor((index + 1) / CHECKPOINT_EVERY);
    let state = this.checkpoints[k]!;
    for (let i = k * CHECKPOINT_EVERY; i <= index; i++) state = applyTraceEvent(state, this.events[i]!, i);
    return state;
  }

  private disagreementsOf(step: number): Disagreement[] {
    this.advanceTo(this.kernelIndices[step]!);
    return this.disagreements.get(step) ?? [];
  }
}

/** `snapshot.segments` becomes a property that slices the log on first read, then keeps the array. */
function lazySegments(snapshot: ModelSnapshot, log: readonly ModelSegment[], count: number): void {
  Object.defineProperty(snapshot, 'segments', {
    enumerable: true,
    configurable: true,
    get(this: ModelSnapshot): ModelSegment[] {
      const segments = log.slice(0, count);
      Object.defineProperty(this, 'segments', { value: segments, enumerable: true, writable: true, configurable: true });
      return segments;
    },
    set(this: ModelSnapshot, value: ModelSegment[]) {
      Object.defineProperty(this, 'segments', { value, enumerable: true, writable: true, configurable: true });
    },
  });
}

/** A kernel snapshot ends a step; so does a predicted trace's `step` event (nothing is checked against it). */
function endsStep(e: TraceEvent): e is KernelEvent | StepEvent {
  return e.kind === 'kernel' || e.kind === 'step';
}

export function createReplay(trace: Trace): Replay {
  return new TraceReplay(trace);
}
