// Pure layout of the packet sequence diagram: one connection at a time, the client's end on the
// left and the server's on the right, time going down, one slanted arrow per segment — the
// model's, or the packets captured on lo standing for them (sequencePackets.ts) — grouped by the
// step that sent it, with each end's TCP state after the step.
// Units are SVG user units; the panel scales the drawing to its width and scrolls it.

import type { EndpointKind, ModelSegment, ModelSnapshot } from '../../model/types.ts';
import type { TcpState } from '../../trace/types.ts';
import { endpointOrdinals, endpointRole } from '../snapshotView.ts';

/** What the diagram needs to know of an endpoint, from the last snapshot that had it. */
export interface EndpointInfo {
  id: string;
  kind: EndpointKind;
  role: string;
  local: string | null;
  remote: string | null;
}

export interface EndpointRegistry {
  info: Map<string, EndpointInfo>;
  /** For each step that sent segments: each endpoint's states during that step (its `path`). */
  paths: Map<number, Map<string, TcpState[]>>;
}

/** Collect endpoint facts from snapshots (oldest first): later snapshots win. */
export function buildRegistry(snapshots: readonly ModelSnapshot[]): EndpointRegistry {
  const info = new Map<string, EndpointInfo>();
  const paths = new Map<number, Map<string, TcpState[]>>();
  for (const snap of snapshots) {
    const ordinals = endpointOrdinals(snap.endpoints);
    const here = new Map<string, TcpState[]>();
    const files = new Set(snap.openFiles.map((f) => f.id));
    for (const ep of snap.endpoints) {
      const prior = info.get(ep.id);
      // Whose colour an end wears: its holder's, or the parent's while it is queued. Once no one
      // holds it (closing), it keeps the colour it had.
      const held = ep.fileId !== null && files.has(ep.fileId);
      const role = held || ep.queuedOn !== null || !prior ? endpointRole(snap, ep, ordinals.get(ep.id) ?? 1) : prior.role;
      info.set(ep.id, { id: ep.id, kind: ep.kind, role, local: ep.local, remote: ep.remote });
      here.set(ep.id, ep.path);
    }
    paths.set(snap.step, here);
  }
  return { info, paths };
}

/**
 * A row of the diagram: a model segment, or (in a captured trace) a captured packet in the model's
 * terms — its ends as endpoint ids, its numbers relative — or a model segment that was not captured.
 */
export type SeqSegment = ModelSegment & {
  /** 'captured' on lo, or known from the model only (the default). */
  source?: 'captured' | 'modelled';
  /** Captured, and the model did not predict it; or modelled in a captured trace, and not captured. */
  unmatched?: boolean;
  /** Captured: trace time (ns) it arrived on lo. */
  t?: number;
  /** Captured: the window field as sent. */
  window?: number;
};

export interface SeqConnection {
  /** Stable: the lowest endpoint id on the client's side (or of the connection). */
  key: string;
  /** Endpoint ids drawn on the left (the client's end) and the right (the server's end). */
  left: string[];
  right: string[];
  segments: SeqSegment[];
}

const isEndpointId = (s: string) => /^ep#\d+$/.test(s);

function epNumber(id: string): number {
  const m = /#(\d+)$/.exec(id);
  return m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

/**
 * Group segments into connections: two endpoints that exchanged a segment belong to one. A
 * segment to an address where nothing listens belongs to its sender's connection alone.
 */
export function connectionsOf(segments: readonly SeqSegment[], registry: EndpointRegistry): SeqConnection[] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const add = (x: string) => {
    if (!parent.has(x)) parent.set(x, x);
  };
  const node = (id: string, other: string) => (isEndpointId(id) ? id : `${id}@${other}`);
  for (const s of segments) {
    const a = node(s.from, s.to);
    const b = node(s.to, s.from);
    add(a);
    add(b);
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(rb, ra);
  }
  const groups = new Map<string, SeqConnection>();
  for (const s of segments) {
    const root = find(node(s.from, s.to));
    let c = groups.get(root);
    if (!c) {
      c = { key: '', left: [], right: [], segments: [] };
      groups.set(root, c);
    }
    c.segments.push(s);
    for (const [id, other] of [
      [s.from, s.to],
      [s.to, s.from],
    ] as const) {
      const name = node(id, other);
      if (c.left.includes(name) || c.right.includes(name)) continue;
      const kind = registry.info.get(id)?.kind;
      // The client's end: a client socket; failing that, whoever sent the first SYN without ACK.
      const opener = segments.find((x) => x.flags.includes('SYN') && !x.flags.includes('ACK') && node(x.from, x.to) === name);
      if (kind === 'client' || (kind === undefined && opener)) c.left.push(name);
      else c.right.push(name);
    }
  }
  const out = [...groups.values()];
  for (const c of out) {
    // Connections with no client end (two server ends?) still get a left side.
    if (c.left.length === 0 && c.right.length > 1) c.left.push(c.right.shift()!);
    c.left.sort((a, b) => epNumber(a) - epNumber(b));
    c.right.sort((a, b) => epNumber(a) - epNumber(b));
    c.key = c.left[0] ?? c.right[0] ?? '';
  }
  return out.sort((a, b) => (a.segments[0]?.index ?? 0) - (b.segments[0]?.index ?? 0));
}

