// The system model: processes, descriptor tables, the open-file table with reference counts,
// and the segments the endpoints exchange — fed with synthetic traces shaped like the lab's.

import { describe, expect, it } from 'vitest';
import { createReplay } from '../../src/model/index.ts';
import { TIME_WAIT_NS, applyTraceEvent, initialContext } from '../../src/model/apply.ts';
import { Draft } from '../../src/model/draft.ts';
import { flush, send } from '../../src/model/network.ts';
import type { ModelSnapshot } from '../../src/model/types.ts';
import {
  ANY,
  CHILD,
  CLI,
  CLIENT,
  PARENT,
  SERV,
  TCP_SOCKET,
  TraceBuilder,
  concurrentTrace,
  header,
  kproc,
  ksock,
  stepOf,
} from './builder.ts';

const at = (label: Parameters<typeof stepOf>[0]): ModelSnapshot => createReplay(concurrentTrace().trace()).atStep(stepOf(label));

function fileOf(m: ModelSnapshot, pid: number, fd: number) {
  const p = m.processes.find((q) => q.pid === pid);
  const entry = p?.fds.find((f) => f.fd === fd);
  return entry ? m.openFiles.find((f) => f.id === entry.fileId) : undefined;
}

function endpointOf(m: ModelSnapshot, pid: number, fd: number) {
  const f = fileOf(m, pid, fd);
  return f ? m.endpoints.find((e) => e.id === f.endpointId) : undefined;
}

const proc = (m: ModelSnapshot, pid: number) => m.processes.find((p) => p.pid === pid);
const seg = (s: { flags: string[]; seq: number; ack: number | null; len: number }) =>
  `${s.flags.join('+')} seq=${s.seq} ack=${s.ack ?? '-'} len=${s.len}`;

/** A server with a listener on fd 3 and one accepted connection on fd 4, blocked nowhere. */
function serverWithConnection(b = new TraceBuilder()): TraceBuilder {
  return b
    .spawn(PARENT, 'parent', 'server')
    .sys(PARENT, 'socket', TCP_SOCKET, 3)
    .sys(PARENT, 'bind', { fd: 3, addr: ANY }, 0)
    .sys(PARENT, 'listen', { fd: 3, backlog: 5 }, 0)
    .spawn(CLIENT, 'client#1', 'client')
    .sys(CLIENT, 'socket', TCP_SOCKET, 3)
    .sys(CLIENT, 'connect', { fd: 3, addr: SERV }, 0, { local: CLI })
    .sys(PARENT, 'accept', { fd: 3 }, 4, { local: SERV, peer: CLI });
}

const last = (b: TraceBuilder): ModelSnapshot => {
  const r = createReplay(b.trace());
  return r.atEvent(r.trace.events.length - 1);
};

