import { describe, expect, it } from 'vitest';
import { layoutFigure, type FigureBox } from '../../src/web/panels/figureLayout.ts';
import { recordedConcurrent, stepAfter } from './web-recorded.ts';

const replay = recordedConcurrent();
const at = (id: string) => layoutFigure(replay.atStep(stepAfter(id)));

function overlaps(a: { x: number; y: number; w: number; h: number }, b: { x: number; y: number; w: number; h: number }) {
  return a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;
}

describe('web figure layout, as in Figures 4.14–4.17', () => {
  it('Figure 4.14: the connection waits in the accept queue, held by no descriptor', () => {
    const f = at('client-connect');
    const client = f.boxes.find((b) => b.role === 'client#1')!;
    const parent = f.boxes.find((b) => b.role === 'parent')!;
    expect(client.x + client.w).toBeLessThan(parent.x);
    expect(f.loose).toHaveLength(1);
    expect(f.loose[0]).toMatchObject({ kind: 'server-conn', state: 'ESTABLISHED', caption: 'in the accept queue' });
    expect(f.links.filter((l) => l.kind === 'queue')).toHaveLength(1);
    expect(f.links.filter((l) => l.kind === 'connection')).toHaveLength(1);
    expect(f.slots.map((s) => `${s.role}:${s.fd}:${s.name}`).sort()).toEqual(['client#1:3:sockfd', 'parent:3:listenfd']);
  });

  it('Figure 4.15: accept returned connfd to the parent', () => {
    const f = at('parent-accept-returns');
    expect(f.loose).toHaveLength(0);
    expect(f.slots.filter((s) => s.role === 'parent').map((s) => s.name)).toEqual(['listenfd', 'connfd']);
    expect(f.links.filter((l) => l.kind === 'connection')).toHaveLength(1);
  });

  it('Figure 4.16: the child below the parent, both holding both sockets; the connection reaches both', () => {
    const f = at('parent-fork');
    const parent = f.boxes.find((b) => b.role === 'parent')!;
    const child = f.boxes.find((b) => b.role === 'child#1')!;
    expect(child.y).toBeGreaterThanOrEqual(parent.y + parent.h);
    expect(child.x).toBe(parent.x);
    expect(f.slots.filter((s) => s.role === 'child#1').map((s) => s.name)).toEqual(['listenfd', 'connfd']);
    expect(f.links.filter((l) => l.kind === 'connection')).toHaveLength(2);
    expect(f.links.filter((l) => l.kind === 'fork')).toHaveLength(1);
  });

  it('Figure 4.17: the parent keeps listenfd, the child connfd', () => {
    const f = at('child-close-listenfd');
    expect(f.slots.filter((s) => s.role === 'parent').map((s) => s.name)).toEqual(['listenfd']);
    expect(f.slots.filter((s) => s.role === 'child#1').map((s) => s.name)).toEqual(['connfd']);
    const conns = f.links.filter((l) => l.kind === 'connection');
    expect(conns).toHaveLength(1);
    expect(conns[0]!.key).toContain(`p${f.boxes.find((b) => b.role === 'child#1')!.pid}fd4`);
  });

  it('at the end the client is gone but its TIME_WAIT socket is drawn, held by no descriptor', () => {
    const f = layoutFigure(replay.atStep(replay.stepCount - 1));
    expect(f.loose.map((l) => `${l.kind}:${l.state}:${l.caption}`)).toEqual(['client:TIME_WAIT:held by no descriptor']);
    expect(f.boxes.find((b) => b.role === 'child#1')?.status).toBe('zombie');
  });

  it('keeps keys stable and boxes apart at every step', () => {
    for (let n = 0; n < replay.stepCount; n++) {
      const f = layoutFigure(replay.atStep(n));
      const keys = [...f.boxes, ...f.slots, ...f.loose, ...f.links].map((e) => e.key);
      expect(new Set(keys).size, `step ${n}`).toBe(keys.length);
      const boxes: FigureBox[] = f.boxes;
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) expect(overlaps(boxes[i]!, boxes[j]!), `step ${n}`).toBe(false);
      for (const l of f.loose) for (const b of boxes) expect(overlaps(l, b), `step ${n}`).toBe(false);
      for (const e of [...f.boxes, ...f.loose]) expect(e.y + e.h).toBeLessThanOrEqual(f.height);
    }
  });
});
