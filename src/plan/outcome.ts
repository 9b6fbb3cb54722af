// What a run of a plan (or its prediction) came to, for the outcome summary panel: every FIN and
// RST that went out and why, each connection's final TCP states and who holds TIME_WAIT, leaked
// descriptors, zombies, failed calls, and who saw end of file. A pure function of the trace, read
// through the model (walk.ts): the same for a real run, a predicted one, or a lesson's recording.
// docs/plan-format.md, "Outcome and comparison", defines each part; keep them together.
//
// "The end" is the last step's end (its kernel snapshot, or its `step` event): what the runner
// does after it (stopping the run kills every process) is not part of the experiment.

import type { SystemContext } from '../model/state.ts';
import { statusOf } from '../model/process.ts';
import type { ModelSegment } from '../model/types.ts';
import type { TcpState, Trace } from '../trace/types.ts';
import { endsStep, stateOf, walkTrace, type EndNames, type Frame } from './walk.ts';

/** Why a FIN or RST went out. */
export type SegmentReason =
  /** a close took the open file's count to 0: the socket closes (FIN) */
  | 'close'
  /** shutdown(SHUT_WR or SHUT_RDWR) sends the FIN whatever the count */
  | 'shutdown'
  /** the process ended (exit, or killed): the kernel closed its descriptors, this one the last reference */
  | 'exit'
  /** the last reference went with SO_LINGER {1, 0}: an abortive close (RST) */
  | 'linger-zero'
  /** the last reference went with received bytes nobody read: Linux aborts (RST) */
  | 'unread-data'
  /** a listening socket's last reference went: the connections still in its accept queue are reset */
  | 'listener-closed'
  /** the answer to a segment that reached a closed socket, or a port where nothing listens */
  | 'reply'
  /** the sender sent it again: a drop step lost it the first time (trace 1.2's `retransmit`) */
  | 'retransmission'
  /** none of these (not seen in any recorded or predicted run; kept so that nothing goes unsaid) */
  | 'other';

export interface ConnectionSignal {
  flag: 'FIN' | 'RST';
  step: number;
  label: string;
  /** The end it went out from ("connection client#1 ↔ child#1 (server end)"), and where it went. */
  from: string;
  to: string;
  reason: SegmentReason;
  /** The process whose call or end caused it, when one did. */
  role: string | null;
  /** The call, as C: "close(4)", "shutdown(3, SHUT_WR)", "exit", "SIGTERM". */
  call: string | null;
  /** The open file's count before and after, when a descriptor's release caused it. */
  count: { before: number; after: number } | null;
  /** For people: "close(4) in child#1: count 1 → 0". */
  why: string;
}

export interface ConnectionOutcome {
  /** "connection client#1 ↔ child#1" */
  name: string;
  client: string;
  server: string;
  /** Final TCP state of each end (CLOSED once the model let it go). */
  clientState: TcpState;
  serverState: TcpState;
  /** Who holds TIME_WAIT at the end: the role(s) that last held that end's descriptor. Empty: nobody. */
  timeWait: { side: 'client' | 'server'; roles: string[] }[];
}

export interface Leak {
  role: string;
  fd: number;
  /** "parent connfd 4" */
  descriptor: string;
  kind: 'parent-keeps-connection' | 'child-keeps-listener';
  /** The socket it names, for people. */
  socket: string;
  why: string;
}

export interface FailedCall {
  step: number;
  label: string;
  role: string;
  call: string;
  errno: string;
}

export interface EndOfFile {
  step: number;
  label: string;
  role: string;
  /** "client#1 sockfd 3" */
  descriptor: string;
}

/** A close(2) that succeeded, and what it did to its open file's count (and what it sent). */
export interface CloseRecord {
  step: number;
  label: string;
  role: string;
  fd: number;
  /** "child#1 connfd 4" */
  descriptor: string;
  countBefore: number;
  countAfter: number;
  /** What went out from that socket because of it: a FIN, an RST, or nothing (the count stayed above 0, or it had no connection). */
  sent: 'FIN' | 'RST' | null;
}

export interface Outcome {
  signals: ConnectionSignal[];
  closes: CloseRecord[];
  connections: ConnectionOutcome[];
  leaks: Leak[];
  /** Roles of the processes that are zombies at the end. */
  zombies: string[];
  failedCalls: FailedCall[];
  endOfFile: EndOfFile[];
  /** The run stopped before its end: the `end` event's message ("plan stalled at step 7: …"). */
  stalled: string | null;
  /** How many steps ended (the last one's number is lastStep). */
  lastStep: number;
}

/** The open file a process's descriptor names in `ctx`, if any. */
function fileOf(ctx: SystemContext, pid: number, fd: number) {
  const id = ctx.processes.get(pid)?.fds[fd];
  return id === undefined ? undefined : ctx.files.get(id);
}

