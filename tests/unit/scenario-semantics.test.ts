// The model's semantics for the issue #3 scenarios, on synthetic traces shaped like the lab's
// (src/lab, src/scenarios): each has kernel snapshots that say what Linux shows, so the replay must
// agree with all of them, and the scenario's defining facts must hold on the model's snapshots.
// tests/unit/recorded-traces.test.ts checks the same facts on the real recordings.

import { describe, expect, it } from 'vitest';
import { createReplay, type Replay } from '../../src/model/index.ts';
import { applyTraceEvent, initialContext } from '../../src/model/apply.ts';
import { systemInitial, systemStep } from '../../src/model/system.ts';
import type { Disagreement, ModelSnapshot } from '../../src/model/types.ts';
import type { CallArgs, CallName, KernelProcess, KernelSocket } from '../../src/trace/types.ts';
import { CHILD, CLI, CLIENT, PARENT, RUNNER, SERV, TraceBuilder, header, kproc, ksock, type CallOf } from './builder.ts';

const UNB = '0.0.0.0:0';
const CHILD2 = 102;
const CLIENT2 = 201;
const CLI2 = '127.0.0.1:40113';
const PARENT2 = 300;
const PARENT3 = 400;
/** The reapers that launch a restarted server (each program has its own). */
const REAPER2 = 51;
const REAPER3 = 52;

type Place = KernelProcess['place'];

// ───────── building traces ─────────

interface StartHooks {
  /** After the spawn (setrlimit). */
  first?: (b: TraceBuilder) => void;
  /** After socket (setsockopt). */
  afterSocket?: (b: TraceBuilder) => void;
  /** After listen (sigaction). */
  afterListen?: (b: TraceBuilder) => void;
}

/** The server's start: socket, bind, listen, and accept called (released: the caller's kernel snapshot says it blocks). */
function serverStart(b: TraceBuilder, pid = PARENT, role = 'parent', reaper = RUNNER, hooks: StartHooks = {}): TraceBuilder {
  b.spawn(pid, role, 'server', reaper);
  hooks.first?.(b);
  b.sys(pid, 'socket', { domain: 'AF_INET', type: 'SOCK_STREAM', protocol: 0 }, 3);
  hooks.afterSocket?.(b);
  b.sys(pid, 'bind', { fd: 3, addr: SERV }, 0).sys(pid, 'listen', { fd: 3, backlog: 1024 }, 0);
  hooks.afterListen?.(b);
  return b.call(pid, 'accept', { fd: 3 });
}

/** A client connects (the handshake completes on loopback) and stops at the gate of `next`. */
function clientConnects(b: TraceBuilder, pid: number, role: string, local: string, next: CallOf = ['write', { fd: 3, count: 13, data: 'hello, world\n' }]): TraceBuilder {
  b.spawn(pid, role, 'client', RUNNER)
    .sys(pid, 'socket', { domain: 'AF_INET', type: 'SOCK_STREAM', protocol: 0 }, 3)
    .call(pid, 'connect', { fd: 3, addr: SERV })
    .ret(pid, 'connect', 0, { local });
  return b.call<CallName>(pid, next[0], next[1]);
}

/** accept (already called, blocked) is woken and returns `fd` for the connection from `peer`. */
function accepts(b: TraceBuilder, pid: number, fd: number, peer: string): TraceBuilder {
  return b.ready(pid, 'accept', 3).ret(pid, 'accept', fd, { local: SERV, peer });
}

function forks(b: TraceBuilder, parent: number, child: number, role: string): TraceBuilder {
  return b.call(parent, 'fork').ret(parent, 'fork', child).forkChild(child, role, parent);
}

// ───────── reading snapshots ─────────

function last(b: TraceBuilder): ModelSnapshot {
  const r = createReplay(b.trace());
  return r.atEvent(r.trace.events.length - 1);
}

/** The model after the latest kernel snapshot so far. */
function atLastKernel(b: TraceBuilder): ModelSnapshot {
  const r = createReplay(b.trace());
  return r.atStep(r.stepCount - 1);
}

function allDisagreements(r: Replay): (Disagreement & { step: number })[] {
  return Array.from({ length: r.stepCount }, (_, s) => r.atStep(s).disagreements.map((d) => ({ step: s, ...d }))).flat();
}

function expectAgreement(b: TraceBuilder): Replay {
  const r = createReplay(b.trace());
  expect(allDisagreements(r)).toEqual([]);
  expect(r.atEvent(r.trace.events.length - 1).notes ?? []).toEqual([]);
  return r;
}

const proc = (m: ModelSnapshot, pid: number) => m.processes.find((p) => p.pid === pid);
function fileOf(m: ModelSnapshot, pid: number, fd: number) {
  const id = proc(m, pid)?.fds.find((f) => f.fd === fd)?.fileId;
  return m.openFiles.find((f) => f.id === id);
}
const endpointOf = (m: ModelSnapshot, pid: number, fd: number) => m.endpoints.find((e) => e.id === fileOf(m, pid, fd)?.endpointId);
const byAddresses = (m: ModelSnapshot, local: string, remote: string) => m.endpoints.filter((e) => e.local === local && e.remote === remote);
const flags = (m: ModelSnapshot, fromStep = 0) => m.segments.filter((s) => s.step >= fromStep).map((s) => s.flags.join('+'));

// ───────── kernel snapshot parts ─────────

const P = (place: Place, call: string | null, pid = PARENT, role = 'parent', ppid = RUNNER) => kproc(pid, role, 'S', place, call, ppid);
const K = (place: Place, call: string | null, pid = CHILD, role = 'child#1', ppid = PARENT) => kproc(pid, role, 'S', place, call, ppid);
const C = (place: Place, call: string | null, pid = CLIENT, role = 'client#1') => kproc(pid, role, 'S', place, call, RUNNER);
const Z = (pid = CHILD, role = 'child#1', ppid = PARENT) => kproc(pid, role, 'Z', 'zombie', null, ppid);
const listener = (...holders: [number, number][]): KernelSocket => ksock('LISTEN', SERV, UNB, holders, 5001);
const conn = (state: KernelSocket['state'], holders: [number, number][] = [], remote = CLI): KernelSocket => ksock(state, SERV, remote, holders, 5003);
const client = (state: KernelSocket['state'], holders: [number, number][] = [[CLIENT, 3]], local = CLI): KernelSocket => ksock(state, local, SERV, holders, 5002);
/** A socket a descriptor names that is in no TCP table (reset, or closed when its TIME_WAIT moved out). */
const heldClosed = (...holders: [number, number][]): KernelSocket => ksock('CLOSED', UNB, UNB, holders, 5004);

// ───────── the scenarios ─────────

