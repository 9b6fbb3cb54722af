// Which endpoint is where on the TCP state diagram at a step, and what it went through
// during the step. Pure: reads two snapshots (the step and the one before it).

import type { ModelEndpoint, ModelSnapshot } from '../../model/types.ts';
import { endpointOrdinals, endpointRole, isGone } from '../snapshotView.ts';
import { currentNode, EDGES, STATE_NODES, TCP_DIAGRAM, walkPath, type NodeId } from './tcpLayout.ts';

export interface Chip {
  /** The endpoint's id; for a group of chips, "group:NODE:KIND". */
  endpointId: string;
  kind: ModelEndpoint['kind'];
  label: string;
  role: string;
  node: NodeId;
  /** The endpoint changed state during this step. */
  moved: boolean;
  /** How many endpoints the chip stands for (1 unless grouped). */
  count: number;
}

/** More chips than this on one state and they are grouped by kind ("5 clients"), so the state stays visible. */
export const MAX_CHIPS_PER_STATE = 4;

const PLURAL: Record<ModelEndpoint['kind'], string> = { listener: 'listening sockets', 'server-conn': 'server conns', client: 'clients' };

/** Merge the chips of a crowded state into one chip per kind of endpoint. Pure; order is kept. */
export function groupChips(chips: readonly Chip[], max = MAX_CHIPS_PER_STATE): Chip[] {
  const byNode = new Map<NodeId, Chip[]>();
  for (const c of chips) byNode.set(c.node, [...(byNode.get(c.node) ?? []), c]);
  const out: Chip[] = [];
  const done = new Set<string>();
  for (const c of chips) {
    const here = byNode.get(c.node)!;
    if (here.length <= max) {
      out.push(c);
      continue;
    }
    const key = `group:${c.node}:${c.kind}`;
    if (done.has(key)) continue;
    done.add(key);
    const same = here.filter((x) => x.kind === c.kind);
    if (same.length === 1) {
      out.push(c);
      continue;
    }
    out.push({ ...c, endpointId: key, label: `${same.length} ${PLURAL[c.kind]}`, moved: same.some((x) => x.moved), count: same.length });
  }
  return out;
}

export interface TcpMarks {
  chips: Chip[];
  /** Nodes passed through (not ended in) during the step: modelled, too brief for the kernel to show. */
  passed: Map<NodeId, { role: string; label: string }[]>;
  /** Edges taken during the step, with the role of the endpoint that took them. */
  edges: Map<string, string>;
}

export function chipLabel(ep: ModelEndpoint, ordinal: number, countOfKind: number): string {
  const n = countOfKind > 1 ? ` #${ordinal}` : '';
  switch (ep.kind) {
    case 'listener':
      return `listening socket${n}`;
    case 'server-conn':
      return `server conn${n}`;
    case 'client':
      return `client${n}`;
  }
}

export function tcpMarks(snapshot: ModelSnapshot, before: ModelSnapshot | null): TcpMarks {
  const ordinals = endpointOrdinals(snapshot.endpoints);
  const counts = new Map<string, number>();
  for (const ep of snapshot.endpoints) if (!isGone(ep)) counts.set(ep.kind, (counts.get(ep.kind) ?? 0) + 1);
  const chips: Chip[] = [];
  const passed = new Map<NodeId, { role: string; label: string }[]>();
  const edges = new Map<string, string>();
  for (const ep of snapshot.endpoints) {
    const prior = before?.endpoints.find((e) => e.id === ep.id) ?? null;
    // A new connection is born of the listener: its first arrow leaves LISTEN.
    const born = prior === null && ep.kind === 'server-conn' && ep.path[0] === 'SYN_RECEIVED';
    const walk = walkPath(born ? 'LISTEN' : prior ? prior.state : null, born ? ['LISTEN', ...ep.path] : ep.path);
    const moved = walk.edges.length > 0 || (prior !== null && prior.state !== ep.state);
    if (isGone(ep) && !moved) continue;
    const ordinal = ordinals.get(ep.id) ?? 1;
    const role = endpointRole(snapshot, ep, ordinal);
    const label = chipLabel(ep, ordinal, counts.get(ep.kind) ?? 1);
    const connected = ep.kind !== 'listener' && (ep.remote !== null || prior?.remote != null);
    chips.push({ endpointId: ep.id, kind: ep.kind, label, role, node: currentNode(ep.state, connected), moved, count: 1 });
    for (const n of walk.passed) {
      const list = passed.get(n) ?? [];
      list.push({ role, label });
      passed.set(n, list);
    }
    for (const e of walk.edges) edges.set(e, role);
  }
  return { chips: groupChips(chips), passed, edges };
}

/** The part of the diagram this step is about (states entered or passed, edges taken), padded; null for all of it. */
export function focusBox(marks: TcpMarks): { x: number; y: number; w: number; h: number } | null {
  const nodes = new Set<NodeId>();
  for (const c of marks.chips) if (c.moved) nodes.add(c.node);
  for (const n of marks.passed.keys()) nodes.add(n);
  for (const id of marks.edges.keys()) {
    const e = EDGES.find((x) => x.id === id);
    if (e) {
      nodes.add(e.from);
      nodes.add(e.to);
    }
  }
  if (nodes.size === 0) for (const c of marks.chips) nodes.add(c.node);
  if (nodes.size === 0) return null;
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const n of STATE_NODES) {
    if (!nodes.has(n.id)) continue;
    x0 = Math.min(x0, n.cx - n.w / 2);
    x1 = Math.max(x1, n.cx + n.w / 2);
    y0 = Math.min(y0, n.cy - n.h / 2);
    y1 = Math.max(y1, n.cy + n.h / 2);
  }
  // Whole columns only, with room for the labels beside them; whole rows, with room for chips above.
  const x = x0 < 300 ? 0 : 220;
  const right = x1 > 540 ? TCP_DIAGRAM.width : 630;
  const y = Math.max(0, y0 - 62);
  const bottomEdge = Math.min(TCP_DIAGRAM.height, y1 + 50);
  const w = right - x;
  let h = bottomEdge - y;
  // Not much flatter than the panel (about 4:3), so a small focus does not blow up.
  h = Math.max(h, w * 0.6);
  return { x, y: Math.max(0, Math.min(y, TCP_DIAGRAM.height - h)), w, h };
}

export interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * Grow a focus box (diagram units) so that, shown in a viewport of vw×vh pixels, it is drawn at
 * no more than `maxScale` pixels per unit and has the viewport's shape; centred on the focus,
 * kept inside the diagram. Zoom in only as far as legibility needs.
 */
export function fitFocus(focus: Box, vw: number, vh: number, maxScale: number, diagram = TCP_DIAGRAM): Box {
  if (vw <= 0 || vh <= 0) return focus;
  const aspect = vw / vh;
  let w = Math.max(focus.w, vw / maxScale);
  let h = Math.max(focus.h, vh / maxScale);
  if (w / h < aspect) w = h * aspect;
  else h = w / aspect;
  const cx = focus.x + focus.w / 2;
  const cy = focus.y + focus.h / 2;
  let x = cx - w / 2;
  let y = cy - h / 2;
  // Keep inside the drawing where it can be; a box bigger than the drawing is centred on it.
  if (w >= diagram.width) x = (diagram.width - w) / 2;
  else x = Math.min(Math.max(0, x), diagram.width - w);
  if (h >= diagram.height) y = (diagram.height - h) / 2;
  else y = Math.min(Math.max(0, y), diagram.height - h);
  return { x, y, w, h };
}
