// A small builder of synthetic traces for unit tests: it numbers events and kernel snapshots,
// and knows the shape of the lab's calls (args named as src/lab writes them: CallArgs in
// src/trace/types.ts, checked when compiling and, with the parser, when a test builds a trace).

import { parseRecord } from '../../src/trace/parse.ts';
import type { CallArgs, CallName, KernelProcess, KernelSocket, NoArgs, ReturnFields, ReturningCall, Trace, TraceEvent, TraceHeader } from '../../src/trace/types.ts';

export const PORT = 9877;
export const SERV = `127.0.0.1:${PORT}`;
export const ANY = `0.0.0.0:${PORT}`;
/** socket(AF_INET, SOCK_STREAM, 0)'s arguments, as the lab writes them. */
export const TCP_SOCKET: CallArgs['socket'] = { domain: 'AF_INET', type: 'SOCK_STREAM', protocol: 0 };

export function header(overrides: Partial<TraceHeader['scenario']> = {}): TraceHeader {
  return {
    kind: 'header',
    format: 'forkscope-trace',
    version: 1,
    scenario: { id: 'test', title: 'test', port: PORT, knobs: {}, ...overrides },
    platform: { os: 'linux', release: 'test' },
    recordedAt: '2025-01-01T00:00:00Z',
    clock: 'monotonic-ns',
  };
}

type Dist<T> = T extends unknown ? Omit<T, 'seq' | 't'> : never;
/** A call and its arguments, as one value: ['close', { fd: 3 }]. */
export type CallOf = { [F in CallName]: [fn: F, args: CallArgs[F]] }[CallName];
/** A call's arguments and source line: the arguments may be left out only for a call that has none. */
type ArgsOf<F extends CallName> = CallArgs[F] extends NoArgs ? [args?: NoArgs, line?: number] : [args: CallArgs[F], line?: number];

export class TraceBuilder {
  readonly events: TraceEvent[] = [];
  private step = 0;
  /** Trace time, ns; each event advances it by 1 µs unless told otherwise. */
  t = 0;
  private roles = new Map<number, string>();

  constructor(readonly head: TraceHeader = header()) {}

  push(e: Dist<TraceEvent>): this {
    this.t += 1000;
    const event = { ...e, seq: this.events.length, t: this.t } as TraceEvent;
    // A test's calls and returns are the lab's: what the types cannot say (a return's fields for its
    // result, errno with -1) the parser checks. The line number is the event's in b.jsonl().
    if (event.kind === 'call' || event.kind === 'return') parseRecord(event, this.events.length + 2);
    this.events.push(event);
    return this;
  }

  role(pid: number): string {
    return this.roles.get(pid) ?? `pid${pid}`;
  }

  spawn(pid: number, role: string, program: 'server' | 'client', ppid = 1): this {
    this.roles.set(pid, role);
    return this.push({ kind: 'spawn', pid, ppid, role, program, argv: [program] });
  }

  /** A call event; `args` as the lab names them (CallArgs), none for fork and pause. */
  call<F extends CallName>(pid: number, fn: F, ...[args, line = 10]: ArgsOf<F>): this {
    return this.push({ kind: 'call', pid, role: this.role(pid), fn, args: args ?? {}, file: 'server.c', line } as Dist<TraceEvent>);
  }

  ret<F extends ReturningCall>(pid: number, fn: F, ret: number, extra: ReturnFields[F] = {}, errno: string | null = null): this {
    return this.push({ kind: 'return', pid, role: this.role(pid), fn, ret, errno, ...extra } as Dist<TraceEvent>);
  }

  /** call + return in one go (a released gate of a call that does not block). */
  sys<F extends ReturningCall>(pid: number, fn: F, args: CallArgs[F], ret: number, extra: ReturnFields[F] = {}): this {
    return this.call<ReturningCall>(pid, fn, ...([args] as ArgsOf<ReturningCall>)).ret(pid, fn, ret, extra);
  }

