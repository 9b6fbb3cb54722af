import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createReplay, parseTrace, type Replay } from '../../src/model/index.ts';
import { questionKeyAction } from '../../src/web/lesson/useQuestionKeys.ts';
import { eventLine } from '../../src/web/panels/eventText.ts';
import { layoutFigure } from '../../src/web/panels/figureLayout.ts';
import { processStatusShort } from '../../src/web/panels/processText.ts';
import { groupChips, MAX_CHIPS_PER_STATE, tcpMarks, type Chip } from '../../src/web/panels/tcpMarks.ts';
import { roleColor, roleKind } from '../../src/web/roles.ts';
import { kernelSocketOf, remainingText, timeWaitTimer } from '../../src/web/snapshotView.ts';

function recorded(id: string): Replay {
  const parsed = parseTrace(readFileSync(fileURLToPath(new URL(`../../public/traces/${id}.jsonl`, import.meta.url)), 'utf8'));
  if (!parsed.ok) throw new Error(`${id} does not parse`);
  return createReplay(parsed.trace);
}
const stepOf = (replay: Replay, label: string) => {
  for (let n = 0; n < replay.stepCount; n++) if (replay.atStep(n).label === label) return n;
  throw new Error(label);
};
const none = { alt: false, ctrl: false, meta: false };

describe('web questions: keys while a question is open', () => {
  it('chooses with 1–4 (only as many as there are choices) and skips with S', () => {
    const body = { tagName: 'BODY' };
    expect(questionKeyAction('1', 3, body, none)).toEqual({ choose: 0 });
    expect(questionKeyAction('3', 3, body, none)).toEqual({ choose: 2 });
    expect(questionKeyAction('4', 3, body, none)).toBeNull();
    expect(questionKeyAction('0', 3, body, none)).toBeNull();
    expect(questionKeyAction('s', 3, body, none)).toBe('skip');
    expect(questionKeyAction('S', 3, body, none)).toBe('skip');
    expect(questionKeyAction('ArrowRight', 3, body, none)).toBeNull();
  });

  it('leaves modified keys and typing alone', () => {
    expect(questionKeyAction('1', 3, { tagName: 'BODY' }, { ...none, ctrl: true })).toBeNull();
    expect(questionKeyAction('1', 3, { tagName: 'INPUT' }, none)).toBeNull();
    expect(questionKeyAction('s', 3, { tagName: 'DIV', isContentEditable: true }, none)).toBeNull();
    expect(questionKeyAction('2', 3, null, none)).toEqual({ choose: 1 });
  });
});

describe('web kernel timers: what the kernel reports is left of 2MSL', () => {
  it('cuts, never rounds up, to tenths of a second', () => {
    expect(remainingText(59988)).toBe('59.9 s left');
    expect(remainingText(60000)).toBe('60.0 s left');
    expect(remainingText(49)).toBe('0.0 s left');
    expect(remainingText(-5)).toBe('0.0 s left');
  });

  it('finds the TIME_WAIT socket’s timer in the snapshot that ends a step', () => {
    const replay = recorded('concurrent');
    const last = replay.atStep(replay.stepCount - 1);
    const tw = last.endpoints.find((e) => e.state === 'TIME_WAIT')!;
    const sock = kernelSocketOf(last, tw)!;
    expect(sock.state).toBe('TIME_WAIT');
    expect(sock.timer?.kind).toBe('timewait');
    expect(timeWaitTimer(last, tw)).toBe(remainingText(sock.timer!.remainingMs));
    // The listener has no such timer.
    expect(timeWaitTimer(last, last.endpoints.find((e) => e.kind === 'listener')!)).toBeNull();
    // The figure prints it under the socket no descriptor names.
    expect(layoutFigure(last).loose.map((l) => l.timer)).toEqual([timeWaitTimer(last, tw)]);
  });

  it('shows an orphaned FIN_WAIT_2’s timeout too, and nothing for CLOSE_WAIT', () => {
    const replay = recorded('never-close');
    const end = replay.atStep(replay.stepCount - 1);
    const fin = end.endpoints.find((e) => e.state === 'FIN_WAIT_2')!;
    const cw = end.endpoints.find((e) => e.state === 'CLOSE_WAIT')!;
    expect(timeWaitTimer(end, fin)).toMatch(/^\d+\.\d s left$/);
    expect(timeWaitTimer(end, cw)).toBeNull();
  });
});

describe('web panels for the course', () => {
  it('groups a crowded state’s chips by kind, and leaves others alone', () => {
    const chip = (id: string, kind: Chip['kind'], node: Chip['node'], moved = false): Chip => ({
      endpointId: id,
      kind,
      label: id,
      role: kind === 'client' ? 'client#1' : 'child#1',
      node,
      moved,
      count: 1,
    });
    const few = [chip('a', 'client', 'ESTABLISHED'), chip('b', 'server-conn', 'ESTABLISHED')];
    expect(groupChips(few)).toEqual(few);
    const many = [
      ...[1, 2, 3].map((n) => chip(`c${n}`, 'client', 'ESTABLISHED', n === 2)),
      ...[1, 2, 3].map((n) => chip(`s${n}`, 'server-conn', 'ESTABLISHED')),
      chip('l', 'listener', 'LISTEN'),
    ];
    const grouped = groupChips(many);
    expect(grouped.map((c) => `${c.label}:${c.count}:${c.moved}`)).toEqual(['3 clients:3:true', '3 server conns:3:false', 'l:1:false']);
    expect(new Set(grouped.map((c) => c.endpointId)).size).toBe(grouped.length);
  });

  it('keeps the TCP diagram readable with five clients', () => {
    const replay = recorded('many-clients');
    const n = stepOf(replay, 'parent-accept-again-5');
    const marks = tcpMarks(replay.atStep(n), replay.atStep(n - 1));
    const perNode = new Map<string, number>();
    for (const c of marks.chips) perNode.set(c.node, (perNode.get(c.node) ?? 0) + 1);
    expect(Math.max(...perNode.values())).toBeLessThanOrEqual(MAX_CHIPS_PER_STATE);
    expect(marks.chips.map((c) => c.label)).toEqual(expect.arrayContaining(['5 clients', '5 server conns']));
  });

  it('lays out eleven processes without overlap', () => {
    const replay = recorded('many-clients');
    const f = layoutFigure(replay.atStep(stepOf(replay, 'parent-accept-again-5')));
    expect(f.boxes).toHaveLength(11);
    for (const a of f.boxes)
      for (const b of f.boxes) if (a !== b) expect(a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y).toBe(true);
    expect(f.height).toBeGreaterThan(f.width);
  });

  it('writes process states short enough for one line of the table', () => {
    const pending = { fn: 'accept' as const, file: 'server.c', line: 55 };
    expect(processStatusShort({ status: 'at-gate', pendingCall: pending })).toBe('before accept()');
    expect(processStatusShort({ status: 'blocked', pendingCall: pending })).toBe('blocked in accept()');
    expect(processStatusShort({ status: 'zombie', pendingCall: null })).toBe('zombie');
  });

  it('treats a restarted server as a parent, and tells the runner’s signals', () => {
    expect(roleKind('parent#2')).toBe('parent');
    expect(roleColor('parent#2')).not.toBe(roleColor('parent'));
    const replay = recorded('child-keeps-listenfd');
    const signal = replay.trace.events.find((e) => e.kind === 'signal')!;
    expect(eventLine(signal).text).toMatch(/SIGTERM/);
  });
});