describe('iterative: one client at a time', () => {
  function trace(): TraceBuilder {
    const b = new TraceBuilder(header({ id: 'iterative', knobs: { iterative: true } }));
    serverStart(b);
    clientConnects(b, CLIENT, 'client#1', CLI);
    accepts(b, PARENT, 4, CLI).call(PARENT, 'read', { fd: 4, count: 4096 });
    clientConnects(b, CLIENT2, 'client#2', CLI2, ['write', { fd: 3, count: 14, data: 'second client\n' }]);
    b.ret(CLIENT2, 'write', 14).call(CLIENT2, 'read', { fd: 3, count: 4096 });
    b.kernel(
      [P('gate', 'read'), C('gate', 'write'), C('kernel', 'read', CLIENT2, 'client#2')],
      [listener([PARENT, 3]), conn('ESTABLISHED', [[PARENT, 4]]), conn('ESTABLISHED', [], CLI2), client('ESTABLISHED'), client('ESTABLISHED', [[CLIENT2, 3]], CLI2)],
    );
    // Client 1 is served and goes; the parent accepts client 2, whose line is already there.
    b.ret(CLIENT, 'write', 13).ret(PARENT, 'read', 13, { data: 'hello, world\n' });
    b.sys(PARENT, 'write', { fd: 4, count: 13, data: 'HELLO, WORLD\n' }, 13);
    b.call(CLIENT, 'read', { fd: 3, count: 4096 }).ret(CLIENT, 'read', 13, { data: 'HELLO, WORLD\n' });
    b.sys(CLIENT, 'close', { fd: 3 }, 0).call(CLIENT, 'exit', { status: 0 }).exit(CLIENT, 0);
    b.call(PARENT, 'read', { fd: 4, count: 4096 }).ret(PARENT, 'read', 0, { data: '' }).sys(PARENT, 'close', { fd: 4 }, 0);
    b.call(PARENT, 'accept', { fd: 3 }).ready(PARENT, 'accept', 3).ret(PARENT, 'accept', 4, { local: SERV, peer: CLI2 });
    b.call(PARENT, 'read', { fd: 4, count: 4096 }).ret(PARENT, 'read', 14, { data: 'second client\n' }).call(PARENT, 'write', { fd: 4, count: 14, data: 'SECOND CLIENT\n' });
    b.kernel(
      [P('gate', 'write'), C('kernel', 'read', CLIENT2, 'client#2')],
      [listener([PARENT, 3]), conn('ESTABLISHED', [[PARENT, 4]], CLI2), client('TIME_WAIT', []), client('ESTABLISHED', [[CLIENT2, 3]], CLI2)],
    );
    return b;
  }

  it('agrees with the kernel throughout', () => {
    expectAgreement(trace());
  });

  it('while the parent serves client 1, client 2 waits in the accept queue with its line, held by no descriptor', () => {
    const r = createReplay(trace().trace());
    const m = r.atStep(0);
    const queued = byAddresses(m, SERV, CLI2)[0]!;
    expect(queued).toMatchObject({ state: 'ESTABLISHED', fileId: null, queuedOn: endpointOf(m, PARENT, 3)!.id, unread: 14, bytesReceived: 14 });
    expect(m.processes.map((p) => p.role)).toEqual(['parent', 'client#1', 'client#2']);
    expect(proc(m, PARENT)?.fds.map((f) => f.fd)).toEqual([3, 4]);
  });

  it('the next accept takes the queued connection (fd 4 again) with the line waiting in it', () => {
    const r = createReplay(trace().trace());
    const m = r.atStep(1);
    expect(endpointOf(m, PARENT, 4)).toMatchObject({ remote: CLI2, queuedOn: null, unread: 0, bytesReceived: 14 });
    expect(m.processes.some((p) => p.role.startsWith('child'))).toBe(false);
  });
});

describe('shutdown(SHUT_WR) instead of close', () => {
  function trace(): TraceBuilder {
    const b = new TraceBuilder(header({ id: 'shutdown', knobs: { shutdown: true } }));
    serverStart(b);
    clientConnects(b, CLIENT, 'client#1', CLI);
    accepts(b, PARENT, 4, CLI);
    forks(b, PARENT, CHILD, 'child#1');
    b.call(PARENT, 'shutdown', { fd: 4, how: 'SHUT_WR' }).call(CHILD, 'close', { fd: 3 });
    b.kernel([P('gate', 'shutdown'), C('gate', 'write'), K('gate', 'close')], [listener([PARENT, 3], [CHILD, 3]), conn('ESTABLISHED', [[PARENT, 4], [CHILD, 4]]), client('ESTABLISHED')]);
    b.ret(PARENT, 'shutdown', 0).call(PARENT, 'accept', { fd: 3 });
    b.kernel([P('gate', 'accept'), C('gate', 'write'), K('gate', 'close')], [listener([PARENT, 3], [CHILD, 3]), conn('FIN_WAIT_2', [[PARENT, 4], [CHILD, 4]]), client('CLOSE_WAIT')]);
    b.ret(CHILD, 'close', 0).call(CHILD, 'read', { fd: 4, count: 4096 });
    b.ret(CLIENT, 'write', 13).ret(CHILD, 'read', 13, { data: 'hello, world\n' }).call(CHILD, 'write', { fd: 4, count: 13, data: 'HELLO, WORLD\n' });
    b.call(CLIENT, 'read', { fd: 3, count: 4096 }).ret(CLIENT, 'read', 0, { data: '' }).call(CLIENT, 'close', { fd: 3 });
    b.ret(CHILD, 'write', -1, {}, 'EPIPE').killed(CHILD, 'SIGPIPE');
    b.kernel([P('kernel', 'accept'), C('gate', 'close'), Z()], [listener([PARENT, 3]), conn('FIN_WAIT_2', [[PARENT, 4]]), client('CLOSE_WAIT')]);
    b.ret(CLIENT, 'close', 0).call(CLIENT, 'exit', { status: 0 });
    b.kernel([P('kernel', 'accept'), C('gate', 'exit'), Z()], [listener([PARENT, 3]), heldClosed([PARENT, 4]), conn('TIME_WAIT')]);
    return b;
  }

  it('agrees with the kernel throughout', () => {
    expectAgreement(trace());
  });

  it('sends the FIN with the count still 2: server FIN_WAIT_2, client CLOSE_WAIT and end-of-file', () => {
    const r = createReplay(trace().trace());
    const m = r.atStep(1);
    expect(fileOf(m, PARENT, 4)?.refCount).toBe(2);
    expect(endpointOf(m, PARENT, 4)).toMatchObject({ state: 'FIN_WAIT_2', shutWr: true, path: ['ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2'] });
    expect(endpointOf(m, CLIENT, 3)).toMatchObject({ state: 'CLOSE_WAIT', eof: true });
    expect(flags(m, 1)).toEqual(['FIN+ACK', 'ACK']);
    expect(m.segments.find((s) => s.flags.includes('FIN'))?.from).toBe(endpointOf(m, PARENT, 4)!.id);
  });

  it('the child can still read; its write fails EPIPE and SIGPIPE ends it; the parent still holds the socket', () => {
    const r = createReplay(trace().trace());
    const m = r.atStep(2);
    expect(proc(m, CHILD)).toMatchObject({ status: 'zombie', exitSignal: 'SIGPIPE', lastResult: { fn: 'write', ret: -1, errno: 'EPIPE' } });
    expect(fileOf(m, PARENT, 4)?.refCount).toBe(1);
    expect(endpointOf(m, PARENT, 4)).toMatchObject({ state: 'FIN_WAIT_2', bytesReceived: 13, unread: 0 });
  });

  it("the client's FIN: the connection's TIME_WAIT moves to a socket no descriptor names; the parent's is CLOSED", () => {
    const r = createReplay(trace().trace());
    const m = r.atStep(3);
    const held = endpointOf(m, PARENT, 4)!;
    expect(held).toMatchObject({ state: 'CLOSED', fileId: fileOf(m, PARENT, 4)!.id });
    const tw = m.endpoints.find((e) => e.id === held.timeWaitId)!;
    expect(tw).toMatchObject({ state: 'TIME_WAIT', fileId: null, local: SERV, remote: CLI, path: ['FIN_WAIT_2', 'TIME_WAIT'] });
    expect(tw.timeWaitSince).not.toBeNull();
    expect(m.endpoints.find((e) => e.kind === 'client')).toMatchObject({ state: 'CLOSED', path: ['CLOSE_WAIT', 'LAST_ACK', 'CLOSED'] });
    // The client's FIN went to the connection (the same endpoint id as before).
    expect(m.segments.filter((s) => s.step === 3).map((s) => [s.flags.join('+'), s.to === tw.id || s.from === tw.id])).toEqual([
      ['FIN+ACK', true],
      ['ACK', true],
    ]);
  });
});

