// Sockets in the system model: endpoints driven by the TCP machine (tcp.ts), open files driven by
// theirs (openFile.ts: the reference count), descriptors, and segments delivered at once on loopback.
//
// One kernel holds both ends, so it also does the demultiplexing: a segment sent to an address
// lands on the connection that holds that pair of addresses, whatever its state (a TIME_WAIT, say),
// else on the listener there, else nowhere (a closed port, answered with RST). The answers the
// machine gives to a segment (a RST from CLOSED, LISTEN or SYN_SENT, a challenge ACK) go to its
// sender, shaped after it (RFC 9293 §3.10.7).

import type { DroppedSegment } from '../trace/types.ts';
import type { EndpointKind, ModelSegment, SegmentFlag } from './types.ts';
import type { EndpointState, FileState } from './state.ts';
import { isSynchronized, tcpInitial, tcpTransition, type TcpEvent } from './tcp.ts';
import type { Draft } from './draft.ts';
import { openFileOpened, openFileTransition, type OpenFileEvent } from './openFile.ts';
import { portOf, hostOf, WILDCARD_HOSTS } from './args.ts';

/** Linux keeps TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN): its 2MSL. Event times are nanoseconds. */
export const TIME_WAIT_NS = 60_000_000_000;
/** Guard against a segment storm (cannot happen with a correct machine; a bug must not hang a page). */
const MAX_DELIVERIES_PER_EVENT = 10_000;

export function newEndpoint(d: Draft, kind: EndpointKind, fields: Partial<EndpointState> = {}): EndpointState {
  const id = `ep#${d.ctx.nextEndpoint}`;
  d.ctx.nextEndpoint = d.ctx.nextEndpoint + 1;
  const tcp = fields.tcp ?? tcpInitial();
  const e: EndpointState = {
    id,
    kind,
    tcp,
    path: [tcp.state],
    pathStep: d.step,
    local: null,
    remote: null,
    peerId: null,
    fileId: null,
    queuedOn: null,
    queueOrder: 0,
    sndNxt: 0,
    rcvNxt: 0,
    finSeq: null,
    bytesSent: 0,
    bytesReceived: 0,
    unread: 0,
    eof: false,
    lingerZero: false,
    shutWr: false,
    shutRd: false,
    reuseAddr: false,
    timeWaitId: null,
    timeWaitSince: null,
    closedStep: null,
    error: null,
    drop: null,
    lost: null,
    ...fields,
  };
  d.putEp(e);
  return e;
}

/** socket() or accept(): a new entry of the open-file table, named by one descriptor (openFile.ts: OPEN). */
export function newFile(d: Draft, endpointId: string, holder: { pid: number; fd: number }): FileState {
  const f: FileState = { id: `file#${d.ctx.nextFile}`, endpointId, holders: [holder], refs: openFileOpened(1) };
  d.ctx.nextFile = d.ctx.nextFile + 1;
  d.putFile(f);
  return f;
}

export function installFd(d: Draft, pid: number, fd: number, fileId: string): void {
  const p = d.proc(pid);
  if (p.fds[fd] !== undefined) {
    // The kernel never hands out an fd in use: the model missed a close. Release the old one.
    d.note(`${p.role} fd ${fd} was reused while the model still had it open`);
    closeFd(d, pid, fd);
  }
  const q = d.proc(pid);
  q.fds = { ...q.fds, [fd]: fileId };
}

/**
 * More descriptors name open file `fileId`: dup's one (DUP), or a forked child's copies of its
 * parent's (FORK). Its machine raises the count; `holders` are the new descriptors.
 */
export function shareFile(d: Draft, fileId: string, event: Extract<OpenFileEvent, { type: 'DUP' | 'FORK' }>, holders: readonly { pid: number; fd: number }[]): void {
  const file = d.getFile(fileId);
  if (!file) return;
  const r = openFileTransition(file.refs, event);
  if (!r.handled) return;
  d.putFile({ ...file, holders: [...file.holders, ...holders], refs: { state: r.state, count: r.count } });
}