  /** The runner opens the process's gate (trace 1.1): it goes on into `fn`. */
  release(pid: number, fn: CallName): this {
    return this.push({ kind: 'release', pid, role: this.role(pid), fn });
  }

  ready(pid: number, fn: 'accept', fd: number): this {
    return this.push({ kind: 'ready', pid, role: this.role(pid), fn, fd });
  }

  exit(pid: number, status = 0): this {
    return this.push({ kind: 'exit', pid, role: this.role(pid), status, signal: null });
  }

  /** The process was killed by `signal` (exit status null). */
  killed(pid: number, signal: string): this {
    return this.push({ kind: 'exit', pid, role: this.role(pid), status: null, signal });
  }

  /** The runner sends `signal` to a process (a `signal` event; its exit follows). */
  signal(pid: number, signal = 'SIGTERM'): this {
    return this.push({ kind: 'signal', pid, role: this.role(pid), signal, from: 'runner' });
  }

  /** A child created by fork: its return event (ret 0) names it. */
  forkChild(childPid: number, role: string, ppid: number): this {
    this.roles.set(childPid, role);
    return this.ret(childPid, 'fork', 0, { ppid });
  }

  kernel(processes: KernelProcess[] = [], sockets: KernelSocket[] = [], label = `s${this.step}`): this {
    return this.push({ kind: 'kernel', step: this.step++, label, processes, sockets });
  }

  end(): this {
    return this.push({ kind: 'end', reason: 'completed' });
  }

  trace(): Trace {
    return { header: this.head, events: [...this.events] };
  }

  jsonl(): string {
    return [this.head, ...this.events].map((r) => JSON.stringify(r)).join('\n') + '\n';
  }
}

export function kproc(pid: number, role: string, state = 'S', place: KernelProcess['place'] = 'gate', blockedIn: string | null = null, ppid = 1): KernelProcess {
  return { pid, ppid, role, state, place, blockedIn };
}

export function ksock(state: KernelSocket['state'], local: string, remote: string, holders: [number, number][], inode = 1000): KernelSocket {
  return { inode: holders.length ? inode : 0, state, local, remote, holders: holders.map(([pid, fd]) => ({ pid, fd })) };
}

// ───────── The flagship scenario (src/scenarios/concurrent.ts), as the lab writes it ─────────

export const PARENT = 100;
export const CHILD = 101;
export const CLIENT = 200;
export const RUNNER = 50;
export const CLI = '127.0.0.1:40112';
const UNB = '0.0.0.0:0';

/** Schedule ids in order; step N (N ≥ 1) carries out entry N − 1. */
export const CONCURRENT_STEPS = [
  'start',
  'parent-socket',
  'parent-bind',
  'parent-listen',
  'parent-accept-blocks',
  'client-start',
  'client-socket',
  'client-connect',
  'parent-accept-returns',
  'parent-fork',
  'parent-close-connfd',
  'child-close-listenfd',
  'parent-accept-again',
  'child-read-blocks',
  'client-write',
  'child-write',
  'client-read',
  'child-read-again',
  'client-close',
  'child-close-connfd',
  'child-exit',
  'client-exit',
] as const;

export function stepOf(label: (typeof CONCURRENT_STEPS)[number]): number {
  return CONCURRENT_STEPS.indexOf(label);
}

/**
 * Figure 4.13's server and one client, one system call per step, with kernel snapshots that say
 * what Linux shows after each step. `tamper` may change a snapshot (to test the check).
 */
