// Pure layout of the TCP state transition diagram (RFC 9293 §3.3.2, drawn as in UNP Figure 2.4):
// the eleven states on a three-column grid, CLOSED drawn twice (top: start; bottom right: end),
// every arrow labelled with what is received and what is sent.

import { TRANSIENT_TCP_STATES, type TcpState } from '../../trace/types.ts';

export type NodeId = TcpState | 'CLOSED_END';

export interface StateNode {
  id: NodeId;
  state: TcpState;
  label: string;
  cx: number;
  cy: number;
  w: number;
  h: number;
}

export interface Edge {
  id: string;
  from: NodeId;
  to: NodeId;
  /** SVG path (ends at the target's border, where the arrowhead goes). */
  d: string;
  /** What causes the transition (rcv SYN, close …) and what it sends (snd ACK …); '' when nothing. */
  event: string;
  action: string;
  label: { x: number; y: number; anchor: 'start' | 'middle' | 'end' };
}

export const TCP_DIAGRAM = { width: 840, height: 880, boxW: 176, boxH: 52 } as const;

const L = 130;
const C = 420;
const R = 710;
const ROW = [50, 178, 316, 448, 578, 710, 836] as const;

function node(id: NodeId, label: string, cx: number, cy: number): StateNode {
  return { id, state: id === 'CLOSED_END' ? 'CLOSED' : id, label, cx, cy, w: TCP_DIAGRAM.boxW, h: TCP_DIAGRAM.boxH };
}

export const STATE_NODES: readonly StateNode[] = [
  node('CLOSED', 'CLOSED', C, ROW[0]),
  node('LISTEN', 'LISTEN', C, ROW[1]),
  node('SYN_RECEIVED', 'SYN_RCVD', L, ROW[2]),
  node('SYN_SENT', 'SYN_SENT', R, ROW[2]),
  node('ESTABLISHED', 'ESTABLISHED', C, ROW[3]),
  node('FIN_WAIT_1', 'FIN_WAIT_1', L, ROW[4]),
  node('CLOSE_WAIT', 'CLOSE_WAIT', R, ROW[4]),
  node('FIN_WAIT_2', 'FIN_WAIT_2', L, ROW[5]),
  node('CLOSING', 'CLOSING', C, ROW[5]),
  node('LAST_ACK', 'LAST_ACK', R, ROW[5]),
  node('TIME_WAIT', 'TIME_WAIT', C, ROW[6]),
  node('CLOSED_END', 'CLOSED', R, ROW[6]),
];

const hw = TCP_DIAGRAM.boxW / 2;
const hh = TCP_DIAGRAM.boxH / 2;
const top = (r: number) => r - hh;
const bottom = (r: number) => r + hh;