/** The endpoint behind a process's descriptor, if it is a socket the model knows. */
export function endpointOfFd(d: Draft, pid: number, fd: number | null): EndpointState | undefined {
  if (fd === null) return undefined;
  const fileId = d.getProc(pid)?.fds[fd];
  if (fileId === undefined) return undefined;
  const file = d.getFile(fileId);
  return file ? d.getEp(file.endpointId) : undefined;
}

// ───────────────────────── TCP ─────────────────────────

/**
 * Move an endpoint's machine, keep its path for this step, perform the actions it returns.
 * `cause`: the segment whose arrival is the event; what answers it goes back to its sender.
 */
export function fire(d: Draft, epId: string, event: TcpEvent, cause?: ModelSegment): void {
  const before = d.getEp(epId);
  if (!before) return;
  const result = tcpTransition(before.tcp, event);
  const fromState = before.tcp.state; // `before` may be the draft's own copy, changed below
  const e = d.ep(epId);
  const basePath = e.pathStep === d.step ? e.path : [e.tcp.state];
  e.pathStep = d.step;
  e.path = result.state !== e.tcp.state ? [...basePath, result.state] : basePath;
  e.tcp = { state: result.state, passive: result.passive };
  if (result.state !== 'TIME_WAIT') e.timeWaitSince = null;
  // A connection reset while in the accept queue stays there, CLOSED: accept still returns it
  // (checked on this machine: then read fails ECONNRESET once, and write EPIPE).
  if (result.state === 'CLOSED' && e.fileId === null && e.queuedOn === null) e.closedStep = d.step;
  for (const action of result.actions) {
    switch (action) {
      case 'sendSyn':
        send(d, epId, ['SYN'], 0);
        break;
      case 'sendSynAck':
        send(d, epId, ['SYN', 'ACK'], 0);
        break;
      case 'sendAck':
        // Linux ACKs the FIN that ends an ESTABLISHED connection late: tcp_fin enters "pingpong"
        // mode, expecting the application's own FIN to carry the ACK, so the ACK waits for the
        // delayed-ACK timer (~40 ms on loopback) and leaves after everything sent at once.
        if (event.type === 'RCV_FIN' && result.state === 'CLOSE_WAIT') d.delayedAcks.push(epId);
        else send(d, epId, ['ACK'], 0);
        break;
      case 'sendChallengeAck':
        // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> to whoever sent the SYN: a new socket on the same
        // pair of addresses, not the peer the connection had.
        send(d, epId, ['ACK'], 0, undefined, cause?.from);
        break;
      case 'sendFin':
        send(d, epId, ['FIN', 'ACK'], 0);
        break;
      case 'sendRst':
        if (isSynchronized(fromState) || fromState === 'SYN_RECEIVED') send(d, epId, ['RST', 'ACK'], 0);
        else if (cause) answerWithRst(d, epId, cause);
        else send(d, epId, ['RST'], 0);
        break;
      case 'retransmitSyn': {
        // The same SYN again (its sequence number), to the peer's address: where it lands is
        // decided when it arrives, after the RST sent just before it has done its work.
        const c = d.ep(epId);
        c.sndNxt = c.sndNxt - 1;
        c.peerId = null;
        send(d, epId, ['SYN'], 0);
        break;
      }
      case 'passSynToListener':
        if (cause) passSynToListener(d, epId, cause);
        break;
      case 'startTimeWait':
      case 'restartTimeWait': {
        const w = d.ep(epId);
        w.timeWaitSince = d.ctx.now;
        const at = d.ctx.now + TIME_WAIT_NS;
        d.ctx.nextTimerAt = d.ctx.nextTimerAt === null ? at : Math.min(d.ctx.nextTimerAt, at);
        break;
      }
      case 'deliverEof':
        d.ep(epId).eof = true;
        break;
      case 'connectionRefused':
        d.ep(epId).error = 'refused';
        break;
      case 'connectionReset':
        d.ep(epId).error = 'reset';
        break;
      // createTcb, deleteTcb, sendData, deliverData: the endpoint record is the TCB; data is
      // sent by write() (sendData needs the byte count) and counted on arrival.
      default:
        break;
    }
  }
  if (result.state === 'TIME_WAIT' && fromState !== 'TIME_WAIT' && d.getEp(epId)!.fileId !== null) detachTimeWait(d, epId);
}

