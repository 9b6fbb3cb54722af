// The concurrent server of Figures 4.13–4.17, stepped with the real lab: what the kernel shows
// after each step. One run serves every test here; they read its trace in schedule order.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { concurrent } from '../../src/scenarios/concurrent.ts';
import { openFds, readStat, type ProcStat } from '../../src/server/lab/procfs.ts';
import type { LabRun } from '../../src/server/lab/run.ts';
import type { KernelEvent, ReturnEvent } from '../../src/trace/types.ts';
import { allGone, clientSock, listener, Recorder, serverConn, startRun } from './helpers.ts';

let run: LabRun;
let rec: Recorder;
let port: number;
const fdsAtStart: Record<string, number[]> = {};
let childAtEnd: ProcStat | null = null;
let leftAfterStop: number[] = [];

beforeAll(async () => {
  ({ run, rec } = await startRun({ scenario: concurrent }));
  port = run.port;
  fdsAtStart.parent = openFds(rec.pidOf('parent'));
  while (!run.done) {
    await run.next();
    const last = rec.records.at(-1) as KernelEvent;
    if (last.label === 'client-start') fdsAtStart.client = openFds(rec.pidOf('client#1'));
  }
  childAtEnd = readStat(rec.pidOf('child#1'));
  await run.stop('completed');
  leftAfterStop = await allGone(rec.pids(), 0);
});

afterAll(async () => {
  await run?.stop();
});

describe('the lab processes', () => {
  it('start with only descriptors 0, 1 and 2', () => {
    expect(fdsAtStart.parent).toEqual([0, 1, 2]);
    expect(fdsAtStart.client).toEqual([0, 1, 2]);
  });

  it('stop at a gate before their first call', () => {
    const k = rec.kernel('start');
    expect(k.step).toBe(0);
    expect(k.processes).toEqual([expect.objectContaining({ role: 'parent', place: 'gate', blockedIn: 'socket', state: 'S' })]);
    expect(k.sockets).toEqual([]);
  });

  it('number the trace: seq 0, 1, 2 … and one kernel snapshot per step', () => {
    const events = rec.events;
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i));
    const kernels = events.filter((e): e is KernelEvent => e.kind === 'kernel');
    expect(kernels.map((k) => k.step)).toEqual([...Array(concurrent.schedule.length + 1).keys()]);
    expect(kernels.map((k) => k.label)).toEqual(['start', ...concurrent.schedule.map((s) => s.id)]);
    expect(rec.records[0]).toMatchObject({ kind: 'header', format: 'forkscope-trace', version: 1, clock: 'monotonic-ns' });
  });
});

describe('socket', () => {
  it('gives descriptor 3, a socket in no TCP table yet', () => {
    const k = rec.kernel('parent-socket');
    expect(k.sockets).toHaveLength(1);
    expect(k.sockets[0]).toMatchObject({ state: 'CLOSED' });
    expect(rec.holders(k.sockets[0])).toEqual(['parent/3']);
  });
});

describe('after listen', () => {
  it('has a LISTEN socket held by parent fd 3', () => {
    const k = rec.kernel('parent-listen');
    const l = listener(k, port);
    expect(l).toMatchObject({ state: 'LISTEN', local: `127.0.0.1:${port}` });
    expect(rec.holders(l)).toEqual(['parent/3']);
  });

  it('blocks the parent in accept, in the kernel', () => {
    const k = rec.kernel('parent-accept-blocks');
    expect(k.processes.find((p) => p.role === 'parent')).toMatchObject({ place: 'kernel', blockedIn: 'accept', state: 'S' });
  });
});

describe('Figure 4.14: after the client connects, before accept returns', () => {
  it('has an ESTABLISHED connection in the accept queue that no descriptor names', () => {
    const k = rec.kernel('client-connect');
    const conn = serverConn(k, port);
    expect(conn?.state).toBe('ESTABLISHED');
    expect(conn?.inode === 0 || conn?.holders.length === 0).toBe(true);
    expect(conn?.holders).toEqual([]);
  });

  it('keeps the listener with parent/3 and the client socket with client/3', () => {
    const k = rec.kernel('client-connect');
    expect(rec.holders(listener(k, port))).toEqual(['parent/3']);
    const c = clientSock(k, port);
    expect(c?.state).toBe('ESTABLISHED');
    expect(rec.holders(c)).toEqual(['client#1/3']);
  });

  it('has the parent woken and waiting at its gate before accept() takes the connection', () => {
    const k = rec.kernel('client-connect');
    expect(k.processes.find((p) => p.role === 'parent')).toMatchObject({ place: 'gate', blockedIn: 'accept' });
    expect(rec.events.some((e) => e.kind === 'ready' && e.fn === 'accept' && e.fd === 3)).toBe(true);
  });
});

describe('Figure 4.15: after accept returns', () => {
  it('returns descriptor 4 naming the connection, held by parent/4', () => {
    const ret = rec.events.find((e): e is ReturnEvent => e.kind === 'return' && e.fn === 'accept');
    expect(ret).toMatchObject({ ret: 4, errno: null, local: `127.0.0.1:${port}` });
    const k = rec.kernel('parent-accept-returns');
    const conn = serverConn(k, port);
    expect(conn?.state).toBe('ESTABLISHED');
    expect(conn?.inode).toBeGreaterThan(0);
    expect(rec.holders(conn)).toEqual(['parent/4']);
    expect(ret?.peer).toBe(clientSock(k, port)?.local);
  });
});