describe('the server closes first', () => {
  function trace(reuseaddr = false): TraceBuilder {
    const b = new TraceBuilder(header({ id: reuseaddr ? 'restart-reuseaddr' : 'server-closes-first' }));
    const reuse = (x: TraceBuilder) => x.sys(PARENT, 'setsockopt', { fd: 3, level: 'SOL_SOCKET', optname: 'SO_REUSEADDR', value: 1 }, 0);
    serverStart(b, PARENT, 'parent', RUNNER, reuseaddr ? { afterSocket: reuse } : {});
    clientConnects(b, CLIENT, 'client#1', CLI);
    accepts(b, PARENT, 4, CLI);
    forks(b, PARENT, CHILD, 'child#1');
    b.sys(PARENT, 'close', { fd: 4 }, 0).call(PARENT, 'accept', { fd: 3 });
    b.sys(CHILD, 'close', { fd: 3 }, 0).call(CHILD, 'read', { fd: 4, count: 4096 });
    b.ret(CLIENT, 'write', 13).ret(CHILD, 'read', 13, { data: 'hello, world\n' }).sys(CHILD, 'write', { fd: 4, count: 13, data: 'HELLO, WORLD\n' }, 13);
    b.sys(CLIENT, 'read', { fd: 3, count: 4096 }, 13, { data: 'HELLO, WORLD\n' }).call(CLIENT, 'read', { fd: 3, count: 4096 });
    b.call(CHILD, 'close', { fd: 4 });
    b.kernel([P('kernel', 'accept'), C('kernel', 'read'), K('gate', 'close')], [listener([PARENT, 3]), conn('ESTABLISHED', [[CHILD, 4]]), client('ESTABLISHED')]);
    b.ret(CHILD, 'close', 0).ret(CLIENT, 'read', 0, { data: '' }).call(CLIENT, 'close', { fd: 3 }).call(CHILD, 'exit', { status: 0 });
    b.kernel([P('kernel', 'accept'), C('gate', 'close'), K('gate', 'exit')], [listener([PARENT, 3]), conn('FIN_WAIT_2'), client('CLOSE_WAIT')]);
    b.exit(CHILD, 0);
    b.ret(CLIENT, 'close', 0).call(CLIENT, 'exit', { status: 0 });
    b.kernel([P('kernel', 'accept'), C('gate', 'exit'), Z()], [listener([PARENT, 3]), conn('TIME_WAIT')]);
    return b;
  }

  it('agrees with the kernel throughout', () => {
    expectAgreement(trace());
  });

  it('server FIN_WAIT_2 and client CLOSE_WAIT; then client LAST_ACK and gone, server end TIME_WAIT', () => {
    const r = createReplay(trace().trace());
    const half = r.atStep(1);
    expect(byAddresses(half, SERV, CLI)[0]).toMatchObject({ state: 'FIN_WAIT_2', fileId: null, path: ['ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2'] });
    expect(endpointOf(half, CLIENT, 3)).toMatchObject({ state: 'CLOSE_WAIT', eof: true });
    const done = r.atStep(2);
    expect(byAddresses(done, SERV, CLI)[0]).toMatchObject({ state: 'TIME_WAIT', fileId: null, path: ['FIN_WAIT_2', 'TIME_WAIT'] });
    expect(byAddresses(done, CLI, SERV)[0]).toMatchObject({ state: 'CLOSED', path: ['CLOSE_WAIT', 'LAST_ACK', 'CLOSED'] });
    expect(done.endpoints.filter((e) => e.state === 'TIME_WAIT').map((e) => e.kind)).toEqual(['server-conn']);
  });

  describe('restart-reuseaddr: the server is killed and restarted while its port has a TIME_WAIT', () => {
    function restart(): TraceBuilder {
      const b = trace(true);
      b.signal(PARENT, 'SIGTERM');
      b.killed(PARENT, 'SIGTERM');
      b.kernel([C('gate', 'exit')], [conn('TIME_WAIT')], 'parent-killed');
      b.spawn(PARENT2, 'parent#2', 'server', REAPER2).sys(PARENT2, 'socket', { domain: 'AF_INET', type: 'SOCK_STREAM', protocol: 0 }, 3);
      b.call(PARENT2, 'bind', { fd: 3, addr: SERV }).ret(PARENT2, 'bind', -1, {}, 'EADDRINUSE');
      b.push({ kind: 'output', pid: PARENT2, role: 'parent#2', stream: 'stderr', text: 'server.c:49: bind error: Address already in use\n' });
      b.exit(PARENT2, 1);
      b.kernel([C('gate', 'exit')], [conn('TIME_WAIT')], 'parent2-bind-eaddrinuse');
      b.spawn(PARENT3, 'parent#3', 'server', REAPER3).sys(PARENT3, 'socket', { domain: 'AF_INET', type: 'SOCK_STREAM', protocol: 0 }, 3);
      b.sys(PARENT3, 'setsockopt', { fd: 3, level: 'SOL_SOCKET', optname: 'SO_REUSEADDR', value: 1 }, 0);
      b.sys(PARENT3, 'bind', { fd: 3, addr: SERV }, 0).sys(PARENT3, 'listen', { fd: 3, backlog: 1024 }, 0).call(PARENT3, 'accept', { fd: 3 });
      b.kernel([C('gate', 'exit'), P('kernel', 'accept', PARENT3, 'parent#3', REAPER3)], [listener([PARENT3, 3]), conn('TIME_WAIT')], 'parent3-accept-blocks');
      return b;
    }

    it('agrees with the kernel throughout', () => {
      expectAgreement(restart());
    });

    it('the runner\'s SIGTERM is pending until the exit; the exit closes the listener and frees the zombie', () => {
      const b = restart();
      const r = createReplay(b.trace());
      const signalAt = b.events.findIndex((e) => e.kind === 'signal');
      expect(proc(r.atEvent(signalAt), PARENT)).toMatchObject({ status: 'blocked', pendingSignal: 'SIGTERM' });
      const killed = r.atStep(3);
      expect(proc(killed, PARENT)).toMatchObject({ status: 'exited', exitSignal: 'SIGTERM', exitStatus: null, pendingSignal: null });
      expect(proc(killed, CHILD)?.status).toBe('exited'); // reaped by the subreaper that inherits it
      expect(killed.endpoints.find((e) => e.kind === 'listener')?.state).toBe('CLOSED');
    });

    it('the XState system machine gives the same context as the fold (signal events too)', () => {
      const t = restart().trace();
      let snapshot = systemInitial(t.header);
      let ctx = initialContext(t.header);
      t.events.forEach((e, i) => {
        snapshot = systemStep(snapshot, e, i);
        ctx = applyTraceEvent(ctx, e, i);
      });
      expect(snapshot.context).toEqual(ctx);
      expect([...ctx.processes.values()].find((p) => p.pid === PARENT3)?.ppid).toBe(REAPER3);
    });

    it('without SO_REUSEADDR bind fails EADDRINUSE because of the TIME_WAIT; with it bind and listen succeed beside it', () => {
      const r = createReplay(restart().trace());
      const failed = r.atStep(4);
      const tw = byAddresses(failed, SERV, CLI)[0]!;
      expect(tw.state).toBe('TIME_WAIT');
      expect(proc(failed, PARENT2)).toMatchObject({ status: 'exited', exitStatus: 1, lastResult: { fn: 'bind', ret: -1, errno: 'EADDRINUSE', conflicts: [tw.id] } });
      // The TIME_WAIT came from a connection of a listener with SO_REUSEADDR: it has it too.
      expect(tw.reuseAddr).toBe(true);
      const ok = r.atStep(5);
      expect(endpointOf(ok, PARENT3, 3)).toMatchObject({ state: 'LISTEN', reuseAddr: true, local: SERV });
      expect(byAddresses(ok, SERV, CLI)[0]?.state).toBe('TIME_WAIT');
      expect(proc(ok, PARENT3)?.ppid).toBe(REAPER3);
    });
  });
});

