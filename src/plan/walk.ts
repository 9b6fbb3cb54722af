// Reading a trace for the sandbox's analyses (compare.ts, outcome.ts): one pass of the model over
// the trace, event by event, with the model before and after each event, the segments each event
// sent, and the ends of the connections named by roles — never by pid or port, which differ from
// one run of a plan to the next.
//
// A step ends with its `kernel` snapshot (a recorded or live run) or, in a predicted trace, with
// its `step` event (trace-format.md). The model is the one every panel reads (src/model): the
// fold of applyTraceEvent that createReplay makes, here made once, in order, so each event is
// applied once.

import { applyTraceEvent, initialContext } from '../model/apply.ts';
import { toModelSnapshot } from '../model/snapshot.ts';
import type { SystemContext } from '../model/state.ts';
import type { ModelEndpoint, ModelSegment, ModelSnapshot } from '../model/types.ts';
import type { KernelEvent, StepEvent, Trace, TraceEvent } from '../trace/types.ts';

/** Whether an event ends a step: a kernel snapshot, or a predicted trace's `step` event. */
export function endsStep(e: TraceEvent): e is KernelEvent | StepEvent {
  return e.kind === 'kernel' || e.kind === 'step';
}

/** The model as the panels read it, without the segments (read them from the frame). */
export function modelOf(ctx: SystemContext): ModelSnapshot {
  return toModelSnapshot(ctx, { kernel: null, disagreements: [], segments: [] });
}

export interface Frame {
  index: number;
  event: TraceEvent;
  before: SystemContext;
  after: SystemContext;
  /** The segments this event sent (and the answers they caused), oldest first. */
  sent: ModelSegment[];
  /** The step the event belongs to (its own, for the event that ends it), and that step's label;
   *  null for events after the last step's end (the runner stopping the run). */
  step: number | null;
  label: string | null;
}

/** Where each step of a trace ends: the event index of its snapshot (or `step` event), its number and label. */
export function stepEnds(trace: Trace): { index: number; step: number; label: string }[] {
  const out: { index: number; step: number; label: string }[] = [];
  trace.events.forEach((e, index) => {
    if (endsStep(e)) out.push({ index, step: e.step, label: e.label });
  });
  return out;
}

/** The segments a context holds beyond the first `count`, oldest first. */
function segmentsAfter(ctx: SystemContext, count: number): ModelSegment[] {
  const out: ModelSegment[] = [];
  for (let n = ctx.segments; n !== null && n.segment.index >= count; n = n.prev) out.push(n.segment);
  return out.reverse();
}

/** Which end of what an endpoint is, by roles. */
export interface EndIdentity {
  /** Stable across runs of the same plan: "client#1/client", "client#1/server", "parent/listener". */
  key: string;
  side: 'client' | 'server' | 'listener';
  /** The client whose socket opened the connection (for a connection's two ends). */
  client: string | null;
  /** The role that created the socket (socket() or, for a server end, the accepting listener's role). */
  creator: string | null;
  /** Every role that held a descriptor for it, in the order they first did. */
  holders: string[];
  /** The roles holding it when its last descriptor went (who "holds" its TIME_WAIT). */
  lastHolders: string[];
  /** It left CLOSED at some point (a connect was tried, a listen made): a socket never used is no connection. */
  used: boolean;
}

/**
 * Names every endpoint of a trace by roles while the trace is walked: a client's socket by the
 * client (and how many sockets it made before), a server's connection end by the client at the
 * other end, a listening socket by the server role that made it. Names for people come from
 * `endName` once the walk is over (a server end is named after the child that served it).
 */
export class EndNames {
  readonly roleOfPid = new Map<number, string>();
  private readonly ends = new Map<string, EndIdentity>();
  private readonly socketsMade = new Map<string, number>();
  /** The C names each role gives its descriptors: listenfd, connfd, sockfd. */
  private readonly fdNames = new Map<string, Map<string, number>>();

  /** Read one frame: roles from the event, new endpoints, descriptor names and holders from the model after it. */
  see(f: Frame): void {
    const e = f.event;
    if ('pid' in e && 'role' in e) this.roleOfPid.set(e.pid, e.role);
    if (e.kind === 'return' && (e.fn === 'socket' || e.fn === 'accept')) {
      // The C variable takes whatever the call returned: after a failed accept, connfd is -1 and names nothing.
      const name = e.fn === 'accept' ? 'connfd' : e.role.startsWith('client#') ? 'sockfd' : 'listenfd';
      this.namesOf(e.role).set(name, e.ret);
    }
    if (e.kind === 'return' && e.ret >= 0 && e.errno === null) {
      if (e.fn === 'fork' && e.ret === 0 && e.ppid !== undefined) {
        const parent = this.roleOfPid.get(e.ppid);
        if (parent) this.fdNames.set(e.role, new Map(this.namesOf(parent)));
      }
    }
    for (const ep of f.after.endpoints.values()) {
      let id = this.ends.get(ep.id);
      if (!id) this.ends.set(ep.id, (id = this.identify(ep.id, ep.kind, ep.timeWaitId, ep.peerId, e)));
      if (!id.used && ep.path.some((state) => state !== 'CLOSED')) id.used = true;
    }
    for (const file of f.after.files.values()) {
      const id = this.ends.get(file.endpointId);
      if (!id) continue;
      const roles = file.holders.map((h) => this.roleOfPid.get(h.pid) ?? `pid ${h.pid}`);
      for (const r of roles) if (!id.holders.includes(r)) id.holders.push(r);
      id.lastHolders = [...new Set(roles)];
    }
  }

