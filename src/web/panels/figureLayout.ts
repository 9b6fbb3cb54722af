// Pure layout of the figure panel, in the manner of UNP Figures 4.14–4.17: clients on the
// left, the server parent on the right with its children below it; each process's sockets as
// slots on the edge that faces the network; connections as lines between slots; a connection
// still in the accept queue drawn beside the listening socket, held by no descriptor.
// Units are SVG user units; the panel scales the whole drawing to fit.

import type { EndpointKind, ModelEndpoint, ModelSnapshot, ProcessStatus } from '../../model/types.ts';
import type { TcpState } from '../../trace/types.ts';
import { roleOrder } from '../roles.ts';
import { descriptorName, endpointOrdinals, endpointRole, isGone, peerOf, timeWaitTimer } from '../snapshotView.ts';
import { processStatusShort, processStatusText } from './processText.ts';

export interface Point {
  x: number;
  y: number;
}

export interface FigureBox {
  key: string;
  pid: number;
  role: string;
  side: 'client' | 'server';
  status: ProcessStatus;
  statusText: string;
  /** The status as drawn: one line, or two when one would overflow the box (fitStatus). */
  statusLines: string[];
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface FigureSlot {
  key: string;
  pid: number;
  fd: number;
  role: string;
  endpointId: string;
  kind: EndpointKind;
  state: TcpState;
  /** listenfd / connfd / sockfd */
  name: string;
  side: 'client' | 'server';
  x: number;
  y: number;
  w: number;
  h: number;
  /** Where connection lines attach (the slot's outer edge). */
  anchor: Point;
}

/** An endpoint held by no descriptor: in an accept queue, or closing/TIME_WAIT with its last close done. */
export interface FigureLoose {
  key: string;
  endpointId: string;
  kind: EndpointKind;
  state: TcpState;
  role: string;
  caption: string;
  /** TIME_WAIT's remaining 2MSL as the kernel reports it ("59.9 s left"), or null. */
  timer: string | null;
  side: 'client' | 'server';
  x: number;
  y: number;
  w: number;
  h: number;
  anchor: Point;
}

export interface FigureLink {
  key: string;
  kind: 'connection' | 'queue' | 'fork';
  d: string;
  role: string;
  /** Where to put a label, if any. */
  labelAt?: Point;
  label?: string;
}

export interface FigureLayout {
  width: number;
  height: number;
  boxes: FigureBox[];
  slots: FigureSlot[];
  loose: FigureLoose[];
  links: FigureLink[];
}

export const FIG = {
  width: 746,
  minHeight: 420,
  margin: 16,
  clientX: 16,
  clientW: 258,
  serverX: 436,
  serverW: 270,
  headerH: 70,
  slotH: 54,
  slotGap: 8,
  slotW: 214,
  slotOut: 16,
  pad: 10,
  boxGap: 30,
  looseW: 200,
  looseH: 54,
  /** Room below a loose socket for its kernel timer. */
  timerH: 28,
  /** The status line's font size (.fig-status) and its inset from the box's sides. */
  statusFont: 20,
  statusInset: 14,
  /** A second status line adds this much to the box's header. */
  statusLineH: 24,
} as const;

/** Estimated width of `text` at `fontSize` units in the figure's sans font (0.6 em a character: generous for the italic). */
export function textWidth(text: string, fontSize: number): number {
  return text.length * 0.6 * fontSize;
}

/** The widest a status line may be in a box `boxW` wide. */
export const statusRoom = (boxW: number) => boxW - 2 * FIG.statusInset;

/**
 * A process's status as one or two lines that fit a box `boxW` wide: the full text if it fits,
 * else the short one, else the short one wrapped at spaces (the second line cut with … if it
 * still overflows). Pure.
 */
export function fitStatus(full: string, short: string, boxW: number): string[] {
  const room = statusRoom(boxW);
  const fits = (t: string) => textWidth(t, FIG.statusFont) <= room;
  if (fits(full)) return [full];
  if (fits(short)) return [short];
  const words = short.split(' ');
  let first = '';
  let i = 0;
  while (i < words.length && fits(first ? `${first} ${words[i]}` : words[i]!)) first = first ? `${first} ${words[i++]}` : words[i++]!;
  if (!first) first = words[i++]!;
  let second = words.slice(i).join(' ');
  if (!fits(second)) {
    const max = Math.floor(room / (0.6 * FIG.statusFont));
    second = `${second.slice(0, Math.max(1, max - 1)).trimEnd()}…`;
  }
  return second ? [first, second] : [first];
}

function curve(a: Point, b: Point): string {
  const dx = (b.x - a.x) / 2;
  return `M ${a.x} ${a.y} C ${a.x + dx} ${a.y}, ${b.x - dx} ${b.y}, ${b.x} ${b.y}`;
}

function boxHeight(slotCount: number, headerH: number = FIG.headerH): number {
  return headerH + slotCount * (FIG.slotH + FIG.slotGap) + (slotCount > 0 ? FIG.pad - FIG.slotGap : 0) + FIG.pad;
}

export function layoutFigure(snapshot: ModelSnapshot): FigureLayout {
  const ordinals = endpointOrdinals(snapshot.endpoints);
  const epById = new Map(snapshot.endpoints.map((e) => [e.id, e]));
  const fileById = new Map(snapshot.openFiles.map((f) => [f.id, f]));

  const procs = [...snapshot.processes].sort((a, b) => roleOrder(a.role) - roleOrder(b.role) || a.pid - b.pid);
  const boxes: FigureBox[] = [];
  const slots: FigureSlot[] = [];
  const loose: FigureLoose[] = [];
  const links: FigureLink[] = [];

  let clientY = FIG.margin;
  let serverY = FIG.margin;
  for (const p of procs) {
    const side: 'client' | 'server' = p.program === 'client' ? 'client' : 'server';
    const held = p.fds
      .map(({ fd, fileId }) => {
        const file = fileById.get(fileId);
        const ep = file ? epById.get(file.endpointId) : undefined;
        return ep ? { fd, ep } : null;
      })
      .filter((s): s is { fd: number; ep: ModelEndpoint } => s !== null);
    const x = side === 'client' ? FIG.clientX : FIG.serverX;
    const w = side === 'client' ? FIG.clientW : FIG.serverW;
    const full = p.interrupted?.length || p.pendingCall?.waitsIn ? processStatusShort(p) : processStatusText(p);
    const statusLines = fitStatus(full, processStatusShort(p), w);
    const headerH = FIG.headerH + (statusLines.length - 1) * FIG.statusLineH;
    const h = boxHeight(held.length, headerH);
    const y = side === 'client' ? clientY : serverY;
    if (side === 'client') clientY += h + FIG.boxGap;
    else serverY += h + FIG.boxGap;
    boxes.push({ key: `p${p.pid}`, pid: p.pid, role: p.role, side, status: p.status, statusText: full, statusLines, x, y, w, h });

    held.forEach(({ fd, ep }, i) => {
      const sy = y + headerH + i * (FIG.slotH + FIG.slotGap);
      const sx = side === 'client' ? x + w + FIG.slotOut - FIG.slotW : x - FIG.slotOut;
      slots.push({
        key: `p${p.pid}fd${fd}`,
        pid: p.pid,
        fd,
        role: p.role,
        endpointId: ep.id,
        kind: ep.kind,
        state: ep.state,
        name: descriptorName(ep.kind),
        side,
        x: sx,
        y: sy,
        w: FIG.slotW,
        h: FIG.slotH,
        anchor: { x: side === 'client' ? sx + FIG.slotW : sx, y: sy + FIG.slotH / 2 },
      });
    });
  }

  // Fork lines: from the parent's right side down to each child's right side.
  const parentBox = boxes.find((b) => b.role === 'parent');
  if (parentBox) {
    const trunkX = parentBox.x + parentBox.w + 20;
    for (const b of boxes) {
      if (b.side !== 'server' || b === parentBox) continue;
      const proc = snapshot.processes.find((p) => p.pid === b.pid);
      if (!proc || proc.ppid !== parentBox.pid) continue;
      const from = { x: parentBox.x + parentBox.w, y: parentBox.y + 40 };
      const to = { x: b.x + b.w, y: b.y + 40 };
      links.push({
        key: `fork${b.pid}`,
        kind: 'fork',
        role: b.role,
        d: `M ${from.x} ${from.y} H ${trunkX} V ${to.y} H ${to.x}`,
      });
    }
  }

  // Endpoints no descriptor names.
  let looseClientY = clientY;
  let looseServerY = serverY;
  for (const ep of snapshot.endpoints) {
    if (ep.fileId !== null && fileById.has(ep.fileId)) continue;
    if (isGone(ep)) continue;
    const ordinal = ordinals.get(ep.id) ?? 1;
    const role = endpointRole(snapshot, ep, ordinal);
    const side: 'client' | 'server' = ep.kind === 'client' ? 'client' : 'server';
    const timer = timeWaitTimer(snapshot, ep);
    const below = timer ? FIG.timerH : 0;
    let x: number;
    let y: number;
    let caption: string;
    const listenerSlot = ep.queuedOn ? slots.find((s) => s.endpointId === ep.queuedOn) : undefined;
    if (ep.queuedOn && listenerSlot) {
      // Below the server's processes, where accept() will hand it to one; a bracket joins it to the listener.
      x = FIG.serverX - FIG.slotOut;
      y = looseServerY + 24;
      looseServerY += FIG.looseH + 24 + FIG.boxGap;
      caption = 'in the accept queue';
      const bx = x - 26;
      links.push({
        key: `queue${ep.id}`,
        kind: 'queue',
        role: 'parent',
        d: `M ${x} ${y + FIG.looseH / 2 + 14} H ${bx} V ${listenerSlot.anchor.y} H ${listenerSlot.x}`,
      });
    } else if (side === 'client') {
      x = FIG.clientX + FIG.clientW + FIG.slotOut - FIG.looseW;
      y = looseClientY;
      y += 24;
      looseClientY += FIG.looseH + 24 + below + FIG.boxGap;
      caption = 'held by no descriptor';
    } else {
      x = FIG.serverX - FIG.slotOut;
      y = looseServerY;
      y += 24;
      looseServerY += FIG.looseH + 24 + below + FIG.boxGap;
      caption = ep.queuedOn ? 'in the accept queue' : 'held by no descriptor';
    }
    loose.push({
      key: `ep${ep.id}`,
      endpointId: ep.id,
      kind: ep.kind,
      state: ep.state,
      role,
      caption,
      timer,
      side,
      x,
      y,
      w: FIG.looseW,
      h: FIG.looseH,
      anchor: { x: side === 'client' ? x + FIG.looseW : x, y: y + FIG.looseH / 2 },
    });
  }

  // Connections: every anchor of a client endpoint to every anchor of its peer, keyed by both ends.
  const anchorsOf = (id: string): { key: string; at: Point }[] => [
    ...slots.filter((s) => s.endpointId === id).map((s) => ({ key: s.key, at: s.anchor })),
    ...loose.filter((l) => l.endpointId === id).map((l) => ({ key: l.key, at: l.anchor })),
  ];
  let labelled = false;
  for (const ep of snapshot.endpoints) {
    if (ep.kind !== 'client') continue;
    const peer = peerOf(snapshot.endpoints, ep);
    if (!peer) continue;
    const role = endpointRole(snapshot, ep, ordinals.get(ep.id) ?? 1);
    for (const a of anchorsOf(ep.id)) {
      for (const b of anchorsOf(peer.id)) {
        const link: FigureLink = { key: `conn-${a.key}-${b.key}`, kind: 'connection', role, d: curve(a.at, b.at) };
        if (!labelled) {
          link.label = 'connection';
          link.labelAt = { x: a.at.x + 8, y: a.at.y - 12 };
          labelled = true;
        }
        links.push(link);
      }
    }
  }

  const bottom = Math.max(clientY, serverY, looseClientY, looseServerY, ...loose.map((l) => l.y + l.h + (l.timer ? FIG.timerH : 0) + FIG.margin));
  return { width: FIG.width, height: Math.max(FIG.minHeight, bottom), boxes, slots, loose, links };
}

/** Below this scale a figure's smallest labels (20 units) are too small to read: the panel scrolls instead. */
export const MIN_FIGURE_SCALE = 0.62;

/**
 * Pixels per unit for a figure in a panel of panelW×panelH pixels: fit it whole when that keeps
 * the labels readable; otherwise no smaller than `min` (the panel scrolls), never wider than the panel.
 */
export function figureScale(panelW: number, panelH: number, width: number, height: number, min = MIN_FIGURE_SCALE): number {
  if (panelW <= 0 || panelH <= 0) return min;
  const fit = Math.min(panelW / width, panelH / height);
  return Math.min(panelW / width, Math.max(fit, min));
}