describe('never-close: a child that never closes', () => {
  it('after end-of-file the child blocks in pause: client FIN_WAIT_2, server CLOSE_WAIT held by the child', () => {
    const b = new TraceBuilder(header({ id: 'never-close' }));
    serverStart(b);
    clientConnects(b, CLIENT, 'client#1', CLI, ['close', { fd: 3 }]);
    accepts(b, PARENT, 4, CLI);
    forks(b, PARENT, CHILD, 'child#1');
    b.sys(PARENT, 'close', { fd: 4 }, 0).call(PARENT, 'accept', { fd: 3 });
    b.sys(CHILD, 'close', { fd: 3 }, 0).call(CHILD, 'read', { fd: 4, count: 4096 });
    b.ret(CLIENT, 'close', 0).call(CLIENT, 'exit', { status: 0 }).ret(CHILD, 'read', 0, { data: '' }).call(CHILD, 'pause', {});
    b.kernel([P('kernel', 'accept'), C('gate', 'exit'), K('gate', 'pause')], [listener([PARENT, 3]), conn('CLOSE_WAIT', [[CHILD, 4]]), client('FIN_WAIT_2', [])]);
    b.kernel([P('kernel', 'accept'), C('gate', 'exit'), K('kernel', 'pause')], [listener([PARENT, 3]), conn('CLOSE_WAIT', [[CHILD, 4]]), client('FIN_WAIT_2', [])]);
    b.exit(CLIENT, 0);
    b.kernel([P('kernel', 'accept'), K('kernel', 'pause')], [listener([PARENT, 3]), conn('CLOSE_WAIT', [[CHILD, 4]]), client('FIN_WAIT_2', [])]);
    const r = expectAgreement(b);
    const m = r.atStep(2);
    expect(proc(m, CHILD)).toMatchObject({ status: 'blocked', pendingCall: { fn: 'pause' } });
    expect(endpointOf(m, CHILD, 4)).toMatchObject({ state: 'CLOSE_WAIT', eof: true });
    expect(byAddresses(m, CLI, SERV)[0]).toMatchObject({ state: 'FIN_WAIT_2', fileId: null });
    expect(flags(m).filter((f) => f.includes('FIN'))).toEqual(['FIN+ACK']);
  });
});