/** "SYN", "SYN+ACK", "ACK", "FIN+ACK", "RST", "data, 13 bytes". PSH is left out: it only says "deliver now". */
export function segmentName(s: Pick<ModelSegment, 'flags' | 'len'>): string {
  const flags = s.flags.filter((f) => f !== 'PSH');
  if (s.len > 0) {
    const extra = flags.filter((f) => f === 'FIN' || f === 'RST' || f === 'SYN');
    return `data, ${s.len} ${s.len === 1 ? 'byte' : 'bytes'}${extra.length ? ` + ${extra.join('+')}` : ''}`;
  }
  return flags.join('+') || '(no flags)';
}

/** "seq 0", "seq 1, ack 14": relative numbers, each side's first sequence number counted as 0. */
export function segmentNumbers(s: Pick<ModelSegment, 'seq' | 'ack'>): string {
  return s.ack === null ? `seq ${s.seq}` : `seq ${s.seq}, ack ${s.ack}`;
}

/** The start of a segment's data, newlines shown as ↵, at most `max` characters. */
export function dataPreview(data: string | undefined, max = 22): string | null {
  if (!data) return null;
  const shown = data.replace(/\r?\n/g, '↵');
  return shown.length > max ? `${shown.slice(0, max - 1)}…` : shown;
}

export const SEQ = {
  width: 560,
  leftX: 120,
  rightX: 440,
  top: 16,
  groupHead: 30,
  row: 72,
  slope: 20,
  stateRow: 34,
  viaRow: 18,
  groupGap: 14,
  bottom: 16,
} as const;

/** How an arrow is known: modelled; captured (and predicted); captured, not predicted; predicted, not captured. */
export type SeqMark = 'modelled' | 'captured' | 'unpredicted' | 'uncaptured';

export function markOf(s: SeqSegment): SeqMark {
  if (s.source === 'captured') return s.unmatched ? 'unpredicted' : 'captured';
  return s.unmatched ? 'uncaptured' : 'modelled';
}

/** "+0 µs", "+41.2 ms", "+1.25 s": time since an earlier packet, from nanoseconds. */
export function timeSince(ns: number): string {
  if (ns < 1e6) return `+${Math.round(ns / 1e3)} µs`;
  if (ns < 1e9) return `+${(ns / 1e6).toFixed(1)} ms`;
  return `+${(ns / 1e9).toFixed(2)} s`;
}

export interface SeqArrow {
  key: string;
  index: number;
  step: number;
  /** The sender's side. */
  from: 'left' | 'right';
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  name: string;
  numbers: string;
  data: string | null;
  /** Role colour of the sender. */
  role: string;
  current: boolean;
  rst: boolean;
  /** Lost on purpose at its receiver (a drop: docs/drops.md); its retransmission follows. */
  dropped: boolean;
  mark: SeqMark;
  /** Captured: time since the connection's first captured packet. */
  time: string | null;
  /** Captured: the window field as sent. */
  window: number | null;
}

export interface SeqStateTag {
  key: string;
  side: 'left' | 'right';
  x: number;
  y: number;
  state: TcpState;
  /** States passed through on the way (modelled), oldest first. */
  via: TcpState[];
  role: string;
}

export interface SeqGroup {
  step: number;
  title: string;
  y: number;
  h: number;
  current: boolean;
}

export interface SeqLayout {
  width: number;
  height: number;
  arrows: SeqArrow[];
  groups: SeqGroup[];
  states: SeqStateTag[];
  leftRole: string;
  rightRole: string;
}

function sideRole(ids: readonly string[], registry: EndpointRegistry, fallback: string): string {
  for (const id of ids) {
    const r = registry.info.get(id)?.role;
    if (r) return r;
  }
  return fallback;
}