/** The descriptor of process `pid` naming endpoint `epId` in `ctx` (the lowest), with its file. */
function fdNaming(ctx: SystemContext, pid: number, epId: string) {
  const p = ctx.processes.get(pid);
  if (!p) return undefined;
  for (const [fd, fileId] of Object.entries(p.fds).sort((a, b) => Number(a[0]) - Number(b[0]))) {
    const file = ctx.files.get(fileId);
    if (file?.endpointId === epId) return { fd: Number(fd), file };
  }
  return undefined;
}

/** Why segment `seg` (a FIN or RST) went out during frame `f`. */
function causeOf(f: Frame, seg: ModelSegment, names: EndNames): Omit<ConnectionSignal, 'flag' | 'step' | 'label' | 'from' | 'to'> {
  const e = f.event;
  const ep = f.before.endpoints.get(seg.from);
  const rst = seg.flags.includes('RST');
  // The last reference went: a FIN, or an RST when SO_LINGER {1, 0} or unread bytes made it an abort.
  const released = (role: string, call: string, what: string, count: number, reason: SegmentReason) => {
    const counted = `${what}count ${count} → ${count - 1}`;
    const common = { role, call, count: { before: count, after: count - 1 } };
    if (rst && ep?.lingerZero) return { ...common, reason: 'linger-zero' as const, why: `${counted}, with SO_LINGER {1, 0}: an abortive close` };
    if (rst && ep && ep.unread > 0) return { ...common, reason: 'unread-data' as const, why: `${counted}, with ${ep.unread} byte${ep.unread === 1 ? '' : 's'} received and not read` };
    return { ...common, reason, why: counted };
  };
  if (e.kind === 'return' && e.ret === 0 && (e.fn === 'close' || e.fn === 'shutdown')) {
    const args = f.before.processes.get(e.pid)?.calls.last?.args;
    const fd = typeof args?.fd === 'number' ? args.fd : -1;
    const file = fileOf(f.before, e.pid, fd);
    if (file?.endpointId === seg.from && e.fn === 'close') return released(e.role, `close(${fd})`, `close(${fd}) in ${e.role}: `, file.refs.count, 'close');
    if (file?.endpointId === seg.from && !rst) {
      const call = `shutdown(${fd}, ${String(args?.how)})`;
      return { reason: 'shutdown', role: e.role, call, count: null, why: `${call} in ${e.role}: the FIN goes whatever the count` };
    }
  }
  if (e.kind === 'exit') {
    const held = fdNaming(f.before, e.pid, seg.from);
    const ended = e.signal ? `${e.role} killed by ${e.signal}` : `exit(${e.status ?? 0}) of ${e.role}`;
    if (held) return released(e.role, e.signal ?? 'exit', `${ended}: the kernel closed fd ${held.fd}, `, held.file.refs.count, 'exit');
  }
  const role = 'role' in e ? e.role : null;
  if ((e.kind as string) === 'retransmit') {
    return { reason: 'retransmission', role, call: null, count: null, why: `sent again: the first one was lost (a drop step)` };
  }
  if (rst && ep?.queuedOn) {
    return { reason: 'listener-closed', role, call: null, count: null, why: `${names.endName(names.keyOf(ep.queuedOn))} closed with this connection still in its accept queue` };
  }
  const after = role ? ` (after ${role}'s ${e.kind === 'return' ? e.fn : e.kind})` : '';
  if (rst) {
    const where = ep ? 'a closed socket' : `${seg.from}, where no socket takes it`;
    return { reason: 'reply', role, call: null, count: null, why: `the answer to a segment that reached ${where}${after}` };
  }
  return { reason: 'other', role, call: null, count: null, why: `sent by the model during this event${after}` };
}