describe('parent-keeps-connfd: a descriptor leak that ends in EMFILE', () => {
  function trace(limit = 5): TraceBuilder {
    const b = new TraceBuilder(header({ id: 'parent-keeps-connfd', knobs: { 'parent-close-connfd': false, 'fd-limit': limit } }));
    serverStart(b, PARENT, 'parent', RUNNER, { first: (x) => x.sys(PARENT, 'setrlimit', { resource: 'RLIMIT_NOFILE', soft: limit, hard: limit }, 0) });
    clientConnects(b, CLIENT, 'client#1', CLI);
    accepts(b, PARENT, 4, CLI);
    forks(b, PARENT, CHILD, 'child#1');
    b.call(PARENT, 'accept', { fd: 3 }); // no close(connfd)
    b.sys(CHILD, 'close', { fd: 3 }, 0).call(CHILD, 'read', { fd: 4, count: 4096 });
    b.ret(CLIENT, 'write', 13).ret(CHILD, 'read', 13, { data: 'hello, world\n' }).sys(CHILD, 'write', { fd: 4, count: 13, data: 'HELLO, WORLD\n' }, 13);
    b.sys(CLIENT, 'read', { fd: 3, count: 4096 }, 13, { data: 'HELLO, WORLD\n' }).call(CLIENT, 'read', { fd: 3, count: 4096 });
    b.sys(CHILD, 'close', { fd: 4 }, 0).call(CHILD, 'exit', { status: 0 }).exit(CHILD, 0);
    b.kernel([P('kernel', 'accept'), C('kernel', 'read'), Z()], [listener([PARENT, 3]), conn('ESTABLISHED', [[PARENT, 4]]), client('ESTABLISHED')]);
    clientConnects(b, CLIENT2, 'client#2', CLI2, ['write', { fd: 3, count: 13, data: 'hello, world\n' }]);
    b.ready(PARENT, 'accept', 3);
    b.kernel(
      [P('gate', 'accept'), C('kernel', 'read'), Z(), C('gate', 'write', CLIENT2, 'client#2')],
      [listener([PARENT, 3]), conn('ESTABLISHED', [[PARENT, 4]]), conn('ESTABLISHED', [], CLI2), client('ESTABLISHED'), client('ESTABLISHED', [[CLIENT2, 3]], CLI2)],
    );
    b.ret(PARENT, 'accept', -1, {}, 'EMFILE');
    b.push({ kind: 'output', pid: PARENT, role: 'parent', stream: 'stderr', text: 'server.c:55: accept error: Too many open files\n' });
    b.exit(PARENT, 1);
    b.ret(CLIENT, 'read', 0, { data: '' }).call(CLIENT, 'close', { fd: 3 });
    b.kernel(
      [C('gate', 'close'), C('gate', 'write', CLIENT2, 'client#2')],
      [conn('FIN_WAIT_2'), client('CLOSE_WAIT'), heldClosed([CLIENT2, 3])],
    );
    return b;
  }

  it('agrees with the kernel throughout', () => {
    expectAgreement(trace());
  });

  it("the child's close drops the count to 1: no FIN; the connection stays ESTABLISHED, held by the parent", () => {
    const m = createReplay(trace().trace()).atStep(0);
    expect(proc(m, PARENT)).toMatchObject({ fdLimit: 5 });
    expect(proc(m, PARENT)?.fds.map((f) => f.fd)).toEqual([3, 4]);
    expect(fileOf(m, PARENT, 4)?.refCount).toBe(1);
    expect(endpointOf(m, PARENT, 4)?.state).toBe('ESTABLISHED');
    expect(m.segments.some((s) => s.flags.includes('FIN'))).toBe(false);
    expect(proc(m, CHILD)).toMatchObject({ status: 'zombie', fdLimit: 5 });
  });

  it('accept fails EMFILE (the connection stays queued); the exit closes everything: FIN from fd 4, then RST to the queue', () => {
    const b = trace();
    const r = createReplay(b.trace());
    const emfileAt = b.events.findIndex((e) => e.kind === 'return' && e.errno === 'EMFILE');
    const failed = r.atEvent(emfileAt);
    expect(proc(failed, PARENT)?.lastResult).toEqual({ fn: 'accept', ret: -1, errno: 'EMFILE' });
    expect(byAddresses(failed, SERV, CLI2)[0]).toMatchObject({ state: 'ESTABLISHED', fileId: null, queuedOn: endpointOf(failed, PARENT, 3)!.id });
    const m = r.atStep(2);
    expect(proc(m, PARENT)).toMatchObject({ status: 'exited', exitStatus: 1 });
    expect(proc(m, CHILD)?.status).toBe('exited');
    expect(endpointOf(m, CLIENT2, 3)).toMatchObject({ state: 'CLOSED', error: 'reset' });
    expect(endpointOf(m, CLIENT, 3)).toMatchObject({ state: 'CLOSE_WAIT', eof: true });
    // Released in descending fd order (task work runs last-in first-out); the FIN's ACK is delayed.
    expect(flags(m, 2)).toEqual(['FIN+ACK', 'RST+ACK', 'ACK']);
    expect(m.notes ?? []).toEqual([]);
  });

  it('an EMFILE the descriptor table does not explain is noted', () => {
    const m = last(trace(10));
    expect(m.notes?.some((n) => /EMFILE.*fd 5 free below its limit 10/.test(n))).toBe(true);
  });
});

describe('child-keeps-listenfd: the port outlives the server', () => {
  function trace(tamperPpid = false): TraceBuilder {
    const b = new TraceBuilder(header({ id: 'child-keeps-listenfd', knobs: { 'child-close-listenfd': false } }));
    serverStart(b);
    clientConnects(b, CLIENT, 'client#1', CLI);
    accepts(b, PARENT, 4, CLI);
    forks(b, PARENT, CHILD, 'child#1');
    b.sys(PARENT, 'close', { fd: 4 }, 0).call(PARENT, 'accept', { fd: 3 });
    b.call(CHILD, 'read', { fd: 4, count: 4096 });
    b.kernel([P('kernel', 'accept'), C('gate', 'write'), K('kernel', 'read')], [listener([PARENT, 3], [CHILD, 3]), conn('ESTABLISHED', [[CHILD, 4]]), client('ESTABLISHED')]);
    b.signal(PARENT).killed(PARENT, 'SIGTERM');
    b.kernel([C('gate', 'write'), K('kernel', 'read', CHILD, 'child#1', tamperPpid ? PARENT : RUNNER)], [listener([CHILD, 3]), conn('ESTABLISHED', [[CHILD, 4]]), client('ESTABLISHED')]);
    clientConnects(b, CLIENT2, 'client#2', CLI2);
    b.kernel(
      [C('gate', 'write'), K('kernel', 'read', CHILD, 'child#1', RUNNER), C('gate', 'write', CLIENT2, 'client#2')],
      [listener([CHILD, 3]), conn('ESTABLISHED', [[CHILD, 4]]), conn('ESTABLISHED', [], CLI2), client('ESTABLISHED'), client('ESTABLISHED', [[CLIENT2, 3]], CLI2)],
    );
    b.spawn(PARENT2, 'parent#2', 'server', REAPER2).sys(PARENT2, 'socket', { domain: 'AF_INET', type: 'SOCK_STREAM', protocol: 0 }, 3);
    b.call(PARENT2, 'bind', { fd: 3, addr: SERV }).ret(PARENT2, 'bind', -1, {}, 'EADDRINUSE').exit(PARENT2, 1);
    return b;
  }

  it('agrees with the kernel throughout', () => {
    expectAgreement(trace());
  });

  it('the killed parent\'s child is re-parented to the subreaper and alone holds the LISTEN socket', () => {
    const m = createReplay(trace().trace()).atStep(1);
    expect(proc(m, PARENT)).toMatchObject({ status: 'exited', exitSignal: 'SIGTERM' });
    expect(proc(m, CHILD)).toMatchObject({ ppid: RUNNER, status: 'blocked', pendingCall: { fn: 'read' } });
    expect(fileOf(m, CHILD, 3)).toMatchObject({ refCount: 1, holders: [{ pid: CHILD, fd: 3 }] });
    expect(endpointOf(m, CHILD, 3)?.state).toBe('LISTEN');
  });

  it('a new connection queues on the listener no one accepts on; a restarted server cannot bind (EADDRINUSE)', () => {
    const b = trace();
    const r = createReplay(b.trace());
    const m = r.atStep(2);
    expect(byAddresses(m, SERV, CLI2)[0]).toMatchObject({ state: 'ESTABLISHED', fileId: null, queuedOn: endpointOf(m, CHILD, 3)!.id });
    const end = r.atEvent(b.events.length - 1);
    expect(proc(end, PARENT2)?.lastResult).toMatchObject({ fn: 'bind', errno: 'EADDRINUSE' });
    expect(proc(end, PARENT2)?.lastResult?.conflicts).toContain(endpointOf(end, CHILD, 3)!.id);
  });

  it('a parent the kernel does not show is a disagreement (ppid)', () => {
    const r = createReplay(trace(true).trace());
    expect(r.atStep(1).disagreements).toEqual([{ subject: `pid ${CHILD} (child#1)`, fact: 'ppid', model: String(RUNNER), kernel: String(PARENT) }]);
  });
});

