// The figure for the room: UNP Figures 4.14–4.17 drawn with few, large labels. Clients on the
// left, the server's processes on the right; each process a box with its role and the sockets
// it holds (descriptor name and TCP state), connections as lines between them, a queued or
// unheld connection beside its side. Units are CSS pixels (the SVG's viewBox is its box), so a
// font size here is the size on screen. The layout chooses the largest font that fits, first
// with each process's status on its own line, then compact (the role beside its sockets, no
// status); never below `minFont`: what does not fit then is taller than the box (it scrolls).
// Pure: text widths come from `measure` (a canvas in the browser, an estimate in tests).

import type { EndpointKind, ModelEndpoint, ModelSnapshot, ProcessStatus } from '../../model/types.ts';
import type { TcpState } from '../../trace/types.ts';
import { processStatusShort } from '../panels/processText.ts';
import { roleOrder } from '../roles.ts';
import { descriptorName, endpointOrdinals, endpointRole, isGone, peerOf, timeWaitTimer } from '../snapshotView.ts';

/** Width in pixels of `text` at `px` pixels, bold or not. */
export type MeasureText = (text: string, px: number, bold: boolean) => number;

/** A conservative estimate for a proportional sans-serif (tests; a fallback without a canvas). */
export const estimateText: MeasureText = (text, px, bold) => text.length * px * (bold ? 0.64 : 0.6);

export interface PresentText {
  text: string;
  x: number;
  y: number;
  bold?: boolean;
  anchor?: 'start' | 'end';
}

export interface PresentBox {
  key: string;
  role: string;
  status: ProcessStatus;
  side: 'client' | 'server';
  x: number;
  y: number;
  w: number;
  h: number;
  /** Relative to the box. */
  texts: PresentText[];
}

export interface PresentSlot {
  key: string;
  role: string;
  endpointId: string;
  kind: EndpointKind;
  state: TcpState;
  /** Not held by a descriptor: in an accept queue, or closing with no descriptor left. */
  loose: boolean;
  x: number;
  y: number;
  w: number;
  h: number;
  texts: PresentText[];
  anchor: { x: number; y: number };
}

export interface PresentLink {
  key: string;
  kind: 'connection' | 'queue' | 'fork';
  role: string;
  d: string;
}

export interface PresentLayout {
  width: number;
  height: number;
  /** The font size of every label, in pixels. */
  font: number;
  compact: boolean;
  /** Whether it fits the box it was laid out for (otherwise it is taller: the box scrolls). */
  fits: boolean;
  boxes: PresentBox[];
  slots: PresentSlot[];
  links: PresentLink[];
}

export interface PresentArea {
  width: number;
  height: number;
  minFont: number;
  maxFont: number;
}

interface Held {
  fd: number;
  ep: ModelEndpoint;
}
interface Proc {
  pid: number;
  ppid: number;
  role: string;
  status: ProcessStatus;
  statusText: string;
  side: 'client' | 'server';
  held: Held[];
}
interface LooseEp {
  ep: ModelEndpoint;
  role: string;
  side: 'client' | 'server';
  caption: string;
  timer: string | null;
  queuedOn: string | null;
}

