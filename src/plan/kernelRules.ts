// What a system call returns, decided from the model's state: the rules the prediction
// (predict.ts) needs and the model does not hold, because the model applies what a trace says a
// call returned and never has to choose it. Each rule is written once, as a pure function of the
// model's context (src/model/state.ts) and of the little the model does not keep about a socket
// (SocketSide: the listen backlog, a pending socket error, the bytes received).
//
// Linux 6.18 on loopback, checked on this machine with small programs where the book is silent:
//   - listen(fd, n) queues n + 1 connections; the next connect's SYN is dropped (the connect blocks);
//   - accept takes a descriptor first: with none free it fails EMFILE at once, queue or not;
//   - a RST in ESTABLISHED leaves ECONNRESET pending (read and write each report it once: read
//     then returns 0, write then fails EPIPE and raises SIGPIPE); in CLOSE_WAIT it leaves EPIPE
//     (so a write after it raises SIGPIPE at once); a read after the peer's FIN returns 0
//     whatever is pending (SOCK_DONE comes first);
//   - after shutdown(SHUT_RD) a read still returns the bytes already queued, then 0;
//   - write fails EPIPE (and raises SIGPIPE) on a socket never connected, a listener, and after
//     the process's own shutdown(SHUT_WR); read fails ENOTCONN on a listener or a socket never
//     connected;
//   - bind fails EADDRINUSE when another socket has the port, unless both have SO_REUSEADDR and
//     the other is not a listener (a TIME_WAIT or a connection whose socket had it); EINVAL on a
//     socket already bound.

import type { EndpointState, ProcState, SystemContext } from '../model/state.ts';
import { isAlive } from '../model/process.ts';
import { portOf } from '../model/args.ts';

/** A pending socket error (Linux sk_err), left by a RST: which one depends on the state it hit. */
export type SocketError = 'ECONNRESET' | 'EPIPE';

/** What the prediction keeps about sockets beside the model, by endpoint id. */
export interface SocketSide {
  /** listen's backlog of each listener. */
  backlog: Map<string, number>;
  /** The error a RST left, until a read or a write reports it. */
  error: Map<string, SocketError>;
  /** Bytes received and not read yet, as text (the model keeps only their count). */
  received: Map<string, string>;
}

export function newSocketSide(): SocketSide {
  return { backlog: new Map(), error: new Map(), received: new Map() };
}

/** A call's result: it returns (ret, errno, the return's extra fields), blocks, or kills its process. */
export type Outcome =
  | { kind: 'returns'; ret: number; errno: string | null; fields?: Record<string, string | number | null> }
  | { kind: 'blocks' }
  | { kind: 'killed'; signal: 'SIGPIPE' };

const ok = (ret: number, fields?: Record<string, string | number | null>): Outcome => (fields ? { kind: 'returns', ret, errno: null, fields } : { kind: 'returns', ret, errno: null });
const fails = (errno: string): Outcome => ({ kind: 'returns', ret: -1, errno });
const BLOCKS: Outcome = { kind: 'blocks' };
const SIGPIPE: Outcome = { kind: 'killed', signal: 'SIGPIPE' };

/**
 * Where a socket's received bytes are kept: its own endpoint, or the connection it was detached
 * from when that went to TIME_WAIT with a descriptor still on it (the model moves the count of
 * unread bytes to the descriptor's new CLOSED socket; the bytes stay under the connection's id).
 */
export function receivedKey(side: SocketSide, e: EndpointState): string {
  return !side.received.has(e.id) && e.timeWaitId !== null ? e.timeWaitId : e.id;
}

/** read's buffer (MAXLINE in the sandbox): at most this many bytes per read. */
export const READ_COUNT = 4096;

/** The endpoint behind a process's descriptor, if the descriptor names a socket. */
export function socketOf(ctx: SystemContext, pid: number, fd: number): EndpointState | undefined {
  const fileId = ctx.processes.get(pid)?.fds[fd];
  if (fileId === undefined) return undefined;
  const file = ctx.files.get(fileId);
  return file ? ctx.endpoints.get(file.endpointId) : undefined;
}