/** Clients 1 … n served one after another by children that exit (the client closes first); `sigaction` is called after listen. */
function childrenExit(n: number, id: string, sigaction?: CallArgs['sigaction']): { b: TraceBuilder; children: number[] } {
  const b = new TraceBuilder(header({ id }));
  serverStart(b, PARENT, 'parent', RUNNER, sigaction ? { afterListen: (x) => x.sys(PARENT, 'sigaction', sigaction, 0) } : {});
  const children: number[] = [];
  for (let i = 1; i <= n; i++) {
    const client = 200 + i * 2;
    const child = 100 + i * 2;
    const cli = `127.0.0.1:${40200 + i}`;
    clientConnects(b, client, `client#${i}`, cli, ['close', { fd: 3 }]);
    accepts(b, PARENT, 4, cli);
    forks(b, PARENT, child, `child#${i}`);
    b.sys(PARENT, 'close', { fd: 4 }, 0).call(PARENT, 'accept', { fd: 3 });
    b.sys(child, 'close', { fd: 3 }, 0).call(child, 'read', { fd: 4, count: 4096 });
    b.ret(client, 'close', 0).call(client, 'exit', { status: 0 }).exit(client, 0);
    b.ret(child, 'read', 0, { data: '' }).sys(child, 'close', { fd: 4 }, 0).call(child, 'exit', { status: 0 }).exit(child, 0);
    children.push(child);
  }
  return { b, children };
}