/**
 * A connection entered TIME_WAIT while a descriptor still names its socket (shutdown(SHUT_WR),
 * then the peer's FIN). Linux (tcp_time_wait) moves the connection to a separate TIME_WAIT socket,
 * which no descriptor names (inode 0), and closes the full socket (tcp_done): the descriptors now
 * name a CLOSED socket, outside every TCP table. The endpoint keeps the connection (its id, its
 * peer, its segments, the 2MSL timer); the open file moves to a new CLOSED endpoint.
 */
export function detachTimeWait(d: Draft, epId: string): void {
  const conn = d.ep(epId);
  const fileId = conn.fileId!;
  const socket = newEndpoint(d, conn.kind, {
    local: conn.local,
    remote: conn.remote,
    fileId,
    timeWaitId: epId,
    bytesSent: conn.bytesSent,
    bytesReceived: conn.bytesReceived,
    unread: conn.unread,
    eof: conn.eof,
    lingerZero: conn.lingerZero,
    shutWr: conn.shutWr,
    shutRd: conn.shutRd,
    reuseAddr: conn.reuseAddr,
  });
  const file = d.getFile(fileId);
  if (file) d.putFile({ ...file, endpointId: socket.id });
  const c = d.ep(epId);
  c.fileId = null;
  c.unread = 0;
}

/** Put a segment on the wire from endpoint `fromId` to its peer (or to whatever address it was sent). */
export function send(d: Draft, fromId: string, flags: SegmentFlag[], len: number, data?: string, toOverride?: string): void {
  const from = d.ep(fromId);
  const to = toOverride ?? from.peerId ?? from.remote;
  if (to === null) return;
  const ackNo = flags.includes('ACK') ? from.rcvNxt : null;
  // A segment that acknowledges carries the delayed ACK with it (the FIN of a close, data).
  if (ackNo !== null && d.delayedAcks.includes(fromId)) d.delayedAcks.splice(d.delayedAcks.indexOf(fromId), 1);
  const seq = from.sndNxt;
  const segment = d.record({
    from: fromId,
    to,
    flags,
    seq,
    ack: ackNo,
    len,
    ...(data !== undefined ? { data } : {}),
  });
  let consumed = len;
  if (flags.includes('SYN')) consumed++;
  if (flags.includes('FIN')) {
    from.finSeq = seq + len;
    consumed++;
  }
  from.sndNxt = seq + consumed;
  from.bytesSent += len;
  d.enqueue(segment);
}

/** Deliver every queued segment (loopback: at once, in order) and the answers they cause. */
export function flush(d: Draft): void {
  for (let n = 0; n < MAX_DELIVERIES_PER_EVENT; n++) {
    const seg = d.dequeue();
    if (!seg) return;
    deliver(d, seg);
  }
  d.note('segment delivery did not settle');
}

/**
 * The end of an event: deliver what is queued, then the delayed ACKs, which the kernel sends ~40 ms
 * later — after every segment the event sent at once (the runner's settling waits for them, so
 * they stay in the step).
 */
export function flushWithDelayedAcks(d: Draft): void {
  flush(d);
  while (d.delayedAcks.length > 0) {
    const epId = d.delayedAcks.shift()!;
    const e = d.getEp(epId);
    if (!e || e.tcp.state === 'CLOSED') continue; // reset, or aborted, before its timer ran
    send(d, epId, ['ACK'], 0);
    flush(d);
  }
}