/**
 * The standard streams a sandbox process starts with: 0 is /dev/null (read only); 1 and 2 are
 * the runner's pipes, which Node makes of AF_UNIX socket pairs (libuv): the lab's events go out
 * on 1. They are not TCP sockets, and a plan never names them (parsePlan refuses 0–2), so they
 * only keep 0–2 taken: the first socket is 3.
 */
export const STANDARD_FDS: ReadonlySet<number> = new Set([0, 1, 2]);

/** The lowest descriptor a process has free: neither a socket the model has nor a standard stream still open. */
export function lowestFreeFd(p: Pick<ProcState, 'fds'>, std: ReadonlySet<number> = STANDARD_FDS): number {
  let fd = 0;
  while (p.fds[fd] !== undefined || std.has(fd)) fd++;
  return fd;
}

/** socket() and accept() need a new descriptor: the lowest free, or EMFILE at RLIMIT_NOFILE. */
export function newDescriptor(p: Pick<ProcState, 'fds' | 'fdLimit'>, std: ReadonlySet<number> = STANDARD_FDS): number | 'EMFILE' {
  const fd = lowestFreeFd(p, std);
  return p.fdLimit !== null && fd >= p.fdLimit ? 'EMFILE' : fd;
}

/**
 * setrlimit(RLIMIT_NOFILE, {n, n}): lowering is allowed; raising the hard limit above the one a
 * previous setrlimit set (inherited over fork) needs CAP_SYS_RESOURCE, which the lab does not
 * have: EPERM. (The first setrlimit always lowers: the plan's limits are far below the default.)
 */
export function setrlimitRule(p: Pick<ProcState, 'fdLimit'>, n: number): Outcome {
  return p.fdLimit !== null && n > p.fdLimit ? fails('EPERM') : ok(0);
}

export function socketRule(p: ProcState, std: ReadonlySet<number> = STANDARD_FDS): Outcome {
  const fd = newDescriptor(p, std);
  return fd === 'EMFILE' ? fails('EMFILE') : ok(fd);
}

/** A descriptor the process has not open. (0–2 are never sockets here: EBADF too, as the lab's are not ours.) */
function badFd(ctx: SystemContext, pid: number, fd: number): boolean {
  return socketOf(ctx, pid, fd) === undefined;
}

/** Sockets other than `self` that hold `port` for bind: bound, listening, connected, or in TIME_WAIT. */
function holdersOfPort(ctx: SystemContext, port: number, selfId: string): EndpointState[] {
  const out: EndpointState[] = [];
  for (const e of ctx.endpoints.values()) {
    if (e.id === selfId || e.local === null || portOf(e.local) !== port) continue;
    // A CLOSED socket holds its port only while a descriptor names it and it was bound (not a
    // connection that ended: Linux releases an accepted socket's port when it closes).
    if (e.tcp.state === 'CLOSED' && (e.fileId === null || e.kind !== 'listener')) continue;
    out.push(e);
  }
  return out;
}

/**
 * bind needs a socket in no TCP state and bound to no port. A socket the program bound keeps its
 * port (SOCK_BINDPORT_LOCK); a connection's socket that has closed gave its port back (Linux
 * inet_put_port when it reaches CLOSE), so it can be bound again.
 */
function alreadyBound(e: EndpointState): boolean {
  if (e.tcp.state !== 'CLOSED') return true;
  return e.kind === 'listener' && e.local !== null && !hadConnection(e);
}

export function bindRule(ctx: SystemContext, pid: number, fd: number, port: number): Outcome {
  const e = socketOf(ctx, pid, fd);
  if (!e) return fails('EBADF');
  if (alreadyBound(e)) return fails('EINVAL');
  return portConflict(ctx, e, port) ? fails('EADDRINUSE') : ok(0);
}

/** Another socket holds `port` against `e`: unless both have SO_REUSEADDR and the other does not listen. */
function portConflict(ctx: SystemContext, e: EndpointState, port: number): boolean {
  return holdersOfPort(ctx, port, e.id).some((h) => !(e.reuseAddr && h.reuseAddr && h.tcp.state !== 'LISTEN'));
}

