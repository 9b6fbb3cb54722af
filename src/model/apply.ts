// Pure helpers of the system model: each takes a context and a trace event and returns the
// next context (src/model/state.ts), never changing its input. The XState machine in system.ts
// calls them from its `assign` actions.
//
// Semantics (UNP §4.8, ch. 5 and §7.5; RFC 9293 for TCP; Linux where it differs):
// - processes: spawn, call (at the gate), ready (woken, at the gate again), return (running),
//   exit (every descriptor closed; zombie while a live parent does not ignore SIGCHLD, until a
//   waitpid returns its pid). A call made before the pending one returned comes from a signal
//   handler (sig_chld's waitpid inside accept): the pending call is interrupted, and resumes when
//   it returns (or fails EINTR), when it is woken (ready), or when the kernel shows the process
//   back inside it. SIGCHLD's disposition is what sigaction returned; fork copies it, and the
//   descriptor limit (setrlimit). A runner's signal is pending until the exit it causes. When a
//   process dies its zombies are reaped and its live children re-parented by the subreaper that
//   launched the program.
// - open files: socket/accept create one (refCount 1); fork raises every shared file's count;
//   close lowers it; only at 0 is the socket closed (FIN, or RST with SO_LINGER 0 or unread data);
//   shutdown(SHUT_WR) sends the FIN whatever the count. A failed accept (EMFILE, EINTR) leaves the
//   connection in the queue; closing a listener resets the connections queued on it.
// - TCP: every endpoint is driven by the machine in tcp.ts. Segments travel on loopback, so each
//   is delivered at once, in the order sent, and the receiver's machine answers. A connection that
//   enters TIME_WAIT while a descriptor still names its socket moves to a separate TIME_WAIT
//   socket, and the descriptor's socket is CLOSED (Linux's tcp_time_wait).

import type {
  CallEvent,
  ExitEvent,
  KernelEvent,
  ReadyEvent,
  ReturnEvent,
  Scalar,
  SignalEvent,
  SpawnEvent,
  TraceEvent,
  TraceHeader,
} from '../trace/types.ts';
import type { EndpointKind, ModelSegment, SegmentFlag } from './types.ts';
import type { EndpointState, FileState, ProcState, SystemContext } from './state.ts';
import { isSynchronized, tcpInitial, tcpTransition, type TcpEvent } from './tcp.ts';

/** Linux keeps TIME_WAIT for 60 s (TCP_TIMEWAIT_LEN): its 2MSL. Event times are nanoseconds. */
export const TIME_WAIT_NS = 60_000_000_000;
/** Guard against a segment storm (cannot happen with a correct machine; a bug must not hang a page). */
const MAX_DELIVERIES_PER_EVENT = 10_000;

export function initialContext(header?: Pick<TraceHeader, 'scenario'> | null): SystemContext {
  return {
    eventIndex: -1,
    step: 0,
    kernelCount: 0,
    label: 'start',
    now: 0,
    serverPort: header?.scenario.port ?? null,
    knobs: header?.scenario.knobs ?? {},
    processes: new Map(),
    files: new Map(),
    endpoints: new Map(),
    segments: null,
    segmentCount: 0,
    nextFile: 1,
    nextEndpoint: 1,
    nextProcessOrder: 0,
    nextQueueOrder: 0,
    nextTimerAt: null,
    prunedStep: 0,
    notes: [],
  };
}

/** The step an event belongs to when applied to `ctx`: the kernel snapshot that will end it. */
export function stepOf(ctx: SystemContext): number {
  return ctx.kernelCount;
}

/** A copy-on-write view of a context: reads see changes, writes copy only what they touch. */
class Draft {
  private procs: Map<number, ProcState> | null = null;
  private files: Map<string, FileState> | null = null;
  private eps: Map<string, EndpointState> | null = null;
  /** Processes and endpoints this draft has copied already (so it may change them in place). */
  private readonly ownProcs = new Set<number>();
  private readonly ownEps = new Set<string>();
  /** The next context: a fresh object this draft owns (its maps are replaced, never changed in place). */
  readonly ctx: SystemContext;
  readonly step: number;
  private readonly queue: ModelSegment[] = [];

  constructor(base: SystemContext, eventIndex: number, now: number) {
    this.step = stepOf(base);
    this.ctx = { ...base, eventIndex, step: this.step, now: Math.max(base.now, now) };
  }