describe('processes', () => {
  it('a spawned process is at the gate after its first call, with the call pending', () => {
    const b = new TraceBuilder().spawn(PARENT, 'parent', 'server');
    expect(proc(last(b), PARENT)?.status).toBe('running');
    b.call(PARENT, 'socket', TCP_SOCKET, 21);
    const p = proc(last(b), PARENT)!;
    expect(p.status).toBe('at-gate');
    expect(p.pendingCall).toEqual({ fn: 'socket', file: 'server.c', line: 21 });
    expect(p.line).toBe(21);
  });

  it('a released call with no return is blocked once the kernel says it sleeps inside it', () => {
    expect(proc(at('parent-listen'), PARENT)?.status).toBe('at-gate');
    const m = at('parent-accept-blocks');
    expect(proc(m, PARENT)?.status).toBe('blocked');
    expect(proc(m, PARENT)?.pendingCall?.fn).toBe('accept');
  });

  it('ready puts a woken process back at the gate (accept can complete)', () => {
    expect(proc(at('client-connect'), PARENT)).toMatchObject({ status: 'at-gate', pendingCall: { fn: 'accept' } });
  });

  it('a return makes the process run, with no call pending', () => {
    const b = new TraceBuilder().spawn(PARENT, 'parent', 'server').sys(PARENT, 'socket', TCP_SOCKET, 3);
    expect(proc(last(b), PARENT)).toMatchObject({ status: 'running', pendingCall: null });
  });

  it('a return without its call (so without its arguments) is noted and does nothing more', () => {
    const b = new TraceBuilder().spawn(PARENT, 'parent', 'server').sys(PARENT, 'socket', TCP_SOCKET, 3).ret(PARENT, 'close', 0);
    const m = last(b);
    expect(fileOf(m, PARENT, 3)).toMatchObject({ refCount: 1 });
    expect(proc(m, PARENT)).toMatchObject({ status: 'running', lastResult: { fn: 'close', ret: 0, errno: null } });
    expect(m.notes).toEqual([expect.stringContaining('close() returned in pid 100 (parent), which the model has not seen make that call')]);
  });

  it('fork creates the child (role child#1, ppid the parent) whichever half of fork comes first', () => {
    const parentFirst = serverWithConnection().call(PARENT, 'fork').ret(PARENT, 'fork', CHILD).forkChild(CHILD, 'child#1', PARENT);
    const childFirst = serverWithConnection().call(PARENT, 'fork').forkChild(CHILD, 'child#1', PARENT).ret(PARENT, 'fork', CHILD);
    for (const b of [parentFirst, childFirst]) {
      const m = last(b);
      expect(proc(m, CHILD)).toMatchObject({ ppid: PARENT, role: 'child#1', program: 'server', status: 'running' });
      expect(proc(m, CHILD)?.fds.map((f) => f.fd)).toEqual([3, 4]);
      expect(fileOf(m, PARENT, 3)?.refCount).toBe(2);
      expect(fileOf(m, PARENT, 4)?.refCount).toBe(2);
      expect(m.notes ?? []).toEqual([]);
    }
  });

  it('a child that exits while its parent lives (SIGCHLD default) is a zombie', () => {
    expect(proc(at('child-exit'), CHILD)?.status).toBe('zombie');
    expect(proc(at('client-exit'), CHILD)?.status).toBe('zombie');
  });

  it('a process whose parent is not a lab process is gone when it exits (shown exited for that step)', () => {
    expect(proc(at('client-exit'), CLIENT)?.status).toBe('exited');
    // After the step in which it exited, it leaves the picture.
    const b = concurrentTrace();
    b.events.pop(); // the end record
    b.kernel([], [], 'later');
    const r = createReplay(b.trace());
    expect(proc(r.atStep(r.stepCount - 1), CLIENT)).toBeUndefined();
  });

  it('waitpid reaps a zombie', () => {
    const b = serverWithConnection()
      .call(PARENT, 'fork')
      .ret(PARENT, 'fork', CHILD)
      .forkChild(CHILD, 'child#1', PARENT)
      .exit(CHILD, 0);
    expect(proc(last(b), CHILD)?.status).toBe('zombie');
    b.sys(PARENT, 'waitpid', { pid: -1, options: '0' }, CHILD, { status: 0 });
    expect(proc(last(b), CHILD)?.status).toBe('exited');
  });

  it('with SIGCHLD ignored (sigaction SIG_IGN) an exiting child leaves no zombie', () => {
    const b = serverWithConnection(new TraceBuilder(header({ knobs: { sigchld: 'ignore' } })))
      .sys(PARENT, 'sigaction', { sig: 'SIGCHLD', handler: 'SIG_IGN', flags: '0' }, 0)
      .call(PARENT, 'fork')
      .ret(PARENT, 'fork', CHILD)
      .forkChild(CHILD, 'child#1', PARENT)
      .exit(CHILD, 0);
    expect(proc(last(b), CHILD)?.status).toBe('exited');
  });

  it("a parent's exit hands its zombies to init, which reaps them", () => {
    const b = serverWithConnection().call(PARENT, 'fork').ret(PARENT, 'fork', CHILD).forkChild(CHILD, 'child#1', PARENT).exit(CHILD, 0).exit(PARENT, 0);
    expect(proc(last(b), CHILD)?.status).toBe('exited');
    expect(proc(last(b), PARENT)?.status).toBe('exited');
  });
});

