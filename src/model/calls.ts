// What each call's return does to the system model: one applier per call the lab makes
// (src/trace/types.ts, CallArgs), keyed by the call. apply.ts's applyReturn has already moved
// the process out of the call (running again, its result recorded); the applier here does the
// call's own work — a socket created, a descriptor closed, a segment sent — with the arguments of
// the call event, typed as the lab writes them. Pure, like every applier (see apply.ts).

import type { CallArgs, ReturnEvent, ReturningCall } from '../trace/types.ts';
import type { ProcState } from './state.ts';
import type { Draft } from './draft.ts';
import { tcpTransition } from './tcp.ts';
import { hostOf, portOf, WILDCARD_HOSTS } from './args.ts';
import { forkChild, reapChild } from './processes.ts';
import { newEndpoint, newFile, installFd, endpointOfFd, fire, send, flush, activeOpen, closeFd, stopListening } from './network.ts';

/**
 * The work of call `F`'s return. `ev` is the return event, `args` the arguments of its call event,
 * `p` the process (a copy the draft owns: it may be changed in place).
 */
export type ReturnApplier<F extends ReturningCall> = (d: Draft, ev: ReturnEvent<F>, args: CallArgs[F], p: ProcState) => void;

/** The call succeeded: no errno, and a return value that is not -1. */
function succeeded(ev: ReturnEvent): boolean {
  return ev.errno === null && ev.ret >= 0;
}

/** The lowest descriptor a new socket would get (0–2 are the lab's standard streams). */
function lowestFreeFd(p: ProcState): number {
  let fd = 3;
  while (p.fds[fd] !== undefined) fd++;
  return fd;
}

/** Endpoints other than `selfId` that use local port `port` (a LISTEN, a connection, a TIME_WAIT). */
function endpointsOnPort(d: Draft, port: number, selfId: string | undefined): string[] {
  return d
    .allEps()
    .filter((e) => e.id !== selfId && e.local !== null && portOf(e.local) === port && !(e.tcp.state === 'CLOSED' && e.fileId === null))
    .sort((a, b) => idNumber(a.id) - idNumber(b.id))
    .map((e) => e.id);
}

function idNumber(id: string): number {
  const m = /#(\d+)$/.exec(id);
  return m ? Number(m[1]) : 0;
}

const nothing = (): void => {};