  // ── processes ──
  getProc(pid: number): ProcState | undefined {
    return (this.procs ?? this.ctx.processes).get(pid);
  }
  allProcs(): ProcState[] {
    return [...(this.procs ?? this.ctx.processes).values()];
  }
  private procMap(): Map<number, ProcState> {
    return (this.procs ??= new Map(this.ctx.processes));
  }
  /** A mutable copy of process `pid` (which must exist). */
  proc(pid: number): ProcState {
    const map = this.procMap();
    const p = map.get(pid)!;
    if (this.ownProcs.has(pid)) return p;
    const copy = { ...p };
    map.set(pid, copy);
    this.ownProcs.add(pid);
    return copy;
  }
  deleteProc(pid: number): void {
    this.procMap().delete(pid);
    this.ownProcs.delete(pid);
  }
  putProc(p: ProcState): void {
    this.procMap().set(p.pid, p);
    this.ownProcs.add(p.pid);
  }

  // ── open files (small objects: replaced whole) ──
  getFile(id: string): FileState | undefined {
    return (this.files ?? this.ctx.files).get(id);
  }
  putFile(f: FileState): void {
    (this.files ??= new Map(this.ctx.files)).set(f.id, f);
  }
  deleteFile(id: string): void {
    (this.files ??= new Map(this.ctx.files)).delete(id);
  }

  // ── endpoints ──
  getEp(id: string): EndpointState | undefined {
    return (this.eps ?? this.ctx.endpoints).get(id);
  }
  allEps(): EndpointState[] {
    return [...(this.eps ?? this.ctx.endpoints).values()];
  }
  private epMap(): Map<string, EndpointState> {
    return (this.eps ??= new Map(this.ctx.endpoints));
  }
  ep(id: string): EndpointState {
    const map = this.epMap();
    const e = map.get(id)!;
    if (this.ownEps.has(id)) return e;
    const copy = { ...e };
    map.set(id, copy);
    this.ownEps.add(id);
    return copy;
  }
  putEp(e: EndpointState): void {
    this.epMap().set(e.id, e);
    this.ownEps.add(e.id);
  }
  deleteEp(id: string): void {
    this.epMap().delete(id);
    this.ownEps.delete(id);
  }

  note(text: string): void {
    this.ctx.notes = [...this.ctx.notes, `event ${this.ctx.eventIndex}: ${text}`];
  }

  // ── segments ──
  record(seg: Omit<ModelSegment, 'index' | 'step'>): ModelSegment {
    const segment: ModelSegment = { index: this.ctx.segmentCount, step: this.step, ...seg };
    this.ctx.segments = { segment, prev: this.ctx.segments };
    this.ctx.segmentCount = this.ctx.segmentCount + 1;
    return segment;
  }
  enqueue(seg: ModelSegment): void {
    this.queue.push(seg);
  }
  dequeue(): ModelSegment | undefined {
    return this.queue.shift();
  }

  finish(): SystemContext {
    if (this.procs) this.ctx.processes = this.procs;
    if (this.files) this.ctx.files = this.files;
    if (this.eps) this.ctx.endpoints = this.eps;
    return this.ctx;
  }
}

// ───────────────────────── helpers ─────────────────────────

function num(v: Scalar | undefined): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return null;
}

function str(v: Scalar | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

/** The descriptor argument of a call: fd, sockfd, listenfd, connfd … whichever the lab names it. */
export function fdArg(args: Readonly<Record<string, Scalar>>): number | null {
  for (const k of ['fd', 'sockfd', 'listenfd', 'connfd', 's']) {
    const n = num(args[k]);
    if (n !== null) return n;
  }
  return null;
}

/** The address argument of bind/connect ("a.b.c.d:port"). */
export function addrArg(args: Readonly<Record<string, Scalar>>): string | null {
  for (const k of ['addr', 'address', 'servaddr', 'sockaddr']) {
    const s = str(args[k]);
    if (s !== null) return s;
  }
  return null;
}

export function portOf(address: string): number | null {
  const m = /:(\d+)$/.exec(address);
  return m ? Number(m[1]) : null;
}

export function hostOf(address: string): string {
  return address.replace(/:\d+$/, '');
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '*', '[::]', '::']);

function isLive(p: ProcState | undefined): p is ProcState {
  return p !== undefined && p.status !== 'zombie' && p.status !== 'exited';
}

function newProcess(d: Draft, fields: Pick<ProcState, 'pid' | 'ppid' | 'role' | 'program'> & Partial<ProcState>): ProcState {
  const p: ProcState = {
    status: 'running',
    pendingCall: null,
    callArgs: {},
    line: null,
    file: null,
    fds: {},
    exitStatus: null,
    exitSignal: null,
    goneStep: null,
    sigchld: 'default',
    sigchldRestart: false,
    interrupted: [],
    lastResult: null,
    fdLimit: null,
    pendingSignal: null,
    reaper: fields.ppid,
    forks: 0,
    order: d.ctx.nextProcessOrder,
    ...fields,
  };
  d.ctx.nextProcessOrder = d.ctx.nextProcessOrder + 1;
  d.putProc(p);
  return p;
}