describe('SIGCHLD and zombies', () => {
  it('zombies: with SIGCHLD at its default and no wait, every child stays a zombie of the server', () => {
    const { b, children } = childrenExit(3, 'zombies');
    const tw = children.map((_, i) => client('TIME_WAIT', [], `127.0.0.1:${40201 + i}`));
    b.kernel([P('kernel', 'accept'), ...children.map((c, i) => Z(c, `child#${i + 1}`))], [listener([PARENT, 3]), ...tw]);
    const m = expectAgreement(b).atStep(0);
    const zombies = m.processes.filter((p) => p.status === 'zombie');
    expect(zombies.map((p) => [p.role, p.ppid])).toEqual(children.map((_, i) => [`child#${i + 1}`, PARENT]));
    expect(proc(m, PARENT)?.sigchld).toBe('default');
  });

  it('the knob alone does not ignore SIGCHLD: the disposition is what sigaction returned', () => {
    const b = new TraceBuilder(header({ knobs: { sigchld: 'ignore' } }));
    serverStart(b);
    clientConnects(b, CLIENT, 'client#1', CLI);
    accepts(b, PARENT, 4, CLI);
    forks(b, PARENT, CHILD, 'child#1');
    b.exit(CHILD, 0);
    expect(proc(last(b), CHILD)?.status).toBe('zombie');
  });

  it('sigchld-ignore: sigaction(SIG_IGN): children leave no zombie', () => {
    const { b, children } = childrenExit(2, 'sigchld-ignore', { sig: 'SIGCHLD', handler: 'SIG_IGN', flags: '0' });
    b.kernel([P('kernel', 'accept')], [listener([PARENT, 3]), client('TIME_WAIT', [], '127.0.0.1:40201'), client('TIME_WAIT', [], '127.0.0.1:40202')]);
    const r = expectAgreement(b);
    const m = r.atStep(0);
    expect(proc(m, PARENT)?.sigchld).toBe('ignore');
    for (const c of children) expect(proc(m, c)?.status).toBe('exited');
    expect(m.processes.some((p) => p.status === 'zombie')).toBe(false);
  });

  describe('sigchld-waitpid: a handler with a waitpid loop, SA_RESTART', () => {
    const handler: CallArgs['sigaction'] = { sig: 'SIGCHLD', handler: 'sig_chld', flags: 'SA_RESTART' };
    function trace(kernelAfter: 'accept' | 'running' = 'accept'): { b: TraceBuilder; children: number[] } {
      const { b, children } = childrenExit(2, 'sigchld-waitpid', handler);
      const [c1, c2] = children as [number, number];
      const tws = [client('TIME_WAIT', [], '127.0.0.1:40201'), client('TIME_WAIT', [], '127.0.0.1:40202')];
      // The first SIGCHLD: the handler runs inside accept and stops at waitpid's gate.
      b.kernel([P('kernel', 'accept'), Z(c1, 'child#1'), Z(c2, 'child#2')], [listener([PARENT, 3]), ...tws]);
      b.call(PARENT, 'waitpid', { pid: -1, options: 'WNOHANG' });
      b.kernel([P('gate', 'waitpid'), Z(c1, 'child#1'), Z(c2, 'child#2')], [listener([PARENT, 3]), ...tws]);
      b.ret(PARENT, 'waitpid', c1, { status: 0 }).call(PARENT, 'waitpid', { pid: -1, options: 'WNOHANG' });
      b.kernel([P('gate', 'waitpid'), Z(c2, 'child#2')], [listener([PARENT, 3]), ...tws]);
      b.ret(PARENT, 'waitpid', c2, { status: 0 }).call(PARENT, 'waitpid', { pid: -1, options: 'WNOHANG' });
      b.ret(PARENT, 'waitpid', -1, {}, 'ECHILD');
      // The SIGCHLD that was pending runs the handler again: nothing to reap.
      b.call(PARENT, 'waitpid', { pid: -1, options: 'WNOHANG' }).ret(PARENT, 'waitpid', -1, {}, 'ECHILD');
      b.kernel([kernelAfter === 'accept' ? P('kernel', 'accept') : P('running', null)], [listener([PARENT, 3]), ...tws]);
      return { b, children };
    }

    it('agrees with the kernel throughout (whether the runner shows the restarted accept or not)', () => {
      expectAgreement(trace('accept').b);
      expectAgreement(trace('running').b);
    });

    it('the handler interrupts accept: waitpid at its gate, accept underneath', () => {
      const r = createReplay(trace().b.trace());
      const m = r.atStep(1);
      expect(proc(m, PARENT)).toMatchObject({ status: 'at-gate', pendingCall: { fn: 'waitpid' }, sigchld: 'handler', sigchldRestart: true });
      expect(proc(m, PARENT)?.interrupted?.map((c) => c.fn)).toEqual(['accept']);
    });

    it('each waitpid that returns a pid reaps that zombie; after the loop accept goes on (SA_RESTART)', () => {
      const { b, children } = trace();
      const r = createReplay(b.trace());
      const one = r.atStep(2);
      expect(proc(one, children[0]!)?.status).toBe('exited');
      expect(proc(one, children[1]!)?.status).toBe('zombie');
      expect(proc(one, PARENT)?.lastResult).toEqual({ fn: 'waitpid', ret: children[0], errno: null });
      const end = r.atStep(3);
      // child#2 was reaped in this step: shown exited for this step only.
      expect(end.processes.map((p) => [p.role, p.status])).toEqual([
        ['parent', 'blocked'],
        ['child#2', 'exited'],
      ]);
      expect(proc(end, PARENT)).toMatchObject({ pendingCall: { fn: 'accept' }, interrupted: [] });
      // The next connection completes the restarted accept.
      b.ready(PARENT, 'accept', 3).ret(PARENT, 'accept', 4, { local: SERV, peer: CLI });
      expect(proc(last(b), PARENT)?.lastResult).toEqual({ fn: 'accept', ret: 4, errno: null });
    });

    it('a waitpid that returns a child before its exit event came: the child has exited and is reaped', () => {
      const b = new TraceBuilder(header({ id: 'sigchld-waitpid' }));
      serverStart(b, PARENT, 'parent', RUNNER, { afterListen: (x) => x.sys(PARENT, 'sigaction', handler, 0) });
      clientConnects(b, CLIENT, 'client#1', CLI);
      accepts(b, PARENT, 4, CLI);
      forks(b, PARENT, CHILD, 'child#1');
      b.sys(PARENT, 'close', { fd: 4 }, 0).call(PARENT, 'accept', { fd: 3 });
      b.sys(CHILD, 'close', { fd: 3 }, 0).call(CHILD, 'exit', { status: 0 });
      b.call(PARENT, 'waitpid', { pid: -1, options: 'WNOHANG' }).ret(PARENT, 'waitpid', CHILD, { status: 0 });
      const early = last(b);
      expect(proc(early, CHILD)).toMatchObject({ status: 'exited', exitStatus: 0 });
      expect(endpointOf(early, CLIENT, 3)?.state).toBe('CLOSE_WAIT'); // its exit closed connfd
      b.exit(CHILD, 0);
      expect(proc(last(b), CHILD)).toMatchObject({ status: 'exited', exitStatus: 0 });
      expect(last(b).notes ?? []).toEqual([]);
    });
  });

  it('accept-eintr: without SA_RESTART the interrupted accept fails EINTR and the server exits', () => {
    const { b, children } = childrenExit(1, 'accept-eintr', { sig: 'SIGCHLD', handler: 'sig_chld', flags: '0' });
    const c1 = children[0]!;
    const tw = client('TIME_WAIT', [], '127.0.0.1:40201');
    b.kernel([P('kernel', 'accept'), Z(c1, 'child#1')], [listener([PARENT, 3]), tw]);
    b.call(PARENT, 'waitpid', { pid: -1, options: 'WNOHANG' });
    b.kernel([P('gate', 'waitpid'), Z(c1, 'child#1')], [listener([PARENT, 3]), tw]);
    b.ret(PARENT, 'waitpid', c1, { status: 0 }).call(PARENT, 'waitpid', { pid: -1, options: 'WNOHANG' });
    b.kernel([P('gate', 'waitpid')], [listener([PARENT, 3]), tw]);
    b.ret(PARENT, 'waitpid', -1, {}, 'ECHILD').ret(PARENT, 'accept', -1, {}, 'EINTR');
    b.push({ kind: 'output', pid: PARENT, role: 'parent', stream: 'stderr', text: 'server.c:55: accept error: Interrupted system call\n' });
    b.exit(PARENT, 1);
    b.kernel([], [tw]);
    const r = expectAgreement(b);
    expect(proc(r.atStep(1), PARENT)).toMatchObject({ sigchldRestart: false, interrupted: [{ fn: 'accept' }] });
    const eintrAt = b.events.findIndex((e) => e.kind === 'return' && e.errno === 'EINTR');
    const failed = r.atEvent(eintrAt);
    expect(proc(failed, PARENT)).toMatchObject({ status: 'running', pendingCall: null, interrupted: [], lastResult: { fn: 'accept', ret: -1, errno: 'EINTR' } });
    const end = r.atStep(3);
    expect(proc(end, PARENT)).toMatchObject({ status: 'exited', exitStatus: 1 });
    expect(end.endpoints.find((e) => e.kind === 'listener')?.state).toBe('CLOSED');
  });
});

