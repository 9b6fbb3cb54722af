// The recorded trace of the concurrent server (public/traces/concurrent.jsonl, a real run of the
// C lab on loopback): the model must agree with every kernel snapshot in it, and show the facts
// of Figures 4.14–4.17. Its tests are skipped while the recording is not in the tree.

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createReplay, parseTrace, type ModelSnapshot, type Replay } from '../../src/model/index.ts';
import { concurrent } from '../../src/scenarios/concurrent.ts';

const file = fileURLToPath(new URL('../../public/traces/concurrent.jsonl', import.meta.url));
const present = existsSync(file);

describe.runIf(present)('recorded trace public/traces/concurrent.jsonl', () => {
  const parsed = present ? parseTrace(readFileSync(file, 'utf8')) : null;
  const replay = (): Replay => {
    if (!parsed?.ok) throw new Error(`the recorded trace does not parse: ${JSON.stringify(parsed && !parsed.ok ? parsed.errors : null)}`);
    return createReplay(parsed.trace);
  };
  /** The snapshot at the end of a schedule entry (step N carries out entry N − 1). */
  const at = (r: Replay, id: string): ModelSnapshot => {
    const s = concurrent.schedule.findIndex((e) => e.id === id) + 1;
    expect(s, id).toBeGreaterThan(0);
    const m = r.atStep(s);
    expect(m.label).toBe(id);
    return m;
  };
  const byRole = (m: ModelSnapshot, role: string) => m.processes.find((p) => p.role === role)!;
  const file4 = (m: ModelSnapshot, role: string, fd: number) => {
    const id = byRole(m, role).fds.find((f) => f.fd === fd)?.fileId;
    return m.openFiles.find((f) => f.id === id);
  };
  const ep = (m: ModelSnapshot, role: string, fd: number) => m.endpoints.find((e) => e.id === file4(m, role, fd)?.endpointId);

  it('parses, with one step per schedule entry plus the start', () => {
    expect(parsed?.ok ? [] : parsed?.errors).toEqual([]);
    expect(replay().stepCount).toBe(concurrent.schedule.length + 1);
  });

  it('gives zero disagreements with the kernel', () => {
    const r = replay();
    const all = Array.from({ length: r.stepCount }, (_, s) => r.atStep(s).disagreements.map((d) => ({ step: s, ...d }))).flat();
    expect(all).toEqual([]);
    expect(r.disagreementCount()).toBe(0);
    expect(r.atStep(r.stepCount - 1).notes ?? []).toEqual([]);
  });

  it('Figure 4.14: after connect, the connection waits in the accept queue with no descriptor', () => {
    const m = at(replay(), 'client-connect');
    const listener = ep(m, 'parent', 3)!;
    const queued = m.endpoints.find((e) => e.queuedOn === listener.id);
    expect(queued).toMatchObject({ state: 'ESTABLISHED', fileId: null, path: ['SYN_RECEIVED', 'ESTABLISHED'] });
    expect(ep(m, 'client#1', 3)?.path).toEqual(['CLOSED', 'SYN_SENT', 'ESTABLISHED']);
    expect(m.segments.map((s) => s.flags.join('+'))).toEqual(['SYN', 'SYN+ACK', 'ACK']);
  });

  it('Figure 4.15: accept returns connfd 4, count 1', () => {
    const m = at(replay(), 'parent-accept-returns');
    expect(file4(m, 'parent', 4)?.refCount).toBe(1);
    expect(m.kernel?.sockets.find((s) => s.holders.some((h) => h.fd === 4))?.holders).toHaveLength(1);
  });

  it('Figure 4.16: after fork, listenfd and connfd both have count 2 (model and kernel)', () => {
    const m = at(replay(), 'parent-fork');
    expect(file4(m, 'parent', 3)?.refCount).toBe(2);
    expect(file4(m, 'parent', 4)?.refCount).toBe(2);
    expect(file4(m, 'child#1', 3)).toBe(file4(m, 'parent', 3));
    expect(m.kernel?.sockets.filter((s) => s.holders.length === 2)).toHaveLength(2);
  });

  it('Figure 4.17: after the closes both counts are 1, and the client is still ESTABLISHED (no FIN)', () => {
    const r = replay();
    const m = at(r, 'child-close-listenfd');
    expect(file4(m, 'parent', 3)?.refCount).toBe(1);
    expect(file4(m, 'child#1', 4)?.refCount).toBe(1);
    expect(byRole(m, 'parent').fds.map((f) => f.fd)).toEqual([3]);
    expect(byRole(m, 'child#1').fds.map((f) => f.fd)).toEqual([4]);
    expect(ep(m, 'client#1', 3)?.state).toBe('ESTABLISHED');
    expect(m.segments.some((s) => s.flags.includes('FIN'))).toBe(false);
    expect(at(r, 'parent-close-connfd').segments.some((s) => s.flags.includes('FIN'))).toBe(false);
  });

  it('the client closes first: four-packet close, client in TIME_WAIT, child a zombie', () => {
    const r = replay();
    const closed = at(r, 'child-close-connfd');
    expect(closed.segments.filter((s) => s.step >= closed.step - 1).map((s) => s.flags.join('+'))).toEqual(['FIN+ACK', 'ACK', 'FIN+ACK', 'ACK']);
    const end = at(r, 'client-exit');
    expect(end.endpoints.find((e) => e.kind === 'client')?.state).toBe('TIME_WAIT');
    expect(byRole(end, 'child#1').status).toBe('zombie');
    expect(byRole(end, 'client#1').status).toBe('exited');
  });
});