/** The process of an event; one the model has not seen (its fork was not traced) is created, with a note. */
function ensureProc(d: Draft, pid: number, role: string): ProcState {
  const existing = d.getProc(pid);
  if (existing) return d.proc(pid);
  d.note(`pid ${pid} (${role}) appears without spawn or fork`);
  const program = role.startsWith('client') ? 'client' : 'server';
  return newProcess(d, { pid, ppid: 0, role, program });
}

function newEndpoint(d: Draft, kind: EndpointKind, fields: Partial<EndpointState> = {}): EndpointState {
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
    reuseAddr: false,
    timeWaitId: null,
    timeWaitSince: null,
    closedStep: null,
    error: null,
    ...fields,
  };
  d.putEp(e);
  return e;
}

function newFile(d: Draft, endpointId: string, holder: { pid: number; fd: number }): FileState {
  const f: FileState = { id: `file#${d.ctx.nextFile}`, endpointId, holders: [holder] };
  d.ctx.nextFile = d.ctx.nextFile + 1;
  d.putFile(f);
  return f;
}

function installFd(d: Draft, pid: number, fd: number, fileId: string): void {
  const p = d.proc(pid);
  if (p.fds[fd] !== undefined) {
    // The kernel never hands out an fd in use: the model missed a close. Release the old one.
    d.note(`${p.role} fd ${fd} was reused while the model still had it open`);
    closeFd(d, pid, fd);
  }
  const q = d.proc(pid);
  q.fds = { ...q.fds, [fd]: fileId };
}

/** The endpoint behind a process's descriptor, if it is a socket the model knows. */
function endpointOfFd(d: Draft, pid: number, fd: number | null): EndpointState | undefined {
  if (fd === null) return undefined;
  const fileId = d.getProc(pid)?.fds[fd];
  if (fileId === undefined) return undefined;
  const file = d.getFile(fileId);
  return file ? d.getEp(file.endpointId) : undefined;
}

// ───────────────────────── TCP ─────────────────────────

