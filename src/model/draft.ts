// A copy-on-write view of the system model's context (src/model/state.ts): the appliers in
// apply.ts change a Draft, and only what they touch is copied, so every context stays immutable.

import type { ModelSegment } from './types.ts';
import type { EndpointState, FileState, ProcState, SystemContext } from './state.ts';

/** The step an event belongs to when applied to `ctx`: the kernel snapshot that will end it. */
export function stepOf(ctx: SystemContext): number {
  return ctx.kernelCount;
}

/** A copy-on-write view of a context: reads see changes, writes copy only what they touch. */
export class Draft {
  private procs: Map<number, ProcState> | null = null;
  private files: Map<string, FileState> | null = null;
  private eps: Map<string, EndpointState> | null = null;
  /** Processes and endpoints this draft has copied already (so it may change them in place). */
  private readonly ownProcs = new Set<number>();
  private readonly ownEps = new Set<string>();
  /** The next context: a fresh object this draft owns (its maps are replaced, never changed in place). */
  readonly ctx: SystemContext;
  readonly step: number;
  private readonly queue: ModelSegment[] = [];
  /** Endpoints whose ACK waits for the delayed-ACK timer: sent after everything this event sends at once (network.ts). */
  readonly delayedAcks: string[] = [];

  constructor(base: SystemContext, eventIndex: number, now: number) {
    this.step = stepOf(base);
    this.ctx = { ...base, eventIndex, step: this.step, now: Math.max(base.now, now) };
  }

  // ── processes ──
  getProc(pid: number): ProcState | undefined {
    return (this.procs ?? this.ctx.processes).get(pid);
  }
  allProcs(): ProcState[] {
    return [...(this.procs ?? this.ctx.processes).values()];
  }
  private procMap(): Map<number, ProcState> {
    return (this.procs ??= new Map(this.ctx.processes));
  }
  /** A mutable copy of process `pid` (which must exist). */
  proc(pid: number): ProcState {
    const map = this.procMap();
    const p = map.get(pid)!;
    if (this.ownProcs.has(pid)) return p;
    const copy = { ...p };
    map.set(pid, copy);
    this.ownProcs.add(pid);
    return copy;
  }
  deleteProc(pid: number): void {
    this.procMap().delete(pid);
    this.ownProcs.delete(pid);
  }
  putProc(p: ProcState): void {
    this.procMap().set(p.pid, p);
    this.ownProcs.add(p.pid);
  }

  // ── open files (small objects: replaced whole) ──
  getFile(id: string): FileState | undefined {
    return (this.files ?? this.ctx.files).get(id);
  }
  putFile(f: FileState): void {
    (this.files ??= new Map(this.ctx.files)).set(f.id, f);
  }
  deleteFile(id: string): void {
    (this.files ??= new Map(this.ctx.files)).delete(id);
  }

  // ── endpoints ──
  getEp(id: string): EndpointState | undefined {
    return (this.eps ?? this.ctx.endpoints).get(id);
  }
  allEps(): EndpointState[] {
    return [...(this.eps ?? this.ctx.endpoints).values()];
  }
  private epMap(): Map<string, EndpointState> {
    return (this.eps ??= new Map(this.ctx.endpoints));
  }
  ep(id: string): EndpointState {
    const map = this.epMap();
    const e = map.get(id)!;
    if (this.ownEps.has(id)) return e;
    const copy = { ...e };
    map.set(id, copy);
    this.ownEps.add(id);
    return copy;
  }
  putEp(e: EndpointState): void {
    this.epMap().set(e.id, e);
    this.ownEps.add(e.id);
  }
  deleteEp(id: string): void {
    this.epMap().delete(id);
    this.ownEps.delete(id);
  }

  note(text: string): void {
    this.ctx.notes = [...this.ctx.notes, `event ${this.ctx.eventIndex}: ${text}`];
  }

  // ── segments ──
  record(seg: Omit<ModelSegment, 'index' | 'step'>): ModelSegment {
    const segment: ModelSegment = { index: this.ctx.segmentCount, step: this.step, ...seg };
    this.ctx.segments = { segment, prev: this.ctx.segments };
    this.ctx.segmentCount = this.ctx.segmentCount + 1;
    return segment;
  }
  enqueue(seg: ModelSegment): void {
    this.queue.push(seg);
  }
  dequeue(): ModelSegment | undefined {
    return this.queue.shift();
  }

  finish(): SystemContext {
    if (this.procs) this.ctx.processes = this.procs;
    if (this.files) this.ctx.files = this.files;
    if (this.eps) this.ctx.endpoints = this.eps;
    return this.ctx;
  }
}