/** Every call that returns, with what its return does. A call the lab does not make has no entry. */
export const RETURNS: { readonly [F in ReturningCall]: ReturnApplier<F> } = {
  socket(d, ev, _args, p) {
    if (!succeeded(ev)) return;
    const e = newEndpoint(d, p.program === 'client' ? 'client' : 'listener');
    const f = newFile(d, e.id, { pid: ev.pid, fd: ev.ret });
    d.ep(e.id).fileId = f.id;
    installFd(d, ev.pid, ev.ret, f.id);
  },

  bind(d, ev, { fd, addr }, p) {
    const e = endpointOfFd(d, ev.pid, fd);
    if (succeeded(ev) && e) d.ep(e.id).local = addr;
    const port = portOf(addr);
    if (ev.errno === 'EADDRINUSE' && port !== null) {
      // Who holds the port: a listener (even SO_REUSEADDR cannot share it), or a connection
      // such as one in TIME_WAIT (SO_REUSEADDR lets a new listener bind beside it).
      p.lastResult = { ...p.lastResult!, conflicts: endpointsOnPort(d, port, e?.id) };
    }
  },

  listen(d, ev, { fd }) {
    const e = endpointOfFd(d, ev.pid, fd);
    if (succeeded(ev) && e) {
      d.ep(e.id).kind = 'listener';
      fire(d, e.id, { type: 'PASSIVE_OPEN' });
    }
  },

  accept(d, ev, { fd }, p) {
    const ok = succeeded(ev);
    // The descriptor limit explains EMFILE: every descriptor below it is in use.
    if (p.fdLimit !== null && ev.errno === 'EMFILE' && lowestFreeFd(p) < p.fdLimit) {
      d.note(`accept failed with EMFILE, but ${p.role} has fd ${lowestFreeFd(p)} free below its limit ${p.fdLimit}`);
    }
    if (p.fdLimit !== null && ok && ev.ret >= p.fdLimit) {
      d.note(`accept returned fd ${ev.ret} although ${p.role}'s descriptor limit is ${p.fdLimit}`);
    }
    // On failure (EMFILE, EINTR …) the connection stays in the accept queue.
    if (!ok) return;
    const listener = endpointOfFd(d, ev.pid, fd);
    const queue = d
      .allEps()
      .filter((e) => listener !== undefined && e.queuedOn === listener.id && e.tcp.state !== 'SYN_RECEIVED')
      .sort((a, b) => a.queueOrder - b.queueOrder);
    let conn = (ev.peer !== undefined ? queue.find((e) => e.remote === ev.peer) : undefined) ?? queue[0];
    if (!conn) {
      d.note(`accept returned a connection the model has not seen (${ev.peer ?? 'unknown peer'})`);
      conn = newEndpoint(d, 'server-conn', {
        tcp: { state: 'ESTABLISHED', passive: true },
        local: ev.local ?? listener?.local ?? null,
        remote: ev.peer ?? null,
      });
    }
    const f = newFile(d, conn.id, { pid: ev.pid, fd: ev.ret });
    const c = d.ep(conn.id);
    c.fileId = f.id;
    c.queuedOn = null;
    if (ev.local !== undefined) c.local = ev.local;
    if (ev.peer !== undefined) c.remote = ev.peer;
    installFd(d, ev.pid, ev.ret, f.id);
  },

  connect(d, ev, { fd, addr }) {
    const e = endpointOfFd(d, ev.pid, fd);
    if (!e) return;
    // A refused connect's local end is reported as 0.0.0.0:port; its SYN went from the address
    // the route to `addr` gives, which on loopback is `addr`'s own.
    if (ev.local !== undefined) d.ep(e.id).local = succeeded(ev) || !WILDCARD_HOSTS.has(hostOf(ev.local)) ? ev.local : `${hostOf(addr)}:${portOf(ev.local)}`;
    if (e.tcp.state !== 'CLOSED') return;
    activeOpen(d, e.id, addr);
    const after = d.getEp(e.id)!;
    const ok = succeeded(ev);
    if (ok && after.tcp.state !== 'ESTABLISHED') d.note(`connect succeeded but the model has no listener at ${addr}`);
    if (!ok && after.tcp.state === 'ESTABLISHED') d.note(`connect failed (${ev.errno}) but the model connected`);
  },

  setsockopt(d, ev, args) {
    const e = endpointOfFd(d, ev.pid, args.fd);
    if (!succeeded(ev) || !e) return;
    if (args.optname === 'SO_LINGER') d.ep(e.id).lingerZero = args.l_onoff !== 0 && args.l_linger === 0;
    else if (args.optname === 'SO_REUSEADDR') d.ep(e.id).reuseAddr = args.value !== 0;
  },

  // shutdown acts on the socket, not the descriptor: SHUT_WR sends the FIN whatever the count.
  shutdown(d, ev, { fd, how }) {
    const e = endpointOfFd(d, ev.pid, fd);
    if (succeeded(ev) && e && e.tcp.state === 'LISTEN') {
      if (how === 'SHUT_RD' || how === 'SHUT_RDWR') stopListening(d, e.id);
      return;
    }
    // Linux marks the socket shut even when it has no connection and the call fails ENOTCONN
    // (inet_shutdown): a later read returns 0.
    if ((succeeded(ev) || ev.errno === 'ENOTCONN') && e && (how === 'SHUT_RD' || how === 'SHUT_RDWR')) d.ep(e.id).shutRd = true;
    if (succeeded(ev) && e && (how === 'SHUT_WR' || how === 'SHUT_RDWR') && !e.shutWr) {
      d.ep(e.id).shutWr = true;
      fire(d, e.id, { type: 'CLOSE' });
      flush(d);
    }
  },

  fork(d, ev) {
    // The parent's half; the child's (ret 0) was handled before: see forkedChildFirst.
    if (succeeded(ev) && ev.ret > 0) forkChild(d, ev.pid, ev.ret, null);
  },

  close(d, ev, { fd }) {
    if (ev.errno !== 'EBADF') closeFd(d, ev.pid, fd);
  },

  read(d, ev, { fd }) {
    const e = endpointOfFd(d, ev.pid, fd);
    if (succeeded(ev) && e && ev.ret > 0) d.ep(e.id).unread = Math.max(0, e.unread - ev.ret);
  },

  write(d, ev, { fd, data }) {
    const e = endpointOfFd(d, ev.pid, fd);
    if (!succeeded(ev) || !e || ev.ret === 0) return;
    if (e.tcp.state !== 'ESTABLISHED' && e.tcp.state !== 'CLOSE_WAIT') return;
    if (tcpTransition(e.tcp, { type: 'SEND' }).actions.includes('sendData')) {
      send(d, e.id, ['PSH', 'ACK'], ev.ret, data.slice(0, ev.ret));
      flush(d);
    }
  },

  // SIGCHLD's disposition decides zombies (processes.ts); SA_RESTART, whether an interrupted call is restarted.
  sigaction(_d, ev, { sig, handler, flags }, p) {
    if (!succeeded(ev) || sig !== 'SIGCHLD') return;
    p.sigchld = handler === 'SIG_IGN' ? 'ignore' : handler === 'SIG_DFL' ? 'default' : 'handler';
    p.sigchldRestart = p.sigchld === 'handler' && flags === 'SA_RESTART';
  },

  // ret: the reaped child's pid; 0 with WNOHANG when no child has exited; -1 ECHILD when none is left.
  waitpid(d, ev) {
    if (succeeded(ev) && ev.ret > 0) reapChild(d, ev.pid, ev.ret, ev.status ?? null, ev.signal ?? null);
  },

  // Only RLIMIT_NOFILE matters here: the descriptor limit that explains accept's EMFILE (-1: none).
  setrlimit(_d, ev, { resource, soft }, p) {
    if (succeeded(ev) && resource === 'RLIMIT_NOFILE') p.fdLimit = soft === -1 ? null : soft;
  },

  // Returns (-1, EINTR) when a signal handler has run: nothing else changes.
  pause: nothing,
};