export const EDGES: readonly Edge[] = [
  {
    id: 'closed-listen',
    from: 'CLOSED',
    to: 'LISTEN',
    d: `M ${C - 40} ${bottom(ROW[0])} V ${top(ROW[1])}`,
    event: 'passive open',
    action: 'listen()',
    label: { x: C - 50, y: ROW[0] + 52, anchor: 'end' },
  },
  {
    id: 'listen-closed',
    from: 'LISTEN',
    to: 'CLOSED',
    d: `M ${C + 40} ${top(ROW[1])} V ${bottom(ROW[0])}`,
    event: 'close',
    action: '',
    label: { x: C + 50, y: ROW[0] + 60, anchor: 'start' },
  },
  {
    id: 'closed-synsent',
    from: 'CLOSED',
    to: 'SYN_SENT',
    d: `M ${C + hw} ${ROW[0]} H ${R + 40} V ${top(ROW[2])}`,
    event: 'active open: connect()',
    action: 'snd SYN',
    label: { x: R + 30, y: ROW[1] - 52, anchor: 'end' },
  },
  {
    id: 'listen-synrcvd',
    from: 'LISTEN',
    to: 'SYN_RECEIVED',
    d: `M ${C - hw} ${ROW[1]} H ${L} V ${top(ROW[2])}`,
    event: 'rcv SYN',
    action: 'snd SYN,ACK',
    label: { x: L + 12, y: ROW[1] + 34, anchor: 'start' },
  },
  {
    id: 'listen-synsent',
    from: 'LISTEN',
    to: 'SYN_SENT',
    d: `M ${C + hw} ${ROW[1]} H ${R - 30} V ${top(ROW[2])}`,
    event: 'send',
    action: 'snd SYN',
    label: { x: R - 40, y: ROW[1] + 34, anchor: 'end' },
  },
  {
    id: 'synsent-synrcvd',
    from: 'SYN_SENT',
    to: 'SYN_RECEIVED',
    d: `M ${R - hw} ${ROW[2]} H ${L + hw}`,
    event: 'rcv SYN (simultaneous open)',
    action: 'snd SYN,ACK',
    label: { x: C, y: ROW[2] - 26, anchor: 'middle' },
  },
  {
    id: 'synrcvd-established',
    from: 'SYN_RECEIVED',
    to: 'ESTABLISHED',
    d: `M ${L + 40} ${bottom(ROW[2])} V ${ROW[3]} H ${C - hw}`,
    event: 'rcv ACK of SYN',
    action: '',
    label: { x: L + 52, y: ROW[2] + 64, anchor: 'start' },
  },
  {
    id: 'synsent-established',
    from: 'SYN_SENT',
    to: 'ESTABLISHED',
    d: `M ${R - 40} ${bottom(ROW[2])} V ${ROW[3]} H ${C + hw}`,
    event: 'rcv SYN,ACK',
    action: 'snd ACK',
    label: { x: R - 52, y: ROW[2] + 64, anchor: 'end' },
  },
  {
    id: 'synrcvd-finwait1',
    from: 'SYN_RECEIVED',
    to: 'FIN_WAIT_1',
    d: `M ${L - 50} ${bottom(ROW[2])} V ${top(ROW[4])}`,
    event: 'close',
    action: 'snd FIN',
    label: { x: L - 58, y: ROW[3] + 10, anchor: 'start' },
  },
  {
    id: 'established-finwait1',
    from: 'ESTABLISHED',
    to: 'FIN_WAIT_1',
    d: `M ${C - 50} ${bottom(ROW[3])} V ${ROW[4] - 12} H ${L + hw}`,
    event: 'close (active)',
    action: 'snd FIN',
    label: { x: C - 60, y: ROW[3] + 56, anchor: 'end' },
  },
  {
    id: 'established-closewait',
    from: 'ESTABLISHED',
    to: 'CLOSE_WAIT',
    d: `M ${C + 50} ${bottom(ROW[3])} V ${ROW[4]} H ${R - hw}`,
    event: 'rcv FIN (passive)',
    action: 'snd ACK',
    label: { x: C + 60, y: ROW[3] + 56, anchor: 'start' },
  },
  {
    id: 'finwait1-finwait2',
    from: 'FIN_WAIT_1',
    to: 'FIN_WAIT_2',
    d: `M ${L - 40} ${bottom(ROW[4])} V ${top(ROW[5])}`,
    event: 'rcv ACK of FIN',
    action: '',
    label: { x: L - 30, y: ROW[4] + 62, anchor: 'start' },
  },
  {
    id: 'finwait1-closing',
    from: 'FIN_WAIT_1',
    to: 'CLOSING',
    d: `M ${L + hw} ${ROW[4] + 14} H ${C} V ${top(ROW[5])}`,
    event: 'rcv FIN',
    action: 'snd ACK',
    label: { x: C + 10, y: ROW[4] + 50, anchor: 'start' },
  },
  {
    id: 'finwait1-timewait',
    from: 'FIN_WAIT_1',
    to: 'TIME_WAIT',
    d: `M ${L + 60} ${bottom(ROW[4])} L ${C - hw + 10} ${top(ROW[6])}`,
    event: 'rcv FIN,ACK',
    action: 'snd ACK',
    label: { x: L + 118, y: ROW[5] + 34, anchor: 'start' },
  },
  {
    id: 'finwait2-timewait',
    from: 'FIN_WAIT_2',
    to: 'TIME_WAIT',
    d: `M ${L} ${bottom(ROW[5])} V ${ROW[6]} H ${C - hw}`,
    event: 'rcv FIN',
    action: 'snd ACK',
    label: { x: L - 40, y: ROW[6] + 6, anchor: 'start' },
  },
  {
    id: 'closing-timewait',
    from: 'CLOSING',
    to: 'TIME_WAIT',
    d: `M ${C} ${bottom(ROW[5])} V ${top(ROW[6])}`,
    event: 'rcv ACK of FIN',
    action: '',
    label: { x: C + 10, y: ROW[5] + 62, anchor: 'start' },
  },
  {
    id: 'closewait-lastack',
    from: 'CLOSE_WAIT',
    to: 'LAST_ACK',
    d: `M ${R} ${bottom(ROW[4])} V ${top(ROW[5])}`,
    event: 'close',
    action: 'snd FIN',
    label: { x: R + 10, y: ROW[4] + 52, anchor: 'start' },
  },
  {
    id: 'lastack-closed',
    from: 'LAST_ACK',
    to: 'CLOSED_END',
    d: `M ${R} ${bottom(ROW[5])} V ${top(ROW[6])}`,
    event: 'rcv ACK of FIN',
    action: '',
    label: { x: R + 10, y: ROW[5] + 62, anchor: 'start' },
  },
  {
    id: 'timewait-closed',
    from: 'TIME_WAIT',
    to: 'CLOSED_END',
    d: `M ${C + hw} ${ROW[6]} H ${R - hw}`,
    event: '2MSL timeout',
    action: '',
    label: { x: (C + R) / 2, y: ROW[6] - 12, anchor: 'middle' },
  },
];

/** The diagram node for `state` reached from `from` (CLOSED after a close is drawn at the bottom). */
export function nodeFor(state: TcpState, from: NodeId | null): NodeId {
  if (state !== 'CLOSED') return state;
  return from === 'LAST_ACK' || from === 'TIME_WAIT' || from === 'CLOSED_END' ? 'CLOSED_END' : 'CLOSED';
}

/** The node to mark an endpoint's current state on: bottom CLOSED once it has been connected. */
export function currentNode(state: TcpState, connected: boolean): NodeId {
  return state === 'CLOSED' && connected ? 'CLOSED_END' : state;
}

export function findEdge(from: NodeId, to: NodeId): Edge | undefined {
  return EDGES.find((e) => e.from === from && e.to === to);
}

/**
 * The nodes and edges an endpoint went through during a step, given its state before the step
 * (null if it did not exist) and the model's `path` (states passed through, ending with the current one).
 * `passed` excludes the final state; these are the states the kernel had no chance to show.
 */
export function walkPath(before: TcpState | null, path: readonly TcpState[]): { passed: NodeId[]; edges: string[] } {
  const passed: NodeId[] = [];
  const edges: string[] = [];
  let prev: NodeId | null = before === null ? null : currentNode(before, false);
  const seq = path.length > 0 && path[0] === before ? path.slice(1) : path;
  seq.forEach((state, i) => {
    const id = nodeFor(state, prev);
    if (prev !== null) {
      const e = findEdge(prev, id);
      if (e) edges.push(e.id);
    }
    if (i < seq.length - 1) passed.push(id);
    prev = id;
  });
  return { passed, edges };
}

export function isTransient(state: TcpState): boolean {
  return TRANSIENT_TCP_STATES.includes(state);
}
