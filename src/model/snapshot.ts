// From the system model's context to the ModelSnapshot the panels read (src/model/types.ts).

import type { KernelEvent } from '../trace/types.ts';
import type { Call } from '../trace/callFold.ts';
import { statusOf } from './process.ts';
import type { SegmentNode, SystemContext } from './state.ts';
import type {
  Disagreement,
  ModelEndpoint,
  ModelOpenFile,
  ModelProcess,
  ModelSegment,
  ModelSnapshot,
  PendingCall,
} from './types.ts';

function idNumber(id: string): number {
  const m = /#(\d+)$/.exec(id);
  return m ? Number(m[1]) : 0;
}

const byId = (a: { id: string }, b: { id: string }): number => idNumber(a.id) - idNumber(b.id);

/** A call as the panels show it: where it is in the source, and whether the lab waits in poll first (not its arguments). */
function pendingCall(c: Call): PendingCall {
  return c.waitsIn ? { fn: c.fn, file: c.file, line: c.line, waitsIn: c.waitsIn } : { fn: c.fn, file: c.file, line: c.line };
}

/** Every segment of a persistent list, oldest first. */
export function segmentsOf(node: SegmentNode | null, count: number): ModelSegment[] {
  const out = new Array<ModelSegment>(count);
  let i = count - 1;
  for (let n = node; n !== null && i >= 0; n = n.prev) out[i--] = n.segment;
  return out;
}

/** The step that the last event applied to `ctx` belongs to. */
export function snapshotStep(ctx: SystemContext): number {
  return ctx.step;
}

export interface SnapshotExtras {
  kernel: KernelEvent | null;
  disagreements: Disagreement[];
  /** The segments, when the caller keeps them already (Replay does); else read from the context. */
  segments?: ModelSegment[];
}

export function toModelSnapshot(ctx: SystemContext, extras: SnapshotExtras): ModelSnapshot {
  const step = snapshotStep(ctx);
  const processes: ModelProcess[] = [...ctx.processes.values()]
    .sort((a, b) => a.order - b.order)
    .map((p) => ({
      pid: p.pid,
      ppid: p.ppid,
      role: p.role,
      program: p.program,
      status: statusOf(p.life),
      pendingCall: p.calls.pending && pendingCall(p.calls.pending),
      line: (p.calls.pending ?? p.calls.last)?.line ?? null,
      file: (p.calls.pending ?? p.calls.last)?.file ?? null,
      fds: Object.entries(p.fds)
        .map(([fd, fileId]) => ({ fd: Number(fd), fileId }))
        .sort((a, b) => a.fd - b.fd),
      exitStatus: p.exitStatus,
      exitSignal: p.exitSignal,
      sigchld: p.sigchld,
      sigchldRestart: p.sigchldRestart,
      interrupted: p.calls.interrupted.map((c) => pendingCall(c.call)),
      lastResult: p.lastResult,
      fdLimit: p.fdLimit,
      pendingSignal: p.pendingSignal,
    }));
  const openFiles: ModelOpenFile[] = [...ctx.files.values()]
    .map((f) => ({ id: f.id, endpointId: f.endpointId, refCount: f.refs.count, holders: [...f.holders] }))
    .sort(byId);
  const endpoints: ModelEndpoint[] = [...ctx.endpoints.values()]
    .map((e) => ({
      id: e.id,
      kind: e.kind,
      state: e.tcp.state,
      path: e.pathStep === step ? [...e.path] : [e.tcp.state],
      local: e.local,
      remote: e.remote,
      peerId: e.peerId,
      fileId: e.fileId,
      queuedOn: e.queuedOn,
      bytesSent: e.bytesSent,
      bytesReceived: e.bytesReceived,
      unread: e.unread,
      eof: e.eof,
      timeWaitSince: e.timeWaitSince,
      error: e.error,
      lingerZero: e.lingerZero,
      shutWr: e.shutWr,
      reuseAddr: e.reuseAddr,
      timeWaitId: e.timeWaitId,
    }))
    .sort(byId);
  return {
    step,
    eventIndex: ctx.eventIndex,
    label: ctx.label,
    processes,
    openFiles,
    endpoints,
    segments: extras.segments ?? segmentsOf(ctx.segments, ctx.segmentCount),
    kernel: extras.kernel,
    disagreements: extras.disagreements,
    notes: ctx.notes,
  };
}