/** Move an endpoint's machine, keep its path for this step, perform the actions it returns. */
function fire(d: Draft, epId: string, event: TcpEvent): void {
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
  if (result.state === 'CLOSED' && e.fileId === null) e.closedStep = d.step;
  for (const action of result.actions) {
    switch (action) {
      case 'sendSyn':
        send(d, epId, ['SYN'], 0);
        break;
      case 'sendSynAck':
        send(d, epId, ['SYN', 'ACK'], 0);
        break;
      case 'sendAck':
        send(d, epId, ['ACK'], 0);
        break;
      case 'sendFin':
        send(d, epId, ['FIN', 'ACK'], 0);
        break;
      case 'sendRst':
        send(d, epId, isSynchronized(fromState) || fromState === 'SYN_RECEIVED' ? ['RST', 'ACK'] : ['RST'], 0);
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
function detachTimeWait(d: Draft, epId: string): void {
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
    reuseAddr: conn.reuseAddr,
  });
  const file = d.getFile(fileId);
  if (file) d.putFile({ ...file, endpointId: socket.id });
  const c = d.ep(epId);
  c.fileId = null;
  c.unread = 0;
}

/** Put a segment on the wire from endpoint `fromId` to its peer (or to whatever address it was sent). */
function send(d: Draft, fromId: string, flags: SegmentFlag[], len: number, data?: string, toOverride?: string): void {
  const from = d.ep(fromId);
  const to = toOverride ?? from.peerId ?? from.remote;
  if (to === null) return;
  const ackNo = flags.includes('ACK') ? from.rcvNxt : null;
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
function flush(d: Draft): void {
  for (let n = 0; n < MAX_DELIVERIES_PER_EVENT; n++) {
    const seg = d.dequeue();
    if (!seg) return;
    deliver(d, seg);
  }
  d.note('segment delivery did not settle');
}

function deliver(d: Draft, seg: ModelSegment): void {
  const receiver = d.getEp(seg.to);
  if (!receiver) {
    // Sent to an address with no endpoint (a closed port): the kernel answers with RST.
    if (!seg.flags.includes('RST')) {
      const rst = d.record({
        from: seg.to,
        to: seg.from,
        flags: seg.flags.includes('ACK') ? ['RST'] : ['RST', 'ACK'],
        seq: seg.ack ?? 0,
        ack: seg.flags.includes('ACK') ? null : seg.seq + seg.len + (seg.flags.includes('SYN') ? 1 : 0),
        len: 0,
      });
      d.enqueue(rst);
    }
    return;
  }
  const flags = seg.flags;
  const acksFin = receiver.finSeq !== null && seg.ack === receiver.finSeq + 1;
  if (flags.includes('RST')) {
    fire(d, receiver.id, { type: 'RCV_RST' });
    return;
  }
  if (flags.includes('SYN')) {
    const e = d.ep(receiver.id);
    e.rcvNxt = seg.seq + 1;
    if (e.peerId === null && d.getEp(seg.from)) e.peerId = seg.from;
    fire(d, receiver.id, flags.includes('ACK') ? { type: 'RCV_SYN_ACK' } : { type: 'RCV_SYN' });
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
    fire(d, receiver.id, { type: 'RCV_DATA' });
  }
  if (flags.includes('FIN')) {
    if (receiver.tcp.state !== 'CLOSED') d.ep(receiver.id).rcvNxt = seg.seq + seg.len + 1;
    fire(d, receiver.id, { type: 'RCV_FIN', acksFin });
    return;
  }
  if (seg.len === 0 && flags.includes('ACK')) fire(d, receiver.id, { type: 'RCV_ACK', acksFin });
}

/** A listener for a connection to `addr`: same address, or the wildcard address with the same port. */
function findListener(d: Draft, addr: string): EndpointState | undefined {
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
function activeOpen(d: Draft, clientId: string, addr: string): void {
  const client = d.ep(clientId);
  client.kind = 'client';
  client.remote = addr;
  const listener = findListener(d, addr);
  if (listener) {
    // The listener answers the SYN with a new socket of its own (Figure 4.14: in the accept queue).
    const conn = newEndpoint(d, 'server-conn', {
      tcp: listener.tcp,
      path: [],
      local: addr,
      remote: client.local,
      peerId: clientId,
      queuedOn: listener.id,
      queueOrder: d.ctx.nextQueueOrder,
      // A connection the listener creates inherits its socket options (Linux sk_clone_lock).
      reuseAddr: listener.reuseAddr,
      lingerZero: listener.lingerZero,
    });
    d.ctx.nextQueueOrder = d.ctx.nextQueueOrder + 1;
    d.ep(clientId).peerId = conn.id;
  } else {
    d.ep(clientId).peerId = null;
  }
  fire(d, clientId, { type: 'ACTIVE_OPEN' });
  flush(d);
}

/** The socket's last descriptor is gone: close it (FIN), or abort it (RST). */
function releaseSocket(d: Draft, epId: string): void {
  const e = d.ep(epId);
  e.fileId = null;
  const state = e.tcp.state;
  if (state === 'CLOSED') {
    e.closedStep = d.step;
    return;
  }
  if (state === 'LISTEN') {
    // Connections still in the accept queue are reset (Linux inet_csk_listen_stop).
    for (const q of d.allEps()) {
      if (q.queuedOn === epId) {
        d.ep(q.id).queuedOn = null;
        fire(d, q.id, { type: 'ABORT' });
      }
    }
  }
  // Linux: closing with unread data, or with SO_LINGER 0, aborts the connection (RST).
  const abort = e.lingerZero || (e.unread > 0 && isSynchronized(state));
  fire(d, epId, abort ? { type: 'ABORT' } : { type: 'CLOSE' });
  flush(d);
  const after = d.getEp(epId);
  if (after && after.tcp.state === 'CLOSED') d.ep(epId).closedStep = d.step;
}

/** close(fd) by process `pid`: the descriptor goes; the open file's count drops; at 0, the socket closes. */
function closeFd(d: Draft, pid: number, fd: number): void {
  const p = d.getProc(pid);
  const fileId = p?.fds[fd];
  if (!p || fileId === undefined) return;
  const q = d.proc(pid);
  const fds = { ...q.fds };
  delete fds[fd];
  q.fds = fds;
  const file = d.getFile(fileId);
  if (!file) return;
  const holders = file.holders.filter((h) => !(h.pid === pid && h.fd === fd));
  if (holders.length > 0) {
    d.putFile({ ...file, holders });
    return;
  }
  d.deleteFile(fileId);
  releaseSocket(d, file.endpointId);
}

function forkChild(d: Draft, parentPid: number, childPid: number, childRole: string | null): void {
  if (d.getProc(childPid) && isLive(d.getProc(childPid))) return; // the other half of fork came first
  const parent = d.getProc(parentPid);
  if (!parent) {
    d.note(`fork: parent pid ${parentPid} is unknown`);
    newProcess(d, { pid: childPid, ppid: parentPid, role: childRole ?? `child of ${parentPid}`, program: 'server' });
    return;
  }
  const n = parent.forks + 1;
  d.proc(parentPid).forks = n;
  newProcess(d, {
    pid: childPid,
    ppid: parentPid,
    role: childRole ?? `child#${n}`,
    program: parent.program,
    line: parent.line,
    file: parent.file,
    // fork copies signal dispositions and resource limits; the child has the same subreaper.
    sigchld: parent.sigchld,
    sigchldRestart: parent.sigchldRestart,
    fdLimit: parent.fdLimit,
    reaper: parent.reaper,
    fds: { ...parent.fds },
  });
  // Every open file the parent holds gains a holder: its reference count rises (Figure 4.16).
  for (const [fdText, fileId] of Object.entries(parent.fds)) {
    const file = d.getFile(fileId);
    if (file) d.putFile({ ...file, holders: [...file.holders, { pid: childPid, fd: Number(fdText) }] });
  }
}

/** fork returned 0 in the child: if the child is new to the model, it starts as a copy of its parent. */
function forkedChildFirst(d: Draft, ev: ReturnEvent): void {
  if (isLive(d.getProc(ev.pid))) return; // the parent's half came first
  if (ev.ppid === undefined) {
    d.note(`fork returned 0 in pid ${ev.pid} without "ppid": its descriptors are unknown`);
    return;
  }
  forkChild(d, ev.ppid, ev.pid, ev.role);
}

function markGone(d: Draft, pid: number): void {
  const p = d.proc(pid);
  p.status = 'exited';
  p.pendingCall = null;
  p.goneStep = d.step;
}

/**
 * waitpid in `parentPid` returned `childPid`: that child has exited and is reaped now. If its exit
 * event has not come yet (the runner noticed the exit after the parent reaped it), waitpid's
 * return is the proof that it exited: its descriptors close now.
 */
function reapChild(d: Draft, parentPid: number, childPid: number, status: number | null, signal: string | null): void {
  const c = d.getProc(childPid);
  if (!c) {
    d.note(`waitpid returned pid ${childPid}, a process the model does not know`);
    return;
  }
  if (c.ppid !== parentPid) d.note(`waitpid in pid ${parentPid} returned pid ${childPid}, which is not its child`);
  if (isLive(c)) endProcess(d, childPid, status, signal);
  if (d.getProc(childPid)!.status === 'zombie') markGone(d, childPid);
}

/**
 * A process ends: every descriptor closes (in fd order, as the kernel does at exit), it stays a
 * zombie while a live parent has not set SIGCHLD to SIG_IGN, else it is gone at once. Its zombies
 * are reaped by the subreaper that inherits them; its live children get that subreaper as parent.
 */
function endProcess(d: Draft, pid: number, status: number | null, signal: string | null): void {
  const p = d.getProc(pid)!;
  const fds = Object.keys(p.fds)
    .map(Number)
    .sort((a, b) => a - b);
  for (const fd of fds) closeFd(d, pid, fd);
  const q = d.proc(pid);
  q.pendingCall = null;
  q.interrupted = [];
  q.pendingSignal = null;
  q.exitStatus = status;
  q.exitSignal = signal;
  const parent = d.getProc(q.ppid);
  if (isLive(parent) && parent.sigchld !== 'ignore') q.status = 'zombie';
  else markGone(d, pid);
  for (const c of d.allProcs()) {
    if (c.ppid !== pid || c.pid === pid) continue;
    if (c.status === 'zombie') markGone(d, c.pid);
    else if (c.status !== 'exited') d.proc(c.pid).ppid = c.reaper;
  }
}

// ───────────────────────── events ─────────────────────────

function applySpawn(d: Draft, ev: SpawnEvent): void {
  const existing = d.getProc(ev.pid);
  // SIGCHLD starts at its default: the disposition is what the program's sigaction calls say
  // (the header's knobs only say what the scenario asked for).
  newProcess(d, {
    pid: ev.pid,
    ppid: ev.ppid,
    role: ev.role,
    program: ev.program,
    reaper: ev.ppid,
    ...(existing ? { order: existing.order } : {}),
  });
}

function applyCall(d: Draft, ev: CallEvent): void {
  const p = ensureProc(d, ev.pid, ev.role);
  const q = d.proc(p.pid);
  q.role = ev.role;
  if (q.pendingCall !== null) {
    // A call before the pending one returned: a signal handler runs inside it (the SIGCHLD
    // handler's waitpid while the process sleeps in accept, or waits at accept's gate).
    q.interrupted = [...q.interrupted, { call: q.pendingCall, status: q.status, args: q.callArgs }];
  }
  q.status = 'at-gate';
  q.pendingCall = { fn: ev.fn, file: ev.file, line: ev.line };
  q.callArgs = ev.args;
  q.line = ev.line;
  q.file = ev.file;
}

/**
 * The signal handler has returned into the interrupted call `fn` (the innermost one of that name):
 * it is the pending call again, with its arguments. Returns false if no interrupted call is `fn`.
 */
function resumeInterrupted(q: ProcState, fn: string): boolean {
  for (let i = q.interrupted.length - 1; i >= 0; i--) {
    const c = q.interrupted[i]!;
    if (c.call.fn !== fn) continue;
    q.interrupted = q.interrupted.slice(0, i);
    q.pendingCall = c.call;
    q.callArgs = c.args;
    q.status = c.status;
    q.line = c.call.line;
    q.file = c.call.file;
    return true;
  }
  return false;
}

function applyReady(d: Draft, ev: ReadyEvent): void {
  const p = ensureProc(d, ev.pid, ev.role);
  const q = d.proc(p.pid);
  if (q.pendingCall?.fn !== ev.fn && !resumeInterrupted(q, ev.fn)) {
    q.pendingCall = { fn: ev.fn, file: q.file ?? '', line: q.line ?? 0 };
  }
  q.status = 'at-gate';
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

function applyReturn(d: Draft, ev: ReturnEvent): void {
  if (ev.fn === 'fork' && ev.ret === 0 && ev.errno === null) forkedChildFirst(d, ev);
  ensureProc(d, ev.pid, ev.role);
  const pid = ev.pid;
  const p = d.proc(pid);
  p.role = ev.role;
  // The call that returns: the pending one, or one a signal handler interrupted (the handler has
  // returned, and the call goes on: it returns now, or fails with EINTR).
  if (p.pendingCall?.fn !== ev.fn) resumeInterrupted(p, ev.fn);
  p.status = 'running';
  p.pendingCall = null;
  p.lastResult = { fn: ev.fn, ret: ev.ret, errno: ev.errno };
  const args = p.callArgs;
  const ok = ev.errno === null && ev.ret >= 0;
  const fd = fdArg(args);
  switch (ev.fn) {
    case 'socket': {
      if (!ok) break;
      const e = newEndpoint(d, p.program === 'client' ? 'client' : 'listener');
      const f = newFile(d, e.id, { pid, fd: ev.ret });
      d.ep(e.id).fileId = f.id;
      installFd(d, pid, ev.ret, f.id);
      break;
    }
    case 'bind': {
      const e = endpointOfFd(d, pid, fd);
      const addr = addrArg(args);
      if (ok && e && addr !== null) d.ep(e.id).local = addr;
      const port = addr === null ? null : portOf(addr);
      if (ev.errno === 'EADDRINUSE' && port !== null) {
        // Who holds the port: a listener (even SO_REUSEADDR cannot share it), or a connection
        // such as one in TIME_WAIT (SO_REUSEADDR lets a new listener bind beside it).
        p.lastResult = { ...p.lastResult!, conflicts: endpointsOnPort(d, port, e?.id) };
      }
      break;
    }
    case 'listen': {
      const e = endpointOfFd(d, pid, fd);
      if (ok && e) {
        d.ep(e.id).kind = 'listener';
        fire(d, e.id, { type: 'PASSIVE_OPEN' });
      }
      break;
    }
    case 'connect': {
      const e = endpointOfFd(d, pid, fd);
      const addr = addrArg(args);
      if (!e || addr === null) break;
      if (ev.local !== undefined) d.ep(e.id).local = ev.local;
      if (e.tcp.state !== 'CLOSED') break;
      activeOpen(d, e.id, addr);
      const after = d.getEp(e.id)!;
      if (ok && after.tcp.state !== 'ESTABLISHED') d.note(`connect succeeded but the model has no listener at ${addr}`);
      if (!ok && after.tcp.state === 'ESTABLISHED') d.note(`connect failed (${ev.errno}) but the model connected`);
      break;
    }
    case 'accept': {
      // The descriptor limit explains EMFILE: every descriptor below it is in use.
      if (p.fdLimit !== null && ev.errno === 'EMFILE' && lowestFreeFd(p) < p.fdLimit) {
        d.note(`accept failed with EMFILE, but ${p.role} has fd ${lowestFreeFd(p)} free below its limit ${p.fdLimit}`);
      }
      if (p.fdLimit !== null && ok && ev.ret >= p.fdLimit) {
        d.note(`accept returned fd ${ev.ret} although ${p.role}'s descriptor limit is ${p.fdLimit}`);
      }
      // On failure (EMFILE, EINTR …) the connection stays in the accept queue.
      if (!ok) break;
      const listener = endpointOfFd(d, pid, fd);
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
      const f = newFile(d, conn.id, { pid, fd: ev.ret });
      const c = d.ep(conn.id);
      c.fileId = f.id;
      c.queuedOn = null;
      if (ev.local !== undefined) c.local = ev.local;
      if (ev.peer !== undefined) c.remote = ev.peer;
      installFd(d, pid, ev.ret, f.id);
      break;
    }
    case 'fork': {
      if (!ok) break;
      if (ev.ret > 0) forkChild(d, pid, ev.ret, null);
      // The child's half (ret 0) was handled before: see forkedChildFirst.
      break;
    }
    case 'close': {
      if (fd !== null && ev.errno !== 'EBADF') closeFd(d, pid, fd);
      break;
    }
    case 'shutdown': {
      const e = endpointOfFd(d, pid, fd);
      const how = args.how;
      const writeSide = how === 'SHUT_WR' || how === 'SHUT_RDWR' || how === 1 || how === 2;
      if (ok && e && writeSide && !e.shutWr) {
        d.ep(e.id).shutWr = true;
        fire(d, e.id, { type: 'CLOSE' });
        flush(d);
      }
      break;
    }
    case 'setsockopt': {
      const e = endpointOfFd(d, pid, fd);
      const opt = args.optname ?? args.opt ?? args.option;
      if (ok && e && opt === 'SO_LINGER') {
        const onoff = num(args.l_onoff ?? args.onoff ?? 1);
        const linger = num(args.l_linger ?? args.linger);
        d.ep(e.id).lingerZero = onoff !== 0 && linger === 0;
      }
      if (ok && e && opt === 'SO_REUSEADDR') d.ep(e.id).reuseAddr = num(args.value ?? args.optval ?? 1) !== 0;
      break;
    }
    case 'setrlimit': {
      const resource = args.resource;
      const soft = num(args.soft ?? args.rlim_cur ?? null);
      if (ok && (resource === 'RLIMIT_NOFILE' || resource === 7) && soft !== null) p.fdLimit = soft;
      break;
    }
    case 'write':
    case 'send':
    case 'writen': {
      const e = endpointOfFd(d, pid, fd);
      if (!ok || !e || ev.ret === 0) break;
      const state = e.tcp.state;
      if (state !== 'ESTABLISHED' && state !== 'CLOSE_WAIT') break;
      const text = str(args.data ?? args.buf ?? null);
      const result = tcpTransition(e.tcp, { type: 'SEND' });
      if (result.actions.includes('sendData')) {
        send(d, e.id, ['PSH', 'ACK'], ev.ret, text === null ? undefined : text.slice(0, ev.ret));
        flush(d);
      }
      break;
    }
    case 'read':
    case 'recv':
    case 'readline': {
      const e = endpointOfFd(d, pid, fd);
      if (!ok || !e) break;
      if (ev.ret > 0) d.ep(e.id).unread = Math.max(0, e.unread - ev.ret);
      break;
    }
    case 'dup':
    case 'dup2': {
      const oldFd = num(args.oldfd ?? args.fd ?? null);
      const fileId = oldFd === null ? undefined : d.getProc(pid)?.fds[oldFd];
      if (!ok || fileId === undefined || ev.ret === oldFd) break;
      if (d.getProc(pid)?.fds[ev.ret] !== undefined) closeFd(d, pid, ev.ret);
      const file = d.getFile(fileId);
      if (!file) break;
      d.putFile({ ...file, holders: [...file.holders, { pid, fd: ev.ret }] });
      installFd(d, pid, ev.ret, fileId);
      break;
    }
    case 'wait':
    case 'waitpid': {
      // ret: the reaped child's pid; 0 with WNOHANG when no child has exited; -1 ECHILD when none is left.
      if (ok && ev.ret > 0) reapChild(d, pid, ev.ret, ev.status ?? null, ev.signal ?? null);
      break;
    }
    case 'signal':
    case 'sigaction': {
      const sig = args.sig ?? args.signo ?? args.signal;
      if (!ok || (sig !== 'SIGCHLD' && sig !== 17)) break;
      const handler = args.handler ?? args.disposition;
      const q = d.proc(pid);
      q.sigchld = handler === 'SIG_IGN' ? 'ignore' : handler === 'SIG_DFL' ? 'default' : 'handler';
      const flags = str(args.flags ?? args.sa_flags ?? null) ?? '';
      q.sigchldRestart = q.sigchld === 'handler' && /\bSA_RESTART\b/.test(flags);
      break;
    }
    default:
      break;
  }
}

function applyExit(d: Draft, ev: ExitEvent): void {
  const p = ensureProc(d, ev.pid, ev.role);
  if (!isLive(p)) {
    // Known to have ended already (its parent's waitpid reaped it before this event came).
    const q = d.proc(ev.pid);
    q.exitStatus = ev.status;
    q.exitSignal = ev.signal;
    return;
  }
  endProcess(d, ev.pid, ev.status, ev.signal);
}

/** The runner sent a signal (SIGTERM to kill a server): it takes effect with the exit that follows. */
function applySignal(d: Draft, ev: SignalEvent): void {
  const p = d.getProc(ev.pid);
  if (!p) {
    d.note(`${ev.signal} was sent to pid ${ev.pid} (${ev.role}), a process the model does not know`);
    return;
  }
  if (isLive(p)) d.proc(ev.pid).pendingSignal = ev.signal;
}

function applyKernel(d: Draft, ev: KernelEvent): void {
  for (const kp of ev.processes) {
    const p = d.getProc(kp.pid);
    if (!p) continue;
    // A signal handler's calls have returned and the kernel shows the process back inside the
    // call the handler interrupted (accept restarted by SA_RESTART): the handler has returned.
    if (p.pendingCall === null && p.interrupted.length > 0 && kp.blockedIn !== null && (kp.place === 'kernel' || kp.place === 'gate')) {
      resumeInterrupted(d.proc(kp.pid), kp.blockedIn);
    }
    // A released call with no return yet: the kernel says whether the process sleeps inside it.
    const q = d.getProc(kp.pid)!;
    if (q.pendingCall === null) continue;
    if (kp.place === 'kernel' && (kp.blockedIn === null || kp.blockedIn === q.pendingCall.fn)) {
      d.proc(kp.pid).status = 'blocked';
    }
  }
  d.ctx.kernelCount = d.ctx.kernelCount + 1;
  d.ctx.label = ev.label;
}

/** 2MSL timers that ran out by trace time `now`, and endpoints that closed in an earlier step. */
function housekeeping(d: Draft): void {
  const at = d.ctx.nextTimerAt;
  if (at !== null && d.ctx.now >= at) {
    let next: number | null = null;
    for (const e of d.allEps()) {
      if (e.tcp.state !== 'TIME_WAIT' || e.timeWaitSince === null) continue;
      const due = e.timeWaitSince + TIME_WAIT_NS;
      if (d.ctx.now >= due) fire(d, e.id, { type: 'TIMEOUT_2MSL' });
      else next = next === null ? due : Math.min(next, due);
    }
    d.ctx.nextTimerAt = next;
  }
  if (d.ctx.prunedStep < d.step) {
    // A socket shown CLOSED in the step it closed is gone from the picture after that step.
    for (const e of d.allEps()) {
      if (e.fileId === null && e.tcp.state === 'CLOSED' && e.closedStep !== null && e.closedStep < d.step) {
        d.deleteEp(e.id);
      }
    }
    // So is a process that exited (or was reaped) in an earlier step.
    for (const p of d.allProcs()) {
      if (p.status === 'exited' && p.goneStep !== null && p.goneStep < d.step) d.deleteProc(p.pid);
    }
    d.ctx.prunedStep = d.step;
  }
}

/** Apply one trace event: the single entry point of the model's semantics. Pure. */
export function applyTraceEvent(ctx: SystemContext, ev: TraceEvent, index: number): SystemContext {
  const d = new Draft(ctx, index, ev.t);
  housekeeping(d);
  switch (ev.kind) {
    case 'spawn':
      applySpawn(d, ev);
      break;
    case 'call':
      applyCall(d, ev);
      break;
    case 'ready':
      applyReady(d, ev);
      break;
    case 'return':
      applyReturn(d, ev);
      break;
    case 'exit':
      applyExit(d, ev);
      break;
    case 'kernel':
      applyKernel(d, ev);
      break;
    case 'signal':
      applySignal(d, ev);
      break;
    case 'output':
    case 'end':
      break;
  }
  flush(d);
  return d.finish();
}