  private namesOf(role: string): Map<string, number> {
    let m = this.fdNames.get(role);
    if (!m) this.fdNames.set(role, (m = new Map()));
    return m;
  }

  private identify(id: string, kind: string, timeWaitId: string | null, peerId: string | null, e: TraceEvent): EndIdentity {
    const blank = { holders: [], lastHolders: [], used: false };
    if (timeWaitId) {
      // The CLOSED socket a descriptor names once its connection moved to TIME_WAIT (network.ts detachTimeWait).
      const conn = this.ends.get(timeWaitId);
      return { ...blank, key: `${conn?.key ?? timeWaitId}/socket`, side: conn?.side ?? 'server', client: conn?.client ?? null, creator: conn?.creator ?? null };
    }
    if (kind === 'server-conn') {
      const peer = peerId ? this.ends.get(peerId) : undefined;
      const client = peer?.client ?? null;
      return { ...blank, key: client ? `${client}/server` : id, side: 'server', client, creator: null };
    }
    const role = 'role' in e ? e.role : 'unknown';
    const n = (this.socketsMade.get(role) ?? 0) + 1;
    this.socketsMade.set(role, n);
    const base = n === 1 ? role : `${role} socket ${n}`;
    if (kind === 'client') return { ...blank, key: `${base}/client`, side: 'client', client: base, creator: role };
    return { ...blank, key: `${base}/listener`, side: 'listener', client: null, creator: role };
  }

  /** Each key and the first endpoint that had it, in the order they appeared. */
  endpointIds(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [epId, id] of this.ends) if (!out.has(id.key)) out.set(id.key, epId);
    return out;
  }

  identity(epId: string): EndIdentity | undefined {
    return this.ends.get(epId);
  }

  /** The stable key of an endpoint (or of an address a segment went to, as is). */
  keyOf(epId: string): string {
    return this.ends.get(epId)?.key ?? epId;
  }

  /** The server side of a client's connection, for people: the child that served it, else whoever held it, else "server". */
  serverOf(client: string): string {
    for (const id of this.ends.values()) {
      if (id.side !== 'server' || id.client !== client || id.key.endsWith('/socket')) continue;
      return id.holders.find((r) => r.startsWith('child#')) ?? id.holders[0] ?? 'server';
    }
    return 'server';
  }

  /** An end for people: "connection client#1 ↔ child#1 (client end)", "parent's listening socket". */
  endName(key: string): string {
    const m = /^(.*)\/(client|server|listener)(\/socket)?$/.exec(key);
    if (!m) return key.startsWith('ep#') ? `socket ${key}` : `${key} (no socket there)`;
    const [, who, side, detached] = m;
    if (side === 'listener') return `${who}'s listening socket`;
    const name = `connection ${who} ↔ ${this.serverOf(who!)} (${side} end)`;
    return detached ? `${name}, its socket after TIME_WAIT` : name;
  }

  /** A descriptor for people: "client#1 sockfd 3", "child#1 fd 5". */
  fdName(role: string, fd: number): string {
    for (const [name, n] of this.fdNames.get(role) ?? []) if (n === fd) return `${role} ${name} ${fd}`;
    return `${role} fd ${fd}`;
  }
}

/**
 * Walk a trace: `visit` sees every event with the model before and after it, the segments it
 * sent, and the names as they stand after it. Returns the names (complete once the walk is over).
 */
export function walkTrace(trace: Trace, visit: (f: Frame, names: EndNames) => void): EndNames {
  const names = new EndNames();
  const ends = stepEnds(trace);
  let next = 0;
  let ctx = initialContext(trace.header);
  trace.events.forEach((event, index) => {
    const before = ctx;
    ctx = applyTraceEvent(before, event, index);
    const end = ends[next];
    const frame: Frame = {
      index,
      event,
      before,
      after: ctx,
      sent: segmentsAfter(ctx, before.segmentCount),
      step: end ? end.step : null,
      label: end ? end.label : null,
    };
    if (end && end.index === index) next++;
    names.see(frame);
    visit(frame, names);
  });
  return names;
}

/** The endpoint's state, or CLOSED when the model has let it go. */
export function stateOf(ctx: SystemContext, epId: string): ModelEndpoint['state'] {
  return ctx.endpoints.get(epId)?.tcp.state ?? 'CLOSED';
}
