import { describe, expect, it } from 'vitest';
import { TCP_STATES } from '../../src/trace/types.ts';
import { EDGES, STATE_NODES, TCP_DIAGRAM, currentNode, findEdge, walkPath } from '../../src/web/panels/tcpLayout.ts';
import { fitFocus, focusBox, tcpMarks } from '../../src/web/panels/tcpMarks.ts';
import { recordedConcurrent, stepAfter } from './web-recorded.ts';

const replay = recordedConcurrent();
const marksAt = (id: string) => {
  const n = stepAfter(id);
  return tcpMarks(replay.atStep(n), replay.atStep(n - 1));
};

describe('web TCP state diagram', () => {
  it('draws all eleven RFC 9293 states, every arrow between drawn states, every arrow labelled', () => {
    const states = new Set(STATE_NODES.map((n) => n.state));
    expect([...states].sort()).toEqual([...TCP_STATES].sort());
    const ids = new Set(STATE_NODES.map((n) => n.id));
    for (const e of EDGES) {
      expect(ids.has(e.from) && ids.has(e.to), e.id).toBe(true);
      expect(e.event.length, e.id).toBeGreaterThan(0);
    }
    for (const n of STATE_NODES) {
      expect(n.cx - n.w / 2).toBeGreaterThanOrEqual(0);
      expect(n.cx + n.w / 2).toBeLessThanOrEqual(TCP_DIAGRAM.width);
    }
    expect(findEdge('LISTEN', 'SYN_RECEIVED')?.action).toBe('snd SYN,ACK');
    expect(findEdge('ESTABLISHED', 'CLOSE_WAIT')?.event).toMatch(/rcv FIN/);
  });

  it('walks a step’s path through the arrows it took', () => {
    expect(walkPath('CLOSED', ['CLOSED', 'SYN_SENT', 'ESTABLISHED'])).toEqual({
      passed: ['SYN_SENT'],
      edges: ['closed-synsent', 'synsent-established'],
    });
    expect(walkPath('CLOSE_WAIT', ['CLOSE_WAIT', 'LAST_ACK', 'CLOSED'])).toEqual({
      passed: ['LAST_ACK'],
      edges: ['closewait-lastack', 'lastack-closed'],
    });
    expect(walkPath('LISTEN', ['LISTEN'])).toEqual({ passed: [], edges: [] });
    expect(currentNode('CLOSED', true)).toBe('CLOSED_END');
    expect(currentNode('CLOSED', false)).toBe('CLOSED');
  });

  it('marks the handshake: SYN_SENT and SYN_RECEIVED passed (modelled), both ends ESTABLISHED', () => {
    const m = marksAt('client-connect');
    expect([...m.passed.keys()].sort()).toEqual(['SYN_RECEIVED', 'SYN_SENT']);
    expect(m.chips.filter((c) => c.node === 'ESTABLISHED').map((c) => c.label).sort()).toEqual(['client', 'server conn']);
    expect(m.chips.find((c) => c.label === 'listening socket')?.node).toBe('LISTEN');
    expect([...m.edges.keys()].sort()).toEqual(['closed-synsent', 'listen-synrcvd', 'synrcvd-established', 'synsent-established']);
  });

  it('marks the four-packet close and who gets TIME_WAIT', () => {
    const close = marksAt('client-close');
    expect(close.passed.has('FIN_WAIT_1')).toBe(true);
    expect(close.chips.find((c) => c.label === 'client')?.node).toBe('FIN_WAIT_2');
    expect(close.chips.find((c) => c.label === 'server conn')?.node).toBe('CLOSE_WAIT');
    const last = marksAt('child-close-connfd');
    expect(last.passed.has('LAST_ACK')).toBe(true);
    expect(last.chips.find((c) => c.label === 'client')?.node).toBe('TIME_WAIT');
    expect(last.chips.find((c) => c.label === 'server conn')?.node).toBe('CLOSED_END');
    // A step later the server's end is gone and has no chip.
    expect(marksAt('child-exit').chips.map((c) => c.label).sort()).toEqual(['client', 'listening socket']);
  });

  it('zooms to the step without leaving the drawing, and only as far as legibility needs', () => {
    const focus = focusBox(marksAt('client-connect'))!;
    expect(focus.x).toBeGreaterThanOrEqual(0);
    expect(focus.x + focus.w).toBeLessThanOrEqual(TCP_DIAGRAM.width);
    const fitted = fitFocus(focus, 400, 300, 0.8);
    expect(fitted.w / fitted.h).toBeCloseTo(400 / 300, 5);
    expect(fitted.w).toBeGreaterThanOrEqual(focus.w);
    expect(fitted.h).toBeGreaterThanOrEqual(focus.h);
    // A huge viewport gets the whole diagram (no zoom past maxScale).
    const big = fitFocus({ x: 300, y: 100, w: 200, h: 150 }, 1600, 1200, 0.8);
    expect(big.w).toBeGreaterThanOrEqual(2000 - 1e-9);
    expect(fitFocus(focus, 0, 0, 0.8)).toEqual(focus);
  });
});