/** Summarize what a trace of a plan came to. Pure. */
export function summarizeOutcome(trace: Trace): Outcome {
  const signals: ConnectionSignal[] = [];
  const failedCalls: FailedCall[] = [];
  const endOfFile: EndOfFile[] = [];
  const closes: CloseRecord[] = [];
  let final: SystemContext | null = null;
  let lastStep = 0;
  const names = walkTrace(trace, (f, names) => {
    if (f.step === null || f.label === null) return; // after the last step: the runner stopping the run
    const { step, label } = f;
    const e = f.event;
    for (const seg of f.sent) {
      const flag = seg.flags.includes('RST') ? 'RST' : seg.flags.includes('FIN') ? 'FIN' : null;
      if (!flag) continue;
      // Named once the walk is over (a server end is named after the child that served it).
      signals.push({ flag, step, label, from: names.keyOf(seg.from), to: names.keyOf(seg.to), ...causeOf(f, seg, names) });
    }
    if (e.kind === 'return') {
      const proc = f.before.processes.get(e.pid);
      const fd = proc?.calls.last?.args.fd;
      const inHandler = (proc?.calls.interrupted.length ?? 0) > 0;
      if (e.ret === -1 && e.errno !== null && !(inHandler && e.fn === 'waitpid')) {
        failedCalls.push({ step, label, role: e.role, call: typeof fd === 'number' ? `${e.fn}(${fd})` : e.fn, errno: e.errno });
      }
      if (e.fn === 'read' && e.ret === 0 && typeof fd === 'number') endOfFile.push({ step, label, role: e.role, descriptor: names.fdName(e.role, fd) });
      if (e.fn === 'close' && e.ret === 0 && typeof fd === 'number') {
        const file = fileOf(f.before, e.pid, fd);
        const count = file?.refs.count ?? 1;
        const out = f.sent.find((seg) => seg.from === file?.endpointId && (seg.flags.includes('FIN') || seg.flags.includes('RST')));
        const sent = out ? (out.flags.includes('RST') ? 'RST' : 'FIN') : null;
        closes.push({ step, label, role: e.role, fd, descriptor: names.fdName(e.role, fd), countBefore: count, countAfter: count - 1, sent });
      }
    }
    if (endsStep(e)) {
      final = f.after;
      lastStep = step;
    }
  });
  for (const s of signals) {
    s.from = names.endName(s.from);
    s.to = names.endName(s.to);
  }
  const end = trace.events[trace.events.length - 1];
  const stalled = end?.kind === 'end' && end.reason !== 'completed' && end.message ? end.message : null;
  const ctx = final as SystemContext | null;
  return {
    signals,
    closes,
    connections: ctx ? connectionsAt(ctx, names) : [],
    leaks: ctx ? leaksAt(ctx, names) : [],
    zombies: ctx ? [...ctx.processes.values()].filter((p) => statusOf(p.life) === 'zombie').map((p) => p.role) : [],
    failedCalls,
    endOfFile,
    stalled,
    lastStep,
  };
}

function connectionsAt(ctx: SystemContext, names: EndNames): ConnectionOutcome[] {
  const out: ConnectionOutcome[] = [];
  const ids = names.endpointIds();
  for (const [key, epId] of ids) {
    const id = names.identity(epId)!;
    if (id.side !== 'client' || key.endsWith('/socket') || !id.used) continue;
    const client = id.client!;
    const serverId = ids.get(`${key.replace(/\/client$/, '')}/server`);
    const clientState = stateOf(ctx, epId);
    const serverState = serverId ? stateOf(ctx, serverId) : 'CLOSED';
    const server = names.serverOf(client);
    const timeWait: ConnectionOutcome['timeWait'] = [];
    if (clientState === 'TIME_WAIT') timeWait.push({ side: 'client', roles: id.lastHolders.length ? id.lastHolders : [id.creator ?? client] });
    if (serverState === 'TIME_WAIT') timeWait.push({ side: 'server', roles: names.identity(serverId!)!.lastHolders.length ? names.identity(serverId!)!.lastHolders : [server] });
    out.push({ name: `connection ${client} ↔ ${server}`, client, server, clientState, serverState, timeWait });
  }
  return out;
}

/**
 * Leaks at the end, among processes still alive:
 * - a server process that is not a child (parent, parent#N) holding a connection's server end
 *   that a child has held too: it accepted, forked, and did not close its connfd, so the child's
 *   close cannot take the count to 0 (no FIN);
 * - a child (child#N) holding a listening socket: it did not close listenfd, so the listener
 *   outlives the parent's close of it (and keeps the port).
 */
function leaksAt(ctx: SystemContext, names: EndNames): Leak[] {
  const leaks: Leak[] = [];
  for (const p of ctx.processes.values()) {
    const status = statusOf(p.life);
    if (status === 'zombie' || status === 'exited') continue;
    for (const [fdText, fileId] of Object.entries(p.fds)) {
      const fd = Number(fdText);
      const file = ctx.files.get(fileId);
      const id = file && names.identity(file.endpointId);
      if (!id) continue;
      const socket = names.endName(id.key);
      const descriptor = names.fdName(p.role, fd);
      const isChild = p.role.startsWith('child#');
      if (!isChild && id.side === 'server' && id.holders.some((r) => r.startsWith('child#'))) {
        const child = id.holders.find((r) => r.startsWith('child#'))!;
        leaks.push({ role: p.role, fd, descriptor, kind: 'parent-keeps-connection', socket, why: `${descriptor} still names ${socket}, which ${child} serves: count ${file.refs.count}, so no close in ${child} alone sends the FIN` });
      }
      if (isChild && id.side === 'listener') {
        leaks.push({ role: p.role, fd, descriptor, kind: 'child-keeps-listener', socket, why: `${descriptor} still names ${socket} (count ${file.refs.count}): it stays in LISTEN as long as ${p.role} lives` });
      }
    }
  }
  return leaks.sort((a, b) => (a.role === b.role ? a.fd - b.fd : a.role < b.role ? -1 : 1));
}