describe('Figure 4.16: after fork', () => {
  it('counts both descriptors of each socket: parent and child hold the same two', () => {
    const k = rec.kernel('parent-fork');
    const parent = rec.pidOf('parent');
    const child = rec.pidOf('child#1');
    expect(listener(k, port)?.holders).toEqual(expect.arrayContaining([{ pid: parent, fd: 3 }, { pid: child, fd: 3 }]));
    expect(listener(k, port)?.holders).toHaveLength(2);
    expect(serverConn(k, port)?.holders).toEqual(expect.arrayContaining([{ pid: parent, fd: 4 }, { pid: child, fd: 4 }]));
    expect(serverConn(k, port)?.holders).toHaveLength(2);
  });

  it('makes the child a child of the parent, named child#1 by its own fork return', () => {
    const k = rec.kernel('parent-fork');
    const parent = rec.pidOf('parent');
    expect(k.processes.find((p) => p.role === 'child#1')).toMatchObject({ ppid: parent, place: 'gate', blockedIn: 'close' });
    const childReturn = rec.events.find((e): e is ReturnEvent => e.kind === 'return' && e.fn === 'fork' && e.ret === 0);
    expect(childReturn).toMatchObject({ role: 'child#1', ppid: parent });
  });
});

describe('Figure 4.17: after the parent closes connfd and the child closes listenfd', () => {
  it('leaves the listener with parent/3 only and the connection with child/4 only', () => {
    const k = rec.kernel('child-close-listenfd');
    expect(rec.holders(listener(k, port))).toEqual(['parent/3']);
    expect(rec.holders(serverConn(k, port))).toEqual(['child#1/4']);
  });

  it('sends no FIN on the parent’s close: every end of the connection is still ESTABLISHED', () => {
    for (const label of ['parent-close-connfd', 'child-close-listenfd']) {
      const k = rec.kernel(label);
      expect(serverConn(k, port)?.state).toBe('ESTABLISHED');
      expect(clientSock(k, port)?.state).toBe('ESTABLISHED');
    }
  });
});

describe('the echo', () => {
  it('comes back with the case of each letter flipped', () => {
    const read = rec.events.find((e): e is ReturnEvent => e.kind === 'return' && e.fn === 'read' && e.role === 'client#1');
    expect(read).toMatchObject({ ret: 13, data: 'HELLO, WORLD\n' });
    expect(rec.events.find((e) => e.kind === 'output' && e.role === 'client#1')).toMatchObject({ stream: 'stdout', text: 'HELLO, WORLD\n' });
  });

  it('blocks the child in read until data comes, and again until the client closes', () => {
    expect(rec.kernel('child-read-blocks').processes.find((p) => p.role === 'child#1')).toMatchObject({ place: 'kernel', blockedIn: 'read' });
    expect(rec.kernel('child-read-again').processes.find((p) => p.role === 'child#1')).toMatchObject({ place: 'kernel', blockedIn: 'read' });
    const eof = rec.events.filter((e): e is ReturnEvent => e.kind === 'return' && e.fn === 'read' && e.role === 'child#1').at(-1);
    expect(eof).toMatchObject({ ret: 0, data: '' });
  });
});

describe('the close', () => {
  it('puts the client (which closed first) in FIN_WAIT_2 and the server side in CLOSE_WAIT', () => {
    const k = rec.kernel('client-close');
    expect(clientSock(k, port)).toMatchObject({ state: 'FIN_WAIT_2', inode: 0, holders: [] });
    expect(serverConn(k, port)?.state).toBe('CLOSE_WAIT');
    expect(rec.holders(serverConn(k, port))).toEqual(['child#1/4']);
  });

  it('ends with the client’s socket in TIME_WAIT and the server side gone after LAST_ACK', () => {
    const k = rec.kernel('client-exit');
    const c = clientSock(k, port);
    expect(c).toMatchObject({ state: 'TIME_WAIT', inode: 0, holders: [] });
    expect(c?.timer?.kind).toBe('timewait');
    expect(serverConn(k, port)).toBeUndefined();
    expect(rec.kernel('child-close-connfd').sockets.filter((s) => s.local.endsWith(`:${port}`) && s.state !== 'LISTEN')).toEqual([]);
  });
});

describe('after the child exits', () => {
  it('is a zombie (state Z) whose parent is the server, because the server never waits', () => {
    const k = rec.kernel('client-exit');
    const parent = rec.pidOf('parent');
    expect(k.processes.find((p) => p.role === 'child#1')).toMatchObject({ state: 'Z', place: 'zombie', ppid: parent });
    expect(childAtEnd).toMatchObject({ state: 'Z', ppid: parent });
    expect(rec.events.find((e) => e.kind === 'exit' && e.role === 'child#1')).toMatchObject({ status: 0, signal: null });
  });

  it('leaves the client gone once it exits (its parent reaps it)', () => {
    const k = rec.kernel('client-exit');
    expect(k.processes.map((p) => p.role)).toEqual(['parent', 'child#1']);
    expect(rec.events.find((e) => e.kind === 'exit' && e.role === 'client#1')).toMatchObject({ status: 0, signal: null });
  });
});

describe('after stop', () => {
  it('leaves no lab process, zombie or not', () => {
    expect(leftAfterStop).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
    expect(rec.events.find((e) => e.kind === 'exit' && e.role === 'parent')).toMatchObject({ status: null, signal: 'SIGKILL' });
  });
});