export function concurrentTrace(tamper?: (step: number, k: { processes: KernelProcess[]; sockets: KernelSocket[] }) => void): TraceBuilder {
  const b = new TraceBuilder(header({ id: 'concurrent' }));
  const msg = 'hello, world\n';
  const echo = 'HELLO, WORLD\n';
  let step = 0;
  const P = (place: KernelProcess['place'], call: string | null) => kproc(PARENT, 'parent', 'S', place, call, RUNNER);
  const K = (place: KernelProcess['place'], call: string | null) => kproc(CHILD, 'child#1', 'S', place, call, PARENT);
  const C = (place: KernelProcess['place'], call: string | null) => kproc(CLIENT, 'client#1', 'S', place, call, RUNNER);
  const snap = (processes: KernelProcess[], sockets: KernelSocket[]) => {
    const k = { processes, sockets };
    tamper?.(step, k);
    b.kernel(k.processes, k.sockets, CONCURRENT_STEPS[step]);
    step++;
  };
  const listen = (...holders: [number, number][]) => ksock('LISTEN', ANY, UNB, holders, 5001);
  const client = (state: KernelSocket['state'], holders: [number, number][] = [[CLIENT, 3]]) => ksock(state, CLI, SERV, holders, 5002);
  const conn = (state: KernelSocket['state'], ...holders: [number, number][]) => ksock(state, SERV, CLI, holders, 5003);

  b.spawn(PARENT, 'parent', 'server', RUNNER).call(PARENT, 'socket', { domain: 'AF_INET', type: 'SOCK_STREAM', protocol: 0 });
  snap([P('gate', 'socket')], []); // 0 start
  b.ret(PARENT, 'socket', 3).call(PARENT, 'bind', { fd: 3, addr: ANY });
  snap([P('gate', 'bind')], [ksock('CLOSED', UNB, UNB, [[PARENT, 3]], 5001)]); // 1
  b.ret(PARENT, 'bind', 0).call(PARENT, 'listen', { fd: 3, backlog: 1024 });
  snap([P('gate', 'listen')], [ksock('CLOSED', UNB, UNB, [[PARENT, 3]], 5001)]); // 2
  b.ret(PARENT, 'listen', 0).call(PARENT, 'accept', { fd: 3 });
  snap([P('gate', 'accept')], [listen([PARENT, 3])]); // 3
  snap([P('kernel', 'accept')], [listen([PARENT, 3])]); // 4 parent-accept-blocks
  b.spawn(CLIENT, 'client#1', 'client', RUNNER).call(CLIENT, 'socket', { domain: 'AF_INET', type: 'SOCK_STREAM', protocol: 0 });
  snap([P('kernel', 'accept'), C('gate', 'socket')], [listen([PARENT, 3])]); // 5 client-start
  b.ret(CLIENT, 'socket', 3).call(CLIENT, 'connect', { fd: 3, addr: SERV });
  snap([P('kernel', 'accept'), C('gate', 'connect')], [listen([PARENT, 3]), ksock('CLOSED', UNB, UNB, [[CLIENT, 3]], 5002)]); // 6
  b.ret(CLIENT, 'connect', 0, { local: CLI }).ready(PARENT, 'accept', 3).call(CLIENT, 'write', { fd: 3, count: 13, data: msg });
  snap([P('gate', 'accept'), C('gate', 'write')], [listen([PARENT, 3]), client('ESTABLISHED'), conn('ESTABLISHED')]); // 7 Figure 4.14
  b.ret(PARENT, 'accept', 4, { local: SERV, peer: CLI }).call(PARENT, 'fork');
  snap([P('gate', 'fork'), C('gate', 'write')], [listen([PARENT, 3]), client('ESTABLISHED'), conn('ESTABLISHED', [PARENT, 4])]); // 8 Figure 4.15
  b.ret(PARENT, 'fork', CHILD).forkChild(CHILD, 'child#1', PARENT).call(PARENT, 'close', { fd: 4 }).call(CHILD, 'close', { fd: 3 });
  snap(
    [P('gate', 'close'), C('gate', 'write'), K('gate', 'close')],
    [listen([PARENT, 3], [CHILD, 3]), client('ESTABLISHED'), conn('ESTABLISHED', [PARENT, 4], [CHILD, 4])],
  ); // 9 Figure 4.16
  b.ret(PARENT, 'close', 0).call(PARENT, 'accept', { fd: 3 });
  snap(
    [P('gate', 'accept'), C('gate', 'write'), K('gate', 'close')],
    [listen([PARENT, 3], [CHILD, 3]), client('ESTABLISHED'), conn('ESTABLISHED', [CHILD, 4])],
  ); // 10
  b.ret(CHILD, 'close', 0).call(CHILD, 'read', { fd: 4, count: 4096 });
  snap([P('gate', 'accept'), C('gate', 'write'), K('gate', 'read')], [listen([PARENT, 3]), client('ESTABLISHED'), conn('ESTABLISHED', [CHILD, 4])]); // 11 Figure 4.17
  snap([P('kernel', 'accept'), C('gate', 'write'), K('gate', 'read')], [listen([PARENT, 3]), client('ESTABLISHED'), conn('ESTABLISHED', [CHILD, 4])]); // 12
  snap([P('kernel', 'accept'), C('gate', 'write'), K('kernel', 'read')], [listen([PARENT, 3]), client('ESTABLISHED'), conn('ESTABLISHED', [CHILD, 4])]); // 13
  b.ret(CLIENT, 'write', 13).ret(CHILD, 'read', 13, { data: msg }).call(CHILD, 'write', { fd: 4, count: 13, data: echo });
  b.call(CLIENT, 'read', { fd: 3, count: 4096 });
  snap([P('kernel', 'accept'), C('gate', 'read'), K('gate', 'write')], [listen([PARENT, 3]), client('ESTABLISHED'), conn('ESTABLISHED', [CHILD, 4])]); // 14
  b.ret(CHILD, 'write', 13).call(CHILD, 'read', { fd: 4, count: 4096 });
  snap([P('kernel', 'accept'), C('gate', 'read'), K('gate', 'read')], [listen([PARENT, 3]), client('ESTABLISHED'), conn('ESTABLISHED', [CHILD, 4])]); // 15
  b.ret(CLIENT, 'read', 13, { data: echo }).call(CLIENT, 'close', { fd: 3 });
  snap([P('kernel', 'accept'), C('gate', 'close'), K('gate', 'read')], [listen([PARENT, 3]), client('ESTABLISHED'), conn('ESTABLISHED', [CHILD, 4])]); // 16
  snap([P('kernel', 'accept'), C('gate', 'close'), K('kernel', 'read')], [listen([PARENT, 3]), client('ESTABLISHED'), conn('ESTABLISHED', [CHILD, 4])]); // 17
  b.ret(CLIENT, 'close', 0).ret(CHILD, 'read', 0, { data: '' }).call(CHILD, 'close', { fd: 4 }).call(CLIENT, 'exit', { status: 0 });
  snap([P('kernel', 'accept'), C('gate', 'exit'), K('gate', 'close')], [listen([PARENT, 3]), client('FIN_WAIT_2', []), conn('CLOSE_WAIT', [CHILD, 4])]); // 18
  b.ret(CHILD, 'close', 0).call(CHILD, 'exit', { status: 0 });
  snap([P('kernel', 'accept'), C('gate', 'exit'), K('gate', 'exit')], [listen([PARENT, 3]), client('TIME_WAIT', [])]); // 19
  b.exit(CHILD, 0);
  snap([P('kernel', 'accept'), C('gate', 'exit'), kproc(CHILD, 'child#1', 'Z', 'zombie', null, PARENT)], [listen([PARENT, 3]), client('TIME_WAIT', [])]); // 20
  b.exit(CLIENT, 0);
  snap([P('kernel', 'accept'), kproc(CHILD, 'child#1', 'Z', 'zombie', null, PARENT)], [listen([PARENT, 3]), client('TIME_WAIT', [])]); // 21
  b.end();
  return b;
}