export function deliver(d: Draft, seg: ModelSegment): void {
  const lone = seg.flags.includes('SYN') && !seg.flags.includes('ACK');
  const receiver = d.getEp(seg.to) ?? (isEndpointId(seg.to) ? undefined : landing(d, seg.from, seg.to, lone));
  if (!receiver) {
    // Sent to an address with no endpoint (a closed port): the kernel answers as CLOSED does.
    answerWithRst(d, seg.to, seg);
    return;
  }
  if (receiver.drop !== null && isOfKind(seg, receiver.drop.segment)) {
    lose(d, receiver, seg);
    return;
  }
  const flags = seg.flags;
  const acksFin = receiver.finSeq !== null && seg.ack === receiver.finSeq + 1;
  if (flags.includes('RST')) {
    fire(d, receiver.id, { type: 'RCV_RST' }, seg);
    return;
  }
  if (flags.includes('SYN')) {
    const state = receiver.tcp.state;
    if (!isSynchronized(state)) {
      // A synchronized connection keeps its numbers: the SYN gets a challenge ACK.
      const e = d.ep(receiver.id);
      e.rcvNxt = seg.seq + 1;
      if (e.peerId === null && d.getEp(seg.from)) e.peerId = seg.from;
    }
    // A SYN on the pair of addresses a TIME_WAIT holds opens a new connection when a listener is
    // there to take it: Linux takes a SYN whose timestamp is newer (tcp.ts, TIME_WAIT), and with
    // timestamps on, as they are by default, every SYN a person steps to is.
    const reopens = state === 'TIME_WAIT' && receiver.local !== null && findListener(d, receiver.local) !== undefined;
    fire(d, receiver.id, flags.includes('ACK') ? { type: 'RCV_SYN_ACK' } : { type: 'RCV_SYN', reopens }, seg);
    return;
  }
  if (seg.len > 0 && (receiver.fileId === null || receiver.shutRd) && CLOSED_FOR_READING.has(receiver.tcp.state)) {
    // Data for a socket shut for reading — closed by its application (an orphan in FIN_WAIT_1/2,
    // CLOSING, LAST_ACK), or shutdown(SHUT_RD) — once it has sent its FIN: nobody will read it.
    // Linux aborts the connection (tcp_rcv_state_process, TCPAbortOnData; the socket is reset,
    // ECONNRESET) and answers with <SEQ=SEG.ACK><CTL=RST>: the writer's connection is reset too.
    answerWithRst(d, receiver.id, seg);
    fire(d, receiver.id, { type: 'RCV_RST' }, seg);
    return;
  }
  if (seg.len > 0) {
    const state = receiver.tcp.state;
    if (state === 'ESTABLISHED' || state === 'FIN_WAIT_1' || state === 'FIN_WAIT_2') {
      const e = d.ep(receiver.id);
      e.rcvNxt = seg.seq + seg.len;
      e.bytesReceived += seg.len;
      e.unread += seg.len;
    }
    fire(d, receiver.id, { type: 'RCV_DATA' }, seg);
  }
  if (flags.includes('FIN')) {
    const state = receiver.tcp.state;
    if (isSynchronized(state) || state === 'SYN_RECEIVED') d.ep(receiver.id).rcvNxt = seg.seq + seg.len + 1;
    fire(d, receiver.id, { type: 'RCV_FIN', acksFin }, seg);
    return;
  }
  if (seg.len === 0 && flags.includes('ACK')) fire(d, receiver.id, { type: 'RCV_ACK', acksFin }, seg);
}

/** States after our FIN, in which a closed socket takes no more data. */
const CLOSED_FOR_READING: ReadonlySet<string> = new Set(['FIN_WAIT_1', 'FIN_WAIT_2', 'CLOSING', 'LAST_ACK']);

/**
 * The RST that answers `seg` where no synchronized connection takes it — CLOSED, LISTEN, SYN-SENT
 * (RFC 9293 §3.10.7.1–3), or a closed port: <SEQ=SEG.ACK><CTL=RST> if it carries an ACK, else
 * <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>. A RST is never answered.
 */
function answerWithRst(d: Draft, fromId: string, seg: ModelSegment): void {
  if (seg.flags.includes('RST')) return;
  const acks = seg.flags.includes('ACK');
  const segLen = seg.len + (seg.flags.includes('SYN') ? 1 : 0) + (seg.flags.includes('FIN') ? 1 : 0);
  const rst = d.record({
    from: fromId,
    to: seg.from,
    flags: acks ? ['RST'] : ['RST', 'ACK'],
    seq: acks ? (seg.ack ?? 0) : 0,
    ack: acks ? null : seg.seq + segLen,
    len: 0,
  });
  d.enqueue(rst);
}