export function listenRule(ctx: SystemContext, pid: number, fd: number): Outcome {
  const e = socketOf(ctx, pid, fd);
  if (!e) return fails('EBADF');
  // Only a socket never connected listens (Linux: sock->state SS_UNCONNECTED), whatever became of the connection.
  if ((e.tcp.state !== 'CLOSED' && e.tcp.state !== 'LISTEN') || hadConnection(e)) return fails('EINVAL');
  // Starting to listen takes the port again (inet_csk_listen_start → get_port), with bind's rule:
  // a socket that bound it beside others (SO_REUSEADDR) may find one it now conflicts with.
  const port = e.local === null ? null : portOf(e.local);
  if (e.tcp.state === 'CLOSED' && port !== null && portConflict(ctx, e, port)) return fails('EADDRINUSE');
  return ok(0);
}

/** A socket that was connected (accepted, or a connect that succeeded): it stays so for listen and connect after the connection ends. */
function hadConnection(e: EndpointState): boolean {
  return e.kind === 'server-conn' || e.timeWaitId !== null || (e.remote !== null && e.error !== 'refused');
}

/** setsockopt, and the calls that only need the descriptor to be a socket. */
export function descriptorRule(ctx: SystemContext, pid: number, fd: number): Outcome {
  return badFd(ctx, pid, fd) ? fails('EBADF') : ok(0);
}

/** The listener a connect to `addr` reaches, if one listens there. */
export function listenerAt(ctx: SystemContext, addr: string): EndpointState | undefined {
  for (const e of ctx.endpoints.values()) if (e.tcp.state === 'LISTEN' && e.local === addr) return e;
  return undefined;
}

/** Connections waiting in a listener's accept queue, oldest first. */
export function acceptQueue(ctx: SystemContext, listenerId: string): EndpointState[] {
  return [...ctx.endpoints.values()].filter((e) => e.queuedOn === listenerId && e.tcp.state !== 'SYN_RECEIVED').sort((a, b) => a.queueOrder - b.queueOrder);
}

/**
 * connect to `addr`: a listener with room in its queue (backlog + 1 on Linux) takes it at once;
 * a full queue drops the SYN, and connect blocks until the queue has room (asked again each step:
 * the SYN sent again gets in); no listener refuses it.
 */
export function connectRule(ctx: SystemContext, side: SocketSide, pid: number, fd: number, addr: string): Outcome {
  const e = socketOf(ctx, pid, fd);
  if (!e) return fails('EBADF');
  if (e.tcp.state !== 'CLOSED' || hadConnection(e)) return fails('EISCONN');
  const listener = listenerAt(ctx, addr);
  if (!listener) return fails('ECONNREFUSED');
  const room = (side.backlog.get(listener.id) ?? 0) + 1;
  return acceptQueue(ctx, listener.id).length >= room ? BLOCKS : ok(0);
}

/** accept: a descriptor first (EMFILE), then a listener (EINVAL), then the oldest queued connection, or it blocks. */
export function acceptRule(ctx: SystemContext, pid: number, fd: number, std: ReadonlySet<number> = STANDARD_FDS): Outcome {
  const p = ctx.processes.get(pid)!;
  const e = socketOf(ctx, pid, fd);
  if (!e) return fails('EBADF');
  // Linux takes the new descriptor before it looks at the socket (__sys_accept4_file).
  const newFd = newDescriptor(p, std);
  if (newFd === 'EMFILE') return fails('EMFILE');
  if (e.tcp.state !== 'LISTEN') return fails('EINVAL');
  const conn = acceptQueue(ctx, e.id)[0];
  if (!conn) return BLOCKS;
  return ok(newFd, { local: conn.local ?? e.local ?? '0.0.0.0:0', peer: conn.remote ?? '0.0.0.0:0' });
}

/** Whether a read finds a connection that ended (0) rather than none (ENOTCONN; a refused connect leaves none). */
function wasConnected(e: EndpointState): boolean {
  return hadConnection(e) || e.eof;
}