function readSnapshot(snapshot: ModelSnapshot): { procs: Proc[]; loose: LooseEp[] } {
  const epById = new Map(snapshot.endpoints.map((e) => [e.id, e]));
  const fileById = new Map(snapshot.openFiles.map((f) => [f.id, f]));
  const ordinals = endpointOrdinals(snapshot.endpoints);
  const procs = [...snapshot.processes]
    .sort((a, b) => roleOrder(a.role) - roleOrder(b.role) || a.pid - b.pid)
    .map((p): Proc => ({
      pid: p.pid,
      ppid: p.ppid,
      role: p.role,
      status: p.status,
      statusText: processStatusShort(p),
      side: p.program === 'client' ? 'client' : 'server',
      held: p.fds
        .map(({ fd, fileId }) => {
          const file = fileById.get(fileId);
          const ep = file ? epById.get(file.endpointId) : undefined;
          return ep ? { fd, ep } : null;
        })
        .filter((h): h is Held => h !== null),
    }));
  const loose = snapshot.endpoints
    .filter((ep) => !(ep.fileId !== null && fileById.has(ep.fileId)) && !isGone(ep))
    .map((ep): LooseEp => ({
      ep,
      role: endpointRole(snapshot, ep, ordinals.get(ep.id) ?? 1),
      side: ep.kind === 'client' ? 'client' : 'server',
      caption: ep.queuedOn ? 'accept queue' : 'no fd',
      timer: timeWaitTimer(snapshot, ep),
      queuedOn: ep.queuedOn ?? null,
    }));
  return { procs, loose };
}

interface Metrics {
  f: number;
  row: number;
  pad: number;
  gap: number;
  margin: number;
  /** Between a box's text and the edge of its slot. */
  inset: number;
}

function metrics(f: number, compact: boolean): Metrics {
  // Compact is for many processes: tighter rows, still a clear gap around every label.
  return compact
    ? { f, row: Math.round(f * 1.4), pad: Math.round(f * 0.2), gap: Math.round(f * 0.35), margin: Math.round(f * 0.3), inset: Math.round(f * 0.4) }
    : { f, row: Math.round(f * 1.6), pad: Math.round(f * 0.35), gap: Math.round(f * 0.6), margin: Math.round(f * 0.5), inset: Math.round(f * 0.5) };
}

/** The text of a slot: its descriptor name and its state (a loose one: "accept queue" or "no fd"). */
function slotParts(name: string, state: TcpState, timer: string | null): { name: string; state: string } {
  return { name, state: timer ? `${state} ${timer.replace(/ left$/, '')}` : state };
}

/** A slot's two labels, `w` wide: its name on the left, its state (bold) on the right, on one baseline. */
function slotTexts(parts: { name: string; state: string }, w: number, m: Metrics, f: number): PresentText[] {
  const y = m.row / 2 + f * 0.35;
  return [
    { text: parts.name, x: m.inset, y },
    { text: parts.state, x: w - m.inset, y, bold: true, anchor: 'end' },
  ];
}