describe('reference counts', () => {
  it('socket creates an open file with count 1 and a CLOSED endpoint', () => {
    const m = at('parent-socket');
    expect(fileOf(m, PARENT, 3)).toMatchObject({ refCount: 1, holders: [{ pid: PARENT, fd: 3 }] });
    expect(endpointOf(m, PARENT, 3)).toMatchObject({ state: 'CLOSED', kind: 'listener' });
  });

  it('bind sets the local address; listen moves to LISTEN', () => {
    expect(endpointOf(at('parent-bind'), PARENT, 3)?.local).toBe(ANY);
    expect(endpointOf(at('parent-listen'), PARENT, 3)).toMatchObject({ state: 'LISTEN', path: ['CLOSED', 'LISTEN'] });
  });

  it('Figure 4.14: after connect the connection waits in the accept queue, held by no descriptor', () => {
    const m = at('client-connect');
    const queued = m.endpoints.find((e) => e.kind === 'server-conn')!;
    const listener = endpointOf(m, PARENT, 3)!;
    expect(queued).toMatchObject({ state: 'ESTABLISHED', fileId: null, queuedOn: listener.id, local: SERV, remote: CLI });
    expect(m.openFiles).toHaveLength(2);
  });

  it('Figure 4.15: accept takes it and creates an open file at fd 4 with count 1', () => {
    const m = at('parent-accept-returns');
    expect(fileOf(m, PARENT, 4)).toMatchObject({ refCount: 1 });
    expect(endpointOf(m, PARENT, 4)).toMatchObject({ kind: 'server-conn', queuedOn: null, remote: CLI });
  });

  it('Figure 4.16: after fork both open files have count 2', () => {
    const m = at('parent-fork');
    expect(fileOf(m, PARENT, 3)?.refCount).toBe(2);
    expect(fileOf(m, PARENT, 4)?.refCount).toBe(2);
    expect(fileOf(m, CHILD, 3)).toBe(fileOf(m, PARENT, 3));
    expect(fileOf(m, PARENT, 4)?.holders).toEqual([
      { pid: PARENT, fd: 4 },
      { pid: CHILD, fd: 4 },
    ]);
  });

  it("the parent's close(connfd) drops the count to 1 and sends no FIN", () => {
    const m = at('parent-close-connfd');
    expect(fileOf(m, CHILD, 4)?.refCount).toBe(1);
    expect(proc(m, PARENT)?.fds.map((f) => f.fd)).toEqual([3]);
    expect(m.segments.some((s) => s.flags.includes('FIN'))).toBe(false);
    expect(endpointOf(m, CHILD, 4)?.state).toBe('ESTABLISHED');
  });

  it('Figure 4.17: after both closes each file has count 1 and the client is still ESTABLISHED', () => {
    const m = at('child-close-listenfd');
    expect(fileOf(m, PARENT, 3)?.refCount).toBe(1);
    expect(fileOf(m, CHILD, 4)?.refCount).toBe(1);
    expect(endpointOf(m, CLIENT, 3)?.state).toBe('ESTABLISHED');
    expect(m.segments.filter((s) => s.flags.includes('FIN'))).toEqual([]);
  });

  it('the last close releases the open file (absent from the table)', () => {
    const m = at('child-close-connfd');
    expect(m.openFiles.map((f) => f.holders)).toEqual([[{ pid: PARENT, fd: 3 }]]);
  });

  it('exit closes every descriptor of the process', () => {
    const b = serverWithConnection().call(PARENT, 'fork').ret(PARENT, 'fork', CHILD).forkChild(CHILD, 'child#1', PARENT);
    b.sys(PARENT, 'close', { fd: 4 }, 0).exit(CHILD, 0);
    const m = last(b);
    expect(proc(m, CHILD)?.fds).toEqual([]);
    expect(fileOf(m, PARENT, 3)?.refCount).toBe(1);
    // The child held the last reference to the connection: its exit sent the FIN.
    const conn = m.endpoints.find((e) => e.kind === 'server-conn')!;
    expect(conn.state).toBe('FIN_WAIT_2');
    expect(m.endpoints.find((e) => e.kind === 'client')?.state).toBe('CLOSE_WAIT');
  });
});