/** States in which a read waits for data (nothing queued, no FIN, no error). */
const READ_WAITS = new Set(['ESTABLISHED', 'FIN_WAIT_1', 'FIN_WAIT_2', 'SYN_SENT', 'SYN_RECEIVED']);

/**
 * read: queued bytes first (whatever else happened), then end of file after the peer's FIN, a
 * pending error once (ECONNRESET), 0 on a connection that has ended or was shut for reading;
 * ENOTCONN on a listener or a socket never connected; else it blocks.
 */
export function readRule(ctx: SystemContext, side: SocketSide, pid: number, fd: number): Outcome {
  const e = socketOf(ctx, pid, fd);
  if (!e) return fails('EBADF');
  if (e.unread > 0) {
    const n = Math.min(e.unread, READ_COUNT);
    return ok(n, { data: (side.received.get(receivedKey(side, e)) ?? '').slice(0, n) });
  }
  if (e.eof) return ok(0, { data: '' });
  const err = side.error.get(e.id);
  if (err !== undefined) return fails(err);
  if (e.shutRd) return ok(0, { data: '' });
  if (e.tcp.state === 'LISTEN') return fails('ENOTCONN');
  if (e.tcp.state === 'CLOSED') return wasConnected(e) ? ok(0, { data: '' }) : fails('ENOTCONN');
  if (READ_WAITS.has(e.tcp.state)) return BLOCKS;
  return ok(0, { data: '' });
}

/**
 * write (all `count` bytes): fine on a connection that can send (ESTABLISHED, CLOSE_WAIT); a
 * pending error is reported once (ECONNRESET; EPIPE raises SIGPIPE); anything else (shut for
 * writing, never connected, ended, a listener) is EPIPE, and SIGPIPE kills the process.
 */
export function writeRule(ctx: SystemContext, side: SocketSide, pid: number, fd: number, count: number): Outcome {
  const e = socketOf(ctx, pid, fd);
  if (!e) return fails('EBADF');
  const err = side.error.get(e.id);
  if (err === 'ECONNRESET') return fails('ECONNRESET');
  if (err === 'EPIPE') return SIGPIPE;
  if (!e.shutWr && (e.tcp.state === 'ESTABLISHED' || e.tcp.state === 'CLOSE_WAIT')) return ok(count);
  return SIGPIPE;
}

/** shutdown: ENOTCONN on a socket with no connection; else 0 (the model does the rest: a FIN, SHUT_RD, a listener disconnected). */
export function shutdownRule(ctx: SystemContext, pid: number, fd: number): Outcome {
  const e = socketOf(ctx, pid, fd);
  if (!e) return fails('EBADF');
  if (e.tcp.state === 'CLOSED') return fails('ENOTCONN');
  return ok(0);
}

/** The children of a process that have not been reaped: live ones and zombies, oldest first. */
export function childrenOf(ctx: SystemContext, pid: number): ProcState[] {
  return [...ctx.processes.values()].filter((c) => c.ppid === pid && c.pid !== pid && (isAlive(c.life) || c.life === 'zombie')).sort((a, b) => a.order - b.order);
}

/**
 * waitpid(-1, &stat, nohang ? WNOHANG : 0): the oldest zombie child (its pid, and its status or
 * the signal that killed it); with live children only, 0 (WNOHANG) or it blocks; with none,
 * ECHILD. (With SIGCHLD ignored no child becomes a zombie: it blocks until none is left.)
 * `reapedAlready`: a zombie another waitpid of the process has just taken (its return not written yet).
 */
export function waitpidRule(ctx: SystemContext, pid: number, nohang: boolean, reapedAlready: number | null = null): Outcome {
  const children = childrenOf(ctx, pid).filter((c) => c.pid !== reapedAlready);
  const zombie = children.find((c) => c.life === 'zombie');
  if (zombie) return ok(zombie.pid, zombie.exitSignal !== null ? { status: null, signal: zombie.exitSignal } : { status: zombie.exitStatus ?? 0 });
  if (children.length === 0) return fails('ECHILD');
  return nohang ? ok(0) : BLOCKS;
}