/** Lay out one connection's segments up to and including step `current`. */
export function layoutSequence(
  conn: SeqConnection,
  registry: EndpointRegistry,
  current: number,
  stepTitle: (step: number) => string,
): SeqLayout {
  const leftRole = sideRole(conn.left, registry, 'client#1');
  const rightRole = sideRole(conn.right, registry, 'parent');
  const arrows: SeqArrow[] = [];
  const groups: SeqGroup[] = [];
  const states: SeqStateTag[] = [];
  let y = SEQ.top;
  const segs = conn.segments.filter((s) => s.step <= current);
  const firstCaptured = conn.segments.find((s) => s.source === 'captured' && s.t !== undefined)?.t;
  let i = 0;
  while (i < segs.length) {
    const step = segs[i]!.step;
    const y0 = y;
    y += SEQ.groupHead;
    for (; i < segs.length && segs[i]!.step === step; i++) {
      const s = segs[i]!;
      const fromLeft = conn.left.includes(isEndpointId(s.from) ? s.from : `${s.from}@${s.to}`);
      const role = registry.info.get(s.from)?.role ?? (fromLeft ? leftRole : rightRole);
      y += SEQ.row - SEQ.slope;
      arrows.push({
        key: `s${s.index}`,
        index: s.index,
        step,
        from: fromLeft ? 'left' : 'right',
        x1: fromLeft ? SEQ.leftX : SEQ.rightX,
        x2: fromLeft ? SEQ.rightX : SEQ.leftX,
        y1: y,
        y2: y + SEQ.slope,
        name: segmentName(s),
        numbers: segmentNumbers(s),
        data: dataPreview(s.data),
        role,
        current: step === current,
        rst: s.flags.includes('RST'),
        dropped: s.dropped === true,
        mark: markOf(s),
        time: s.t !== undefined && firstCaptured !== undefined ? timeSince(s.t - firstCaptured) : null,
        window: s.window ?? null,
      });
      y += SEQ.slope;
    }
    // Each end's state once the step was over.
    const paths = registry.paths.get(step);
    y += 16;
    for (const [side, ids, x] of [
      ['left', conn.left, SEQ.leftX],
      ['right', conn.right, SEQ.rightX],
    ] as const) {
      for (const id of ids) {
        const path = paths?.get(id);
        if (!path || path.length === 0) continue;
        const state = path[path.length - 1]!;
        // path starts with the state the step began in — except for a connection the step created,
        // whose first state (SYN_RECEIVED) was passed through too.
        const via = path.slice(path[0] === 'SYN_RECEIVED' ? 0 : 1, -1);
        states.push({ key: `st${step}${id}`, side, x, y, state, via, role: registry.info.get(id)?.role ?? (side === 'left' ? leftRole : rightRole) });
        break;
      }
    }
    y += SEQ.stateRow + (states.some((t) => t.y === y && t.via.length > 0) ? SEQ.viaRow : 0);
    groups.push({ step, title: stepTitle(step), y: y0, h: y - y0, current: step === current });
    y += SEQ.groupGap;
  }
  return { width: SEQ.width, height: y + SEQ.bottom, arrows, groups, states, leftRole, rightRole };
}

/** The connection to show by default: one with a segment in step `current`, else the most recent. */
export function defaultConnection(conns: readonly SeqConnection[], current: number): SeqConnection | null {
  const now = conns.filter((c) => c.segments.some((s) => s.step === current));
  if (now.length > 0) return now[0]!;
  let best: SeqConnection | null = null;
  let bestIndex = -1;
  for (const c of conns) {
    const last = c.segments.filter((s) => s.step <= current).at(-1);
    if (last && last.index > bestIndex) {
      best = c;
      bestIndex = last.index;
    }
  }
  return best ?? conns[0] ?? null;
}

/** "client#1 ↔ child#1" for a connection, from its ends' roles. */
export function connectionLabel(conn: SeqConnection, registry: EndpointRegistry): string {
  return `${sideRole(conn.left, registry, 'client')} ↔ ${sideRole(conn.right, registry, 'server')}`;
}

/** Column heading for one side: the role and the address of its end, when known. */
export function sideHeading(ids: readonly string[], registry: EndpointRegistry): { role: string; address: string | null } {
  for (const id of ids) {
    const info = registry.info.get(id);
    if (info) return { role: info.role, address: info.local };
    const at = id.indexOf('@');
    if (at > 0) return { role: 'nothing listens', address: id.slice(0, at) };
  }
  return { role: '?', address: null };
}