describe('segments', () => {
  it('the three-way handshake: SYN, SYN+ACK, ACK with relative sequence numbers', () => {
    const m = at('client-connect');
    const client = endpointOf(m, CLIENT, 3)!;
    const conn = m.endpoints.find((e) => e.kind === 'server-conn')!;
    expect(m.segments.map(seg)).toEqual(['SYN seq=0 ack=- len=0', 'SYN+ACK seq=0 ack=1 len=0', 'ACK seq=1 ack=1 len=0']);
    expect(m.segments.map((s) => [s.from, s.to])).toEqual([
      [client.id, conn.id],
      [conn.id, client.id],
      [client.id, conn.id],
    ]);
    expect(m.segments.every((s) => s.step === stepOf('client-connect'))).toBe(true);
    expect(client.path).toEqual(['CLOSED', 'SYN_SENT', 'ESTABLISHED']);
    expect(conn.path).toEqual(['SYN_RECEIVED', 'ESTABLISHED']);
    expect(client).toMatchObject({ local: CLI, remote: SERV, peerId: conn.id });
    expect(conn.peerId).toBe(client.id);
  });

  it('a path covers one step only: next step it is just the state', () => {
    const m = at('parent-accept-returns');
    expect(endpointOf(m, CLIENT, 3)?.path).toEqual(['ESTABLISHED']);
  });

  it('data: the write is a segment to the peer, acknowledged; read consumes it', () => {
    const m = at('client-write');
    const data = m.segments.filter((s) => s.len > 0);
    expect(data.map(seg)).toEqual(['PSH+ACK seq=1 ack=1 len=13']);
    expect(data[0]?.data).toBe('hello, world\n');
    expect(m.segments.at(-1) && seg(m.segments.at(-1)!)).toBe('ACK seq=1 ack=14 len=0');
    const conn = endpointOf(m, CHILD, 4)!;
    expect(conn).toMatchObject({ bytesReceived: 13, unread: 0 });
    expect(endpointOf(m, CLIENT, 3)).toMatchObject({ bytesSent: 13 });
  });

  it('the four-packet close: FIN, ACK, FIN, ACK; the active closer ends in TIME_WAIT', () => {
    const closeStep = at('client-close');
    const client = endpointOf(at('client-read'), CLIENT, 3)!;
    const fins = closeStep.segments.filter((s) => s.step === stepOf('client-close'));
    expect(fins.map(seg)).toEqual(['FIN+ACK seq=14 ack=14 len=0', 'ACK seq=14 ack=15 len=0']);
    expect(closeStep.endpoints.find((e) => e.id === client.id)?.path).toEqual(['ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2']);
    const conn = endpointOf(closeStep, CHILD, 4)!;
    expect(conn).toMatchObject({ state: 'CLOSE_WAIT', eof: true, path: ['ESTABLISHED', 'CLOSE_WAIT'] });

    const done = at('child-close-connfd');
    const second = done.segments.filter((s) => s.step === stepOf('child-close-connfd'));
    expect(second.map(seg)).toEqual(['FIN+ACK seq=14 ack=15 len=0', 'ACK seq=15 ack=15 len=0']);
    expect(done.endpoints.find((e) => e.id === client.id)).toMatchObject({ state: 'TIME_WAIT', path: ['FIN_WAIT_2', 'TIME_WAIT'] });
    expect(done.endpoints.find((e) => e.id === conn.id)).toMatchObject({ state: 'CLOSED', path: ['CLOSE_WAIT', 'LAST_ACK', 'CLOSED'], fileId: null });
    // Gone from the picture after the step in which it closed.
    expect(at('child-exit').endpoints.find((e) => e.id === conn.id)).toBeUndefined();
  });

  it('TIME_WAIT ends 2MSL (60 s on Linux) later, by trace time', () => {
    const b = concurrentTrace();
    b.events.pop();
    b.t += TIME_WAIT_NS - 10_000;
    b.kernel([], [], 'almost');
    b.t += 20_000;
    b.kernel([], [], 'after');
    const r = createReplay(b.trace());
    const client = (m: ModelSnapshot) => m.endpoints.find((e) => e.kind === 'client');
    expect(client(r.atStep(r.stepCount - 2))?.state).toBe('TIME_WAIT');
    expect(client(r.atStep(r.stepCount - 1))).toMatchObject({ state: 'CLOSED', path: ['TIME_WAIT', 'CLOSED'] });
  });

  it('connect to a port where nothing listens: SYN answered by RST, connection refused', () => {
    const b = new TraceBuilder().spawn(CLIENT, 'client#1', 'client').sys(CLIENT, 'socket', TCP_SOCKET, 3);
    b.call(CLIENT, 'connect', { fd: 3, addr: SERV }).ret(CLIENT, 'connect', -1, {}, 'ECONNREFUSED');
    const m = last(b);
    expect(m.segments.map(seg)).toEqual(['SYN seq=0 ack=- len=0', 'RST+ACK seq=0 ack=1 len=0']);
    expect(m.segments[0]?.to).toBe(SERV);
    expect(endpointOf(m, CLIENT, 3)).toMatchObject({ state: 'CLOSED', error: 'refused', path: ['CLOSED', 'SYN_SENT', 'CLOSED'] });
    expect(m.notes ?? []).toEqual([]);
  });

  it('SO_LINGER 0: the last close aborts with RST and both ends are CLOSED', () => {
    const b = serverWithConnection().sys(PARENT, 'setsockopt', { fd: 4, level: 'SOL_SOCKET', optname: 'SO_LINGER', l_onoff: 1, l_linger: 0 }, 0);
    b.sys(PARENT, 'close', { fd: 4 }, 0);
    const m = last(b);
    expect(m.segments.at(-1)?.flags).toEqual(['RST', 'ACK']);
    expect(m.endpoints.find((e) => e.kind === 'client')).toMatchObject({ state: 'CLOSED', error: 'reset' });
    expect(m.endpoints.find((e) => e.kind === 'server-conn')?.state).toBe('CLOSED');
  });

  it('closing with unread data aborts (RST), as Linux does', () => {
    const b = serverWithConnection().sys(CLIENT, 'write', { fd: 3, count: 5, data: 'hello' }, 5);
    b.sys(PARENT, 'close', { fd: 4 }, 0);
    const m = last(b);
    expect(m.segments.at(-1)?.flags).toEqual(['RST', 'ACK']);
    expect(m.endpoints.find((e) => e.kind === 'client')?.state).toBe('CLOSED');
  });

  it('shutdown(SHUT_WR) sends FIN although other descriptors remain', () => {
    const b = serverWithConnection().call(PARENT, 'fork').ret(PARENT, 'fork', CHILD).forkChild(CHILD, 'child#1', PARENT);
    b.sys(CHILD, 'shutdown', { fd: 4, how: 'SHUT_WR' }, 0);
    const m = last(b);
    expect(fileOf(m, CHILD, 4)?.refCount).toBe(2);
    expect(endpointOf(m, CHILD, 4)?.state).toBe('FIN_WAIT_2');
    expect(m.endpoints.find((e) => e.kind === 'client')?.state).toBe('CLOSE_WAIT');
  });

  it('closing a listener resets the connections still in its accept queue', () => {
    const b = new TraceBuilder()
      .spawn(PARENT, 'parent', 'server')
      .sys(PARENT, 'socket', TCP_SOCKET, 3)
      .sys(PARENT, 'bind', { fd: 3, addr: ANY }, 0)
      .sys(PARENT, 'listen', { fd: 3, backlog: 5 }, 0)
      .spawn(CLIENT, 'client#1', 'client')
      .sys(CLIENT, 'socket', TCP_SOCKET, 3)
      .sys(CLIENT, 'connect', { fd: 3, addr: SERV }, 0, { local: CLI })
      .sys(PARENT, 'close', { fd: 3 }, 0);
    const m = last(b);
    expect(m.endpoints.find((e) => e.kind === 'client')).toMatchObject({ state: 'CLOSED', error: 'reset' });
    expect(m.endpoints.find((e) => e.kind === 'listener')?.state).toBe('CLOSED');
  });
});