/** Endpoint ids are `ep#N`; anything else a segment is sent to is an address. */
function isEndpointId(to: string): boolean {
  return to.startsWith('ep#');
}

/**
 * Where a segment from endpoint `fromId` to address `addr` lands: the connection that holds this
 * pair of addresses, whatever its state; else the listener at `addr`, which answers a lone SYN
 * (`syn`) with a new connection of its own; else nowhere.
 */
function landing(d: Draft, fromId: string, addr: string, syn: boolean): EndpointState | undefined {
  const local = d.getEp(fromId)?.local ?? null;
  if (local !== null) {
    for (const e of d.allEps()) {
      if (e.id !== fromId && e.local === addr && e.remote === local && e.tcp.state !== 'CLOSED') return e;
    }
  }
  const listener = findListener(d, addr);
  if (!listener) return undefined;
  return syn ? newConnection(d, listener, fromId, addr) : listener;
}

/** The listener answers a SYN with a new socket of its own (Figure 4.14: in the accept queue). */
function newConnection(d: Draft, listener: EndpointState, clientId: string, local: string): EndpointState {
  const conn = newEndpoint(d, 'server-conn', {
    tcp: listener.tcp,
    path: [],
    local,
    remote: d.getEp(clientId)?.local ?? null,
    peerId: clientId,
    queuedOn: listener.id,
    queueOrder: d.ctx.nextQueueOrder,
    // A connection the listener creates inherits its socket options (Linux sk_clone_lock).
    reuseAddr: listener.reuseAddr,
    lingerZero: listener.lingerZero,
    // And its filter: a drop armed on the listener loses the handshake's last ACK (docs/drops.md).
    drop: listener.drop,
  });
  d.ctx.nextQueueOrder = d.ctx.nextQueueOrder + 1;
  if (d.getEp(clientId)) d.ep(clientId).peerId = conn.id;
  return conn;
}

/**
 * A SYN ended the TIME_WAIT `twId` by opening a new connection on its pair of addresses: the
 * listener there takes it as any SYN (Linux tcp_v4_rcv, TCP_TW_SYN).
 */
function passSynToListener(d: Draft, twId: string, syn: ModelSegment): void {
  const local = d.getEp(twId)?.local ?? null;
  const listener = local === null ? undefined : findListener(d, local);
  if (local === null || !listener) return;
  const conn = newConnection(d, listener, syn.from, local);
  deliver(d, { ...syn, to: conn.id });
}

/** A listener for a connection to `addr`: same address, or the wildcard address with the same port. */
export function findListener(d: Draft, addr: string): EndpointState | undefined {
  const port = portOf(addr);
  let wildcard: EndpointState | undefined;
  for (const e of d.allEps()) {
    if (e.tcp.state !== 'LISTEN' || e.local === null) continue;
    if (e.local === addr) return e;
    if (WILDCARD_HOSTS.has(hostOf(e.local)) && portOf(e.local) === port) wildcard ??= e;
  }
  return wildcard;
}

/** connect(): the active open and the whole three-way handshake on loopback. */
export function activeOpen(d: Draft, clientId: string, addr: string): void {
  const client = d.ep(clientId);
  client.kind = 'client';
  client.remote = addr;
  // Each attempt is a connection of its own (after a refused one, a new port and a new ISN).
  client.sndNxt = 0;
  client.rcvNxt = 0;
  client.finSeq = null;
  client.error = null;
  // Usually a new connection of the listener; a connection still on this pair of addresses (a
  // TIME_WAIT, after a bind to the same port) gets the SYN first.
  d.ep(clientId).peerId = landing(d, clientId, addr, true)?.id ?? null;
  fire(d, clientId, { type: 'ACTIVE_OPEN' });
  flush(d);
}

