import { describe, expect, it } from 'vitest';
import { highlightC } from '../../src/web/panels/cHighlight.ts';
import { eventLine, formatArgs, windowRange } from '../../src/web/panels/eventText.ts';
import { kernelCallLine, processStatusShort, processStatusText } from '../../src/web/panels/processText.ts';
import { baseName, sourceMarks } from '../../src/web/panels/sourceMarks.ts';
import { roleColor, roleKind, roleOrder } from '../../src/web/roles.ts';
import { descriptorName, endpointLabel, endpointOrdinals, endpointRole } from '../../src/web/snapshotView.ts';
import { recordedConcurrent, stepAfter } from './web-recorded.ts';

const replay = recordedConcurrent();

describe('web panels: pure helpers', () => {
  it('names process states as the lesson does', () => {
    const pending = { fn: 'accept' as const, file: 'server.c', line: 55 };
    expect(processStatusText({ status: 'at-gate', pendingCall: pending })).toBe('stopped before accept()');
    expect(processStatusText({ status: 'blocked', pendingCall: pending })).toBe('blocked in accept()');
    expect(processStatusText({ status: 'running', pendingCall: null })).toBe('running');
    expect(processStatusText({ status: 'zombie', pendingCall: null })).toBe('zombie');
    expect(processStatusText({ status: 'exited', pendingCall: null })).toBe('exited');
    // The recorded parent waits for a connection in the lab's poll(), and the kernel says so.
    const snap = replay.atStep(stepAfter('parent-accept-blocks'));
    const waiting = snap.processes.find((p) => p.role === 'parent')!;
    expect(processStatusText(waiting)).toBe('in poll(), the lab’s pause before accept()');
    expect(processStatusShort(waiting)).toBe('poll() before accept()');
    expect(kernelCallLine(snap.kernel!.processes.find((p) => p.role === 'parent'))).toBe('kernel: in poll(2)');
    const atGate = replay.atStep(stepAfter('client-connect')).kernel!.processes.find((p) => p.role === 'parent');
    expect(kernelCallLine(atGate)).toBe('kernel: at the lab’s gate');
    const inRead = replay.atStep(stepAfter('child-read-blocks'));
    expect(processStatusText(inRead.processes.find((p) => p.role === 'child#1')!)).toBe('blocked in read()');
    expect(kernelCallLine(inRead.kernel!.processes.find((p) => p.role === 'child#1'))).toBe('kernel: in read(2)');
    expect(kernelCallLine({ state: 'S', place: 'kernel' } as never)).toBeNull(); // a 1.0 snapshot says nothing of its own
  });

  it('gives each role one colour, distinct among the roles of a lesson', () => {
    const roles = ['parent', 'child#1', 'child#2', 'client#1', 'client#2'];
    expect(new Set(roles.map(roleColor)).size).toBe(roles.length);
    expect(roleColor('child#1')).toBe(roleColor('child#1'));
    expect(roleKind('child#12')).toBe('child');
    expect(roleKind('kernel')).toBe('other');
    expect(['client#2', 'child#10', 'parent', 'child#2'].sort((a, b) => roleOrder(a) - roleOrder(b))).toEqual([
      'parent',
      'child#2',
      'child#10',
      'client#2',
    ]);
  });

  it('names endpoints and their colours from the snapshot', () => {
    const snap = replay.atStep(stepAfter('parent-fork'));
    const ord = endpointOrdinals(snap.endpoints);
    const listener = snap.endpoints.find((e) => e.kind === 'listener')!;
    const conn = snap.endpoints.find((e) => e.kind === 'server-conn')!;
    expect(descriptorName(listener.kind)).toBe('listenfd');
    expect(descriptorName(conn.kind)).toBe('connfd');
    expect(endpointLabel(conn, ord.get(conn.id)!)).toBe('connection #1 (server end)');
    expect(endpointRole(snap, listener, 1)).toBe('parent');
    expect(endpointRole(snap, conn, 1)).toBe('child#1');
    const queued = replay.atStep(stepAfter('client-connect')).endpoints.find((e) => e.kind === 'server-conn')!;
    expect(endpointRole(replay.atStep(stepAfter('client-connect')), queued, 1)).toBe('parent');
  });

  it('marks each process’s line in its own file', () => {
    const marks = sourceMarks(replay.atStep(stepAfter('parent-fork')), processStatusText);
    const byRole = Object.fromEntries(marks.map((m) => [m.role, `${m.file}:${m.line}`]));
    expect(byRole['parent']).toMatch(/^server\.c:\d+$/);
    expect(byRole['child#1']).toMatch(/^server\.c:\d+$/);
    expect(byRole['client#1']).toMatch(/^client\.c:\d+$/);
    expect(byRole['parent']).not.toBe(byRole['child#1']);
    expect(baseName('src/lab/server.c')).toBe('server.c');
  });

  it('writes one readable line per event', () => {
    const events = replay.trace.events;
    const lines = events.map(eventLine);
    expect(lines.some((l) => l.kind === 'call' && /^accept\(fd=3\)/.test(l.text))).toBe(true);
    expect(lines.some((l) => l.kind === 'return' && /^fork → \d+/.test(l.text))).toBe(true);
    expect(lines.some((l) => l.kind === 'kernel' && l.who === 'kernel')).toBe(true);
    expect(formatArgs({ domain: 'AF_INET', type: 'SOCK_STREAM', protocol: 0 })).toBe('domain=AF_INET, type=SOCK_STREAM, protocol=0');
    const packet = { kind: 'packet', seq: 9, t: 1, from: '127.0.0.1:40112', to: '127.0.0.1:9877', flags: ['SYN', 'ACK'], tcpSeq: 7, tcpAck: 42, len: 0, window: 65483 } as const;
    expect(eventLine({ ...packet, flags: [...packet.flags] })).toEqual({
      who: 'lo',
      kind: 'packet',
      text: '127.0.0.1:40112 → 127.0.0.1:9877 SYN+ACK seq 7 ack 42 len 0 win 65483',
    });
  });

  it('windows a long list to the rows in view', () => {
    expect(windowRange(0, 300, 30, 100_000, 5)).toEqual([0, 15]);
    expect(windowRange(30 * 50_000, 300, 30, 100_000, 5)).toEqual([49_995, 50_015]);
    expect(windowRange(30 * 100_000, 300, 30, 100_000, 5)).toEqual([99_995, 100_000]);
    expect(windowRange(0, 300, 30, 0)).toEqual([0, 0]);
  });

  it('highlights C without losing a character or a line', () => {
    const src = '/* a\n * b */\n#include "unp.h"\nint\nmain(void)\n{\n\tconnfd = Accept(listenfd, NULL, NULL); // take one\n\tprintf("x\\n");\n}\n';
    const lines = highlightC(src);
    expect(lines).toHaveLength(9);
    expect(lines.map((l) => l.map((t) => t.text).join('')).join('\n') + '\n').toBe(src);
    expect(lines[1]![0]!.kind).toBe('comment');
    expect(lines[2]![0]!.kind).toBe('pre');
    expect(lines[6]!.find((t) => t.text === 'Accept')?.kind).toBe('call');
    expect(lines[6]!.at(-1)?.kind).toBe('comment');
  });
});