describe('segments for a pair of addresses a connection still holds (RFC 9293 §3.10.7, Linux)', () => {
  /** The server closes first: its end of CLI ↔ SERV waits in TIME_WAIT, the client's is gone. */
  const serverClosesFirst = () =>
    serverWithConnection()
      .sys(PARENT, 'close', { fd: 4 }, 0)
      .sys(CLIENT, 'read', { fd: 3, count: 4096 }, 0, { data: '' })
      .sys(CLIENT, 'close', { fd: 3 }, 0);
  /** A new client socket bound with SO_REUSEADDR to the same port, connecting again. */
  const reconnect = (b: TraceBuilder, ret = 0, errno: string | null = null) =>
    b
      .sys(CLIENT, 'socket', TCP_SOCKET, 3)
      .sys(CLIENT, 'setsockopt', { fd: 3, level: 'SOL_SOCKET', optname: 'SO_REUSEADDR', value: 1 }, 0)
      .sys(CLIENT, 'bind', { fd: 3, addr: CLI }, 0)
      .call(CLIENT, 'connect', { fd: 3, addr: SERV })
      .ret(CLIENT, 'connect', ret, ret === 0 ? { local: CLI } : {}, errno);

  it('a SYN to a TIME_WAIT with a listener behind it opens a new connection: the TIME_WAIT ends, the listener answers', () => {
    const b = serverClosesFirst();
    const timeWait = last(b).endpoints.find((e) => e.state === 'TIME_WAIT')!;
    expect(timeWait).toMatchObject({ local: SERV, remote: CLI, fileId: null });
    reconnect(b);
    // What the kernel shows then (seen on loopback): no TIME_WAIT, the new connection in the accept queue.
    const P = kproc(PARENT, 'parent', 'S', 'running');
    const C = kproc(CLIENT, 'client#1', 'S', 'running');
    b.kernel([P, C], [ksock('LISTEN', ANY, '0.0.0.0:0', [[PARENT, 3]]), ksock('ESTABLISHED', CLI, SERV, [[CLIENT, 3]], 1002), ksock('ESTABLISHED', SERV, CLI, [])]);
    const m = createReplay(b.trace()).atStep(0);
    const conn = m.endpoints.find((e) => e.kind === 'server-conn' && e.state === 'ESTABLISHED')!;
    const client = endpointOf(m, CLIENT, 3)!;
    expect(m.segments.slice(-3).map(seg)).toEqual(['SYN seq=0 ack=- len=0', 'SYN+ACK seq=0 ack=1 len=0', 'ACK seq=1 ack=1 len=0']);
    expect(m.segments.slice(-3).map((s) => [s.from, s.to])).toEqual([
      [client.id, timeWait.id],
      [conn.id, client.id],
      [client.id, conn.id],
    ]);
    expect(m.endpoints.find((e) => e.id === timeWait.id)).toMatchObject({ state: 'CLOSED', fileId: null });
    expect(m.endpoints.find((e) => e.id === timeWait.id)?.path.slice(-2)).toEqual(['TIME_WAIT', 'CLOSED']);
    expect(conn).toMatchObject({ local: SERV, remote: CLI, peerId: client.id, path: ['SYN_RECEIVED', 'ESTABLISHED'] });
    expect(client).toMatchObject({ state: 'ESTABLISHED', peerId: conn.id });
    expect(m.disagreements).toEqual([]);
    expect(m.notes ?? []).toEqual([]);
    // accept takes the new connection.
    b.events.pop();
    b.sys(PARENT, 'accept', { fd: 3 }, 4, { local: SERV, peer: CLI });
    expect(endpointOf(last(b), PARENT, 4)?.id).toBe(conn.id);
  });

  it('with no listener any more the TIME_WAIT answers with an ACK, the client resets it and its SYN again meets a closed port', () => {
    const b = serverClosesFirst().sys(PARENT, 'close', { fd: 3 }, 0);
    const timeWait = last(b).endpoints.find((e) => e.state === 'TIME_WAIT')!;
    const before = last(b).segments.length;
    reconnect(b, -1, 'ECONNREFUSED');
    const m = last(b);
    const client = endpointOf(m, CLIENT, 3)!;
    // As on loopback: ACK <SEQ=SND.NXT><ACK=RCV.NXT>, RST <SEQ=SEG.ACK>, the same SYN, RST+ACK.
    expect(m.segments.slice(before).map(seg)).toEqual([
      'SYN seq=0 ack=- len=0',
      'ACK seq=2 ack=2 len=0',
      'RST seq=2 ack=- len=0',
      'SYN seq=0 ack=- len=0',
      'RST+ACK seq=0 ack=1 len=0',
    ]);
    expect(m.segments.slice(before).map((s) => [s.from, s.to])).toEqual([
      [client.id, timeWait.id],
      [timeWait.id, client.id],
      [client.id, timeWait.id],
      [client.id, SERV],
      [SERV, client.id],
    ]);
    expect(m.endpoints.find((e) => e.id === timeWait.id)).toMatchObject({ state: 'CLOSED', fileId: null });
    expect(m.endpoints.find((e) => e.id === timeWait.id)?.path.slice(-2)).toEqual(['TIME_WAIT', 'CLOSED']);
    expect(client).toMatchObject({ state: 'CLOSED', error: 'refused', path: ['CLOSED', 'SYN_SENT', 'CLOSED'] });
    expect(m.notes ?? []).toEqual([]);
  });

  it('a SYN to a synchronized connection gets a challenge ACK; the RST it draws resets it, and the SYN again reaches the listener', () => {
    // The server's end stays in CLOSE_WAIT (the client closed, the server never does); a new client
    // socket on the same port connects, as it may once Linux has dropped the client's orphaned
    // FIN_WAIT_2 (tcp_fin_timeout, 60 s; the model has no such timer and keeps that end).
    const b = serverWithConnection().sys(CLIENT, 'close', { fd: 3 }, 0);
    const old = endpointOf(last(b), PARENT, 4)!;
    expect(old.state).toBe('CLOSE_WAIT');
    const before = last(b).segments.length;
    reconnect(b);
    const m = last(b);
    const client = endpointOf(m, CLIENT, 3)!;
    const conn = m.endpoints.find((e) => e.kind === 'server-conn' && e.id !== old.id)!;
    expect(m.segments.slice(before).map(seg)).toEqual([
      'SYN seq=0 ack=- len=0',
      'ACK seq=1 ack=2 len=0',
      'RST seq=2 ack=- len=0',
      'SYN seq=0 ack=- len=0',
      'SYN+ACK seq=0 ack=1 len=0',
      'ACK seq=1 ack=1 len=0',
    ]);
    expect(m.segments.slice(before, before + 3).map((s) => [s.from, s.to])).toEqual([
      [client.id, old.id],
      [old.id, client.id],
      [client.id, old.id],
    ]);
    expect(endpointOf(m, PARENT, 4)).toMatchObject({ id: old.id, state: 'CLOSED', error: 'reset' });
    expect(client).toMatchObject({ state: 'ESTABLISHED', peerId: conn.id });
    expect(conn).toMatchObject({ state: 'ESTABLISHED', queuedOn: endpointOf(m, PARENT, 3)!.id });
  });

  it('a segment for no connection at a listening port is answered by the listener: RST <SEQ=SEG.ACK> (§3.10.7.2)', () => {
    // A client socket bound to CLI, nothing on CLI ↔ SERV: an ACK it sends to SERV reaches only the listener.
    const b = new TraceBuilder()
      .spawn(PARENT, 'parent', 'server')
      .sys(PARENT, 'socket', TCP_SOCKET, 3)
      .sys(PARENT, 'bind', { fd: 3, addr: ANY }, 0)
      .sys(PARENT, 'listen', { fd: 3, backlog: 5 }, 0)
      .spawn(CLIENT, 'client#1', 'client')
      .sys(CLIENT, 'socket', TCP_SOCKET, 3)
      .sys(CLIENT, 'bind', { fd: 3, addr: CLI }, 0);
    let ctx = initialContext(b.head);
    b.events.forEach((e, i) => (ctx = applyTraceEvent(ctx, e, i)));
    const eps = [...ctx.endpoints.values()];
    const client = eps.find((e) => e.kind === 'client')!;
    const listener = eps.find((e) => e.kind === 'listener')!;
    const d = new Draft(ctx, b.events.length, ctx.now);
    d.ep(client.id).rcvNxt = 7;
    send(d, client.id, ['ACK'], 0, undefined, SERV);
    flush(d);
    const after = d.finish();
    const sent = [after.segments!.prev!.segment, after.segments!.segment];
    expect(sent.map(seg)).toEqual(['ACK seq=0 ack=7 len=0', 'RST seq=7 ack=- len=0']);
    expect(sent.map((s) => [s.from, s.to])).toEqual([
      [client.id, SERV],
      [listener.id, client.id],
    ]);
    expect(after.endpoints.get(listener.id)?.tcp.state).toBe('LISTEN');
  });
});