/**
 * The socket's last reference went (the open file's machine said releaseSocket): close it (FIN), or
 * abort it (RST). The one home of that decision, as Linux's tcp_close is: it depends on the
 * socket's options, its receive queue and its state, which the open file does not hold.
 */
export function releaseSocket(d: Draft, epId: string): void {
  const e = d.ep(epId);
  e.fileId = null;
  const state = e.tcp.state;
  if (state === 'CLOSED') {
    e.closedStep = d.step;
    return;
  }
  if (state === 'LISTEN') resetAcceptQueue(d, epId);
  // Linux: closing with unread data, or with SO_LINGER 0, aborts the connection (RST).
  const abort = e.lingerZero || (e.unread > 0 && isSynchronized(state));
  fire(d, epId, abort ? { type: 'ABORT' } : { type: 'CLOSE' });
  flush(d);
  const after = d.getEp(epId);
  if (after && after.tcp.state === 'CLOSED') d.ep(epId).closedStep = d.step;
}

/** A listener stops listening: connections still in its accept queue are reset (Linux inet_csk_listen_stop). */
function resetAcceptQueue(d: Draft, epId: string): void {
  for (const q of d.allEps()) {
    if (q.queuedOn === epId) {
      d.ep(q.id).queuedOn = null;
      fire(d, q.id, { type: 'ABORT' });
    }
  }
}

/**
 * shutdown(SHUT_RD or SHUT_RDWR) of a listener: Linux disconnects it (inet_shutdown calls
 * tcp_disconnect), so it stops listening for every descriptor that names it — its queue is reset
 * and it is CLOSED (still bound; a later listen opens it again).
 */
export function stopListening(d: Draft, epId: string): void {
  resetAcceptQueue(d, epId);
  fire(d, epId, { type: 'CLOSE' });
  flush(d);
}

/** close(fd) by process `pid`: the descriptor goes; the open file's count drops; at 0, the socket closes. */
export function closeFd(d: Draft, pid: number, fd: number): void {
  const last = dropFd(d, pid, fd);
  if (last !== null) releaseSocket(d, last);
}

/**
 * The first half of close(fd): the descriptor goes and the open file's count drops. Returns the
 * endpoint whose socket must now be released (its last reference went), or null.
 */
export function dropFd(d: Draft, pid: number, fd: number): string | null {
  const p = d.getProc(pid);
  const fileId = p?.fds[fd];
  if (!p || fileId === undefined) return null;
  const q = d.proc(pid);
  const fds = { ...q.fds };
  delete fds[fd];
  q.fds = fds;
  const file = d.getFile(fileId);
  if (!file) return null;
  // The open file's machine (openFile.ts) lowers the count; at 0 it says the socket's last reference went.
  const r = openFileTransition(file.refs, { type: 'CLOSE' });
  if (!r.actions.includes('releaseSocket')) {
    d.putFile({ ...file, holders: file.holders.filter((h) => !(h.pid === pid && h.fd === fd)), refs: { state: r.state, count: r.count } });
    return null;
  }
  d.deleteFile(fileId);
  return file.endpointId;
}

// ───────────────────────── drops (docs/drops.md) ─────────────────────────

/** Whether a segment is of the kind a drop loses (the same test as the dropper's filter, src/lab/dropper.c). */
export function isOfKind(seg: Pick<ModelSegment, 'flags' | 'len'>, kind: DroppedSegment): boolean {
  const has = (f: SegmentFlag) => seg.flags.includes(f);
  switch (kind) {
    case 'SYN-ACK':
      return has('SYN') && has('ACK') && !has('FIN') && !has('RST');
    case 'ACK':
      return has('ACK') && !has('SYN') && !has('FIN') && !has('RST') && seg.len === 0;
    case 'FIN':
      return has('FIN') && !has('RST');
    case 'data':
      return seg.len > 0 && !has('SYN') && !has('RST');
  }
}

/** A drop armed on the socket `epId` (a `drop` event). */
export function armDrop(d: Draft, epId: string, key: string, segment: DroppedSegment): void {
  d.ep(epId).drop = { key, segment };
}