describe('linger-rst: SO_LINGER 0', () => {
  it('close sends RST instead of FIN; no TIME_WAIT anywhere; the child read fails ECONNRESET', () => {
    const b = new TraceBuilder(header({ id: 'linger-rst' }));
    serverStart(b);
    clientConnects(b, CLIENT, 'client#1', CLI, ['setsockopt', { fd: 3, level: 'SOL_SOCKET', optname: 'SO_LINGER', l_onoff: 1, l_linger: 0 }]);
    accepts(b, PARENT, 4, CLI);
    forks(b, PARENT, CHILD, 'child#1');
    b.sys(PARENT, 'close', { fd: 4 }, 0).call(PARENT, 'accept', { fd: 3 });
    b.sys(CHILD, 'close', { fd: 3 }, 0).call(CHILD, 'read', { fd: 4, count: 4096 });
    b.ret(CLIENT, 'setsockopt', 0).call(CLIENT, 'close', { fd: 3 });
    b.kernel([P('kernel', 'accept'), C('gate', 'close'), K('kernel', 'read')], [listener([PARENT, 3]), conn('ESTABLISHED', [[CHILD, 4]]), client('ESTABLISHED')]);
    b.ret(CLIENT, 'close', 0).call(CLIENT, 'exit', { status: 0 });
    b.ret(CHILD, 'read', -1, {}, 'ECONNRESET');
    b.push({ kind: 'output', pid: CHILD, role: 'child#1', stream: 'stderr', text: 'server.c:19: read error: Connection reset by peer\n' });
    b.exit(CHILD, 1);
    b.kernel([P('kernel', 'accept'), C('gate', 'exit'), Z()], [listener([PARENT, 3])]);
    const r = expectAgreement(b);
    const before = r.atStep(0);
    expect(endpointOf(before, CLIENT, 3)?.lingerZero).toBe(true);
    const m = r.atStep(1);
    expect(flags(m, 1)).toEqual(['RST+ACK']);
    expect(m.segments.some((s) => s.flags.includes('FIN'))).toBe(false);
    expect(m.endpoints.some((e) => e.state === 'TIME_WAIT')).toBe(false);
    expect(byAddresses(m, SERV, CLI)[0]).toMatchObject({ state: 'CLOSED', error: 'reset', path: ['ESTABLISHED', 'CLOSED'] });
    expect(byAddresses(m, CLI, SERV)[0]).toMatchObject({ state: 'CLOSED', path: ['ESTABLISHED', 'CLOSED'] });
    expect(proc(m, CHILD)).toMatchObject({ status: 'zombie', exitStatus: 1, lastResult: { fn: 'read', ret: -1, errno: 'ECONNRESET' } });
  });

  it('the reset socket a descriptor still names is CLOSED, in no TCP table', () => {
    const b = new TraceBuilder(header({ id: 'linger-rst' }));
    serverStart(b);
    clientConnects(b, CLIENT, 'client#1', CLI, ['setsockopt', { fd: 3, level: 'SOL_SOCKET', optname: 'SO_LINGER', l_onoff: 1, l_linger: 0 }]);
    accepts(b, PARENT, 4, CLI);
    b.ret(CLIENT, 'setsockopt', 0).sys(CLIENT, 'close', { fd: 3 }, 0).call(CLIENT, 'exit', { status: 0 }).call(PARENT, 'read', { fd: 4, count: 4096 });
    b.kernel([P('gate', 'read'), C('gate', 'exit')], [listener([PARENT, 3]), heldClosed([PARENT, 4])]);
    const r = expectAgreement(b);
    expect(endpointOf(r.atStep(0), PARENT, 4)).toMatchObject({ state: 'CLOSED', error: 'reset' });
  });
});

describe('socket options a connection inherits from its listener', () => {
  it('SO_LINGER 0 on the listener: the accepted connection aborts with RST at its last close', () => {
    const b = new TraceBuilder();
    const linger = (x: TraceBuilder) => x.sys(PARENT, 'setsockopt', { fd: 3, level: 'SOL_SOCKET', optname: 'SO_LINGER', l_onoff: 1, l_linger: 0 }, 0);
    serverStart(b, PARENT, 'parent', RUNNER, { afterSocket: linger });
    clientConnects(b, CLIENT, 'client#1', CLI);
    accepts(b, PARENT, 4, CLI);
    expect(endpointOf(last(b), PARENT, 4)?.lingerZero).toBe(true);
    b.sys(PARENT, 'close', { fd: 4 }, 0);
    const m = last(b);
    expect(m.segments.at(-1)?.flags).toEqual(['RST', 'ACK']);
    expect(endpointOf(m, CLIENT, 3)).toMatchObject({ state: 'CLOSED', error: 'reset' });
  });
});

describe('many-clients: five at once', () => {
  it('five connections wait in the queue, then five children serve them; accept takes them in order', () => {
    const b = new TraceBuilder(header({ id: 'many-clients' }));
    serverStart(b);
    const n = 5;
    const client = (i: number) => 200 + i;
    const child = (i: number) => 110 + i;
    const cli = (i: number) => `127.0.0.1:${40300 + i}`;
    for (let i = 1; i <= n; i++) clientConnects(b, client(i), `client#${i}`, cli(i));
    const clients = (place: Place) => Array.from({ length: n }, (_, j) => C(place, 'write', client(j + 1), `client#${j + 1}`));
    const clientSocks = Array.from({ length: n }, (_, j) => ksock('ESTABLISHED', cli(j + 1), SERV, [[client(j + 1), 3]], 6000 + j));
    b.ready(PARENT, 'accept', 3);
    b.kernel([P('gate', 'accept'), ...clients('gate')], [listener([PARENT, 3]), ...Array.from({ length: n }, (_, j) => conn('ESTABLISHED', [], cli(j + 1))), ...clientSocks]);
    for (let i = 1; i <= n; i++) {
      if (i > 1) b.call(PARENT, 'accept', { fd: 3 }).ready(PARENT, 'accept', 3);
      b.ret(PARENT, 'accept', 4, { local: SERV, peer: cli(i) });
      forks(b, PARENT, child(i), `child#${i}`);
      b.sys(PARENT, 'close', { fd: 4 }, 0).sys(child(i), 'close', { fd: 3 }, 0).call(child(i), 'read', { fd: 4, count: 4096 });
    }
    b.call(PARENT, 'accept', { fd: 3 });
    const children = Array.from({ length: n }, (_, j) => K('kernel', 'read', child(j + 1), `child#${j + 1}`));
    b.kernel(
      [P('kernel', 'accept'), ...clients('gate'), ...children],
      [listener([PARENT, 3]), ...Array.from({ length: n }, (_, j) => conn('ESTABLISHED', [[child(j + 1), 4]], cli(j + 1))), ...clientSocks],
    );
    const r = expectAgreement(b);
    const queued = r.atStep(0);
    expect(queued.endpoints.filter((e) => e.queuedOn !== null)).toHaveLength(n);
    const m = r.atStep(1);
    expect(m.processes.filter((p) => p.role.startsWith('child')).map((p) => [p.role, p.ppid])).toEqual(Array.from({ length: n }, (_, j) => [`child#${j + 1}`, PARENT]));
    for (let i = 1; i <= n; i++) expect(endpointOf(m, child(i), 4)).toMatchObject({ remote: cli(i), state: 'ESTABLISHED' });
    expect(fileOf(m, PARENT, 3)?.refCount).toBe(1);
    expect(m.openFiles.map((f) => f.refCount)).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
  });
});

describe('the call each process is at', () => {
  it('a kernel snapshot that shows a process at another call is a disagreement', () => {
    const b = new TraceBuilder();
    serverStart(b);
    b.kernel([P('gate', 'listen')], [listener([PARENT, 3])]);
    expect(createReplay(b.trace()).atStep(0).disagreements).toEqual([
      { subject: `pid ${PARENT} (parent)`, fact: 'call', model: 'at the lab’s gate before accept()', kernel: 'at the gate before listen' },
    ]);
  });

  it('a process the model has at a gate but the kernel shows running is a disagreement', () => {
    const b = new TraceBuilder();
    serverStart(b);
    b.kernel([P('running', null)], [listener([PARENT, 3])]);
    expect(createReplay(b.trace()).atStep(0).disagreements.map((d) => [d.fact, d.model, d.kernel])).toEqual([['call', 'at the lab’s gate before accept()', 'running']]);
  });
});