function tryLayout(
  snapshot: ModelSnapshot,
  read: ReturnType<typeof readSnapshot>,
  area: PresentArea,
  f: number,
  compact: boolean,
  measure: MeasureText,
  /** Too wide for the area: lay it out wider (true) rather than give up (false). */
  widen = false,
): PresentLayout | null {
  const m = metrics(f, compact);
  const w = (t: string, bold = false) => Math.ceil(measure(t, f, bold) * 1.04);
  const slotNeed = (name: string, state: string) => w(name) + m.f * 0.8 + w(state, true) + 2 * m.inset;
  const sideProcs = (side: 'client' | 'server') => read.procs.filter((p) => p.side === side);
  const sideLoose = (side: 'client' | 'server') => read.loose.filter((l) => l.side === side);

  // Column widths: the widest slot, role or status line of each side.
  const colWidth = (side: 'client' | 'server'): { box: number; roleW: number } => {
    const procs = sideProcs(side);
    const roleW = Math.max(0, ...procs.map((p) => w(p.role, true)));
    const slotW = Math.max(
      0,
      ...procs.flatMap((p) => p.held.map((h) => slotNeed(descriptorName(h.ep.kind), h.ep.state))),
      ...sideLoose(side).map((l) => slotNeed(l.caption, slotParts('', l.ep.state, l.timer).state)),
    );
    if (compact) return { box: roleW + m.inset * 2 + slotW + m.pad, roleW };
    return { box: Math.max(roleW + 2 * m.inset, slotW + 2 * m.pad, f * 6), roleW };
  };
  const client = colWidth('client');
  const server = colWidth('server');
  // Full mode: the status line when it fits the column, else none.
  const minGap = f * 3;
  const trunk = f;
  const need = 2 * m.margin + client.box + minGap + server.box + trunk;
  if (need > area.width && !widen) return null;
  const width = Math.max(area.width, Math.ceil(need));
  const spare = width - need;
  const lineGap = minGap + Math.min(spare, width * 0.25);
  const left = m.margin + Math.max(0, (spare - (lineGap - minGap)) / 2);
  const clientX = left;
  const serverX = left + client.box + lineGap;

  const boxes: PresentBox[] = [];
  const slots: PresentSlot[] = [];
  const links: PresentLink[] = [];
  const y = { client: m.margin, server: m.margin };
  const adopted = new Set<LooseEp>();

  for (const p of read.procs) {
    const col = p.side === 'client' ? client : server;
    const x = p.side === 'client' ? clientX : serverX;
    const bw = col.box;
    const texts: PresentText[] = [];
    let slotsTop: number;
    let slotX: number;
    let slotW: number;
    let h: number;
    // A process that holds no socket shows, in its own box, the one it closed that the
    // kernel keeps (a client's TIME_WAIT): one row instead of a box and a loose row.
    const kept = p.held.length === 0 ? read.loose.find((l) => !l.queuedOn && l.role === p.role && l.side === p.side && !adopted.has(l)) : undefined;
    if (kept) adopted.add(kept);
    const n = p.held.length + (kept ? 1 : 0);
    if (compact) {
      texts.push({ text: p.role, x: m.inset, y: m.pad + m.row / 2 + f * 0.35, bold: true });
      slotsTop = m.pad;
      slotX = col.roleW + 2 * m.inset;
      slotW = bw - slotX - m.pad;
      h = 2 * m.pad + Math.max(1, n) * m.row + Math.max(0, n - 1) * m.pad;
    } else {
      texts.push({ text: p.role, x: m.inset, y: m.pad + f, bold: true });
      let header = m.pad + m.row;
      if (w(p.statusText) + 2 * m.inset <= bw) {
        texts.push({ text: p.statusText, x: m.inset, y: header + f * 0.8 });
        header += m.row - m.pad;
      }
      slotsTop = header;
      slotX = m.pad;
      slotW = bw - 2 * m.pad;
      h = header + n * m.row + Math.max(0, n - 1) * m.pad + m.pad;
    }
    const by = y[p.side];
    boxes.push({ key: `p${p.pid}`, role: p.role, status: p.status, side: p.side, x, y: by, w: bw, h, texts });
    p.held.forEach(({ fd, ep }, i) => {
      const sy = by + slotsTop + i * (m.row + m.pad);
      const sx = x + slotX;
      const parts = slotParts(descriptorName(ep.kind), ep.state, null);
      slots.push({
        key: `p${p.pid}fd${fd}`,
        role: p.role,
        endpointId: ep.id,
        kind: ep.kind,
        state: ep.state,
        loose: false,
        x: sx,
        y: sy,
        w: slotW,
        h: m.row,
        texts: slotTexts(parts, slotW, m, f),
        anchor: { x: p.side === 'client' ? x + bw : x, y: sy + m.row / 2 },
      });
    });
    if (kept) {
      const sy = by + slotsTop;
      const parts = slotParts(kept.caption, kept.ep.state, kept.timer);
      slots.push({
        key: `ep${kept.ep.id}`,
        role: kept.role,
        endpointId: kept.ep.id,
        kind: kept.ep.kind,
        state: kept.ep.state,
        loose: true,
        x: x + slotX,
        y: sy,
        w: slotW,
        h: m.row,
        texts: slotTexts(parts, slotW, m, f),
        anchor: { x: p.side === 'client' ? x + bw : x, y: sy + m.row / 2 },
      });
    }
    y[p.side] += h + m.gap;
  }

  // Connections held by no descriptor, below their side's processes.
  for (const l of read.loose) {
    if (adopted.has(l)) continue;
    const col = l.side === 'client' ? client : server;
    // As wide as its side's boxes: lines to it then end at the column's edge, crossing no box.
    const x = l.side === 'client' ? clientX : serverX;
    const sw = col.box;
    const sy = y[l.side];
    const parts = slotParts(l.caption, l.ep.state, l.timer);
    slots.push({
      key: `ep${l.ep.id}`,
      role: l.role,
      endpointId: l.ep.id,
      kind: l.ep.kind,
      state: l.ep.state,
      loose: true,
      x,
      y: sy,
      w: sw,
      h: m.row,
      texts: slotTexts(parts, sw, m, f),
      anchor: { x: l.side === 'client' ? x + sw : x, y: sy + m.row / 2 },
    });
    if (l.queuedOn) {
      const listener = slots.find((s) => s.endpointId === l.queuedOn && !s.loose);
      if (listener) {
        const bx = serverX - f * 0.8;
        links.push({ key: `queue${l.ep.id}`, kind: 'queue', role: 'parent', d: `M ${x} ${sy + m.row / 2} H ${bx} V ${listener.anchor.y} H ${listener.anchor.x}` });
      }
    }
    y[l.side] += m.row + m.gap;
  }

  // fork(): from the parent's right edge down to each of its children's.
  const parent = boxes.find((b) => b.role === 'parent');
  const parentProc = read.procs.find((p) => p.role === 'parent');
  if (parent && parentProc) {
    const trunkX = parent.x + parent.w + trunk * 0.7;
    for (const p of read.procs) {
      const b = boxes.find((x) => x.key === `p${p.pid}`);
      if (!b || b === parent || p.side !== 'server' || p.ppid !== parentProc.pid) continue;
      links.push({ key: `fork${p.pid}`, kind: 'fork', role: p.role, d: `M ${parent.x + parent.w} ${parent.y + m.row / 2} H ${trunkX} V ${b.y + m.row / 2} H ${b.x + b.w}` });
    }
  }

  // Connections: each client endpoint to its peer, wherever each is drawn.
  for (const ep of snapshot.endpoints) {
    if (ep.kind !== 'client') continue;
    const peer = peerOf(snapshot.endpoints, ep);
    if (!peer) continue;
    for (const a of slots.filter((s) => s.endpointId === ep.id)) {
      for (const b of slots.filter((s) => s.endpointId === peer.id)) {
        const dx = (b.anchor.x - a.anchor.x) / 2;
        links.push({
          key: `conn-${a.key}-${b.key}`,
          kind: 'connection',
          role: a.role,
          d: `M ${a.anchor.x} ${a.anchor.y} C ${a.anchor.x + dx} ${a.anchor.y}, ${b.anchor.x - dx} ${b.anchor.y}, ${b.anchor.x} ${b.anchor.y}`,
        });
      }
    }
  }

  const height = Math.max(y.client, y.server) - m.gap + m.margin;
  return { width, height, font: f, compact, fits: height <= area.height && width <= area.width, boxes, slots, links };
}

/**
 * The largest layout that fits `area`: fonts from maxFont down to minFont, each tried with the
 * status lines and then compact. When none fits, the compact one at minFont (taller than the
 * area, or wider when even that is too wide: the caller scrolls rather than shrinks the text).
 */
export function layoutPresenterFigure(snapshot: ModelSnapshot, area: PresentArea, measure: MeasureText = estimateText): PresentLayout {
  const read = readSnapshot(snapshot);
  const minFont = Math.max(1, Math.floor(area.minFont));
  for (let f = Math.max(minFont, Math.floor(area.maxFont)); f >= minFont; f--) {
    for (const compact of [false, true]) {
      const l = tryLayout(snapshot, read, area, f, compact, measure);
      if (l && l.fits) return l;
    }
  }
  // Nothing fits: the compact layout at minFont, taller (or wider) than the area.
  return tryLayout(snapshot, read, area, minFont, true, measure, true)!;
}