/**
 * The segment arrived and the socket's filter lost it: the receiver does not move (it is held);
 * the sender already has (it sent it). Every socket sharing the drop is disarmed: it is one-shot.
 * The segment was recorded by this very event, so marking it changes no older context.
 */
function lose(d: Draft, receiver: EndpointState, seg: ModelSegment): void {
  const key = receiver.drop!.key;
  seg.dropped = true;
  for (const e of d.allEps()) if (e.drop?.key === key) d.ep(e.id).drop = null;
  d.ep(receiver.id).lost = { key, segment: seg };
}

/**
 * The retransmission that ends the hold of the segment lost at `epId` (a `retransmit` event).
 * - data, a FIN, a SYN-ACK: its sender sends it again, the same numbers, and it is delivered.
 * - a pure ACK: it acknowledged the receiver's SYN-ACK or FIN, so the receiver's timer sends that
 *   again, and the peer answers it with the ACK again (a TIME_WAIT restarts its 2MSL: Linux
 *   tcp_timewait_state_process), which now gets through.
 * - a SYN-ACK on loopback: the client's SYN timer and the server's SYN-ACK timer (1 s each) run out
 *   together, as measured here (docs/drops.md): the SYN-ACK comes again, the client's SYN comes
 *   again, the client ACKs the SYN-ACK, the server answers the repeated SYN with its SYN-ACK, and
 *   the client ACKs that too.
 */
export function retransmit(d: Draft, epId: string): void {
  const receiver = d.ep(epId);
  const lost = receiver.lost;
  if (lost === null) return;
  receiver.lost = null;
  const seg = lost.segment;
  const sender = d.getEp(seg.from);
  if (!sender) return d.note(`the retransmission of a segment lost at ${epId} has no sender any more`);
  if (isOfKind(seg, 'ACK')) return ackAgain(d, receiver.id, sender.id);
  const again = d.record({ from: seg.from, to: receiver.id, flags: seg.flags, seq: seg.seq, ack: seg.flags.includes('ACK') ? sender.rcvNxt : null, len: seg.len, ...(seg.data !== undefined ? { data: seg.data } : {}) });
  if (!isOfKind(seg, 'SYN-ACK')) {
    d.enqueue(again);
    return flush(d);
  }
  const client = d.ep(receiver.id);
  d.record({ from: client.id, to: sender.id, flags: ['SYN'], seq: client.sndNxt - 1, ack: null, len: 0 });
  deliver(d, again); // the client is ESTABLISHED, its ACK queued
  const server = d.getEp(sender.id)!;
  d.record({ from: server.id, to: client.id, flags: ['SYN', 'ACK'], seq: seg.seq, ack: server.rcvNxt, len: 0 });
  flush(d);
  const c = d.getEp(client.id)!;
  d.record({ from: c.id, to: server.id, flags: ['ACK'], seq: c.sndNxt, ack: c.rcvNxt, len: 0 });
}

/** The ACK lost at `receiverId` comes again: the receiver sends its SYN-ACK or FIN again, the peer ACKs it. */
function ackAgain(d: Draft, receiverId: string, peerId: string): void {
  const r = d.getEp(receiverId)!;
  if (r.tcp.state === 'SYN_RECEIVED') {
    d.record({ from: r.id, to: peerId, flags: ['SYN', 'ACK'], seq: r.sndNxt - 1, ack: r.rcvNxt, len: 0 });
  } else if (r.finSeq !== null) {
    d.record({ from: r.id, to: peerId, flags: ['FIN', 'ACK'], seq: r.finSeq, ack: r.rcvNxt, len: 0 });
  } else {
    return d.note(`an ACK lost at ${receiverId} acknowledged neither a SYN-ACK nor a FIN`);
  }
  const peer = d.getEp(peerId);
  if (!peer) return;
  if (peer.tcp.state === 'TIME_WAIT') fire(d, peerId, { type: 'RCV_FIN', acksFin: false });
  else send(d, peerId, ['ACK'], 0);
  flush(d);
}
