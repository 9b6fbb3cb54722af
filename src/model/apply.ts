// Pure helpers of the system model: each takes a context and a trace event and returns the
// next context (src/model/state.ts), never changing its input. The XState machine in system.ts
// calls them from its `assign` actions.
//
// Semantics (UNP §4.8, ch. 5 and §7.5; RFC 9293 for TCP; Linux where it differs), each rule in
// one home:
// - calls (src/trace/callFold.ts, the fold the runner uses too): call (at the gate), release
//   (inside the call: asleep in the kernel until it returns; accept's lab-made wait in poll until
//   ready), ready (woken, at the gate again), return (running). A call made before the pending one
//   returned comes from a signal handler (sig_chld's waitpid inside accept): the pending call is
//   interrupted, and resumes when it returns (or fails EINTR), when it is woken (ready), or when a
//   step ends with the handler's calls all returned (SA_RESTART restarted it).
// - processes (process.ts, performed by processes.ts): alive, where the fold says; exit closes
//   every descriptor; a zombie while a live parent does not ignore SIGCHLD, until a waitpid
//   returns its pid; when a process dies its zombies are reaped and its live children re-parented
//   by the subreaper that launched the program. SIGCHLD's disposition is what sigaction returned;
//   fork copies it, and the descriptor limit (setrlimit). A runner's signal is pending until the
//   exit it causes.
// - open files (openFile.ts, performed by network.ts): socket/accept create one (count 1); fork
//   raises every shared file's count; close lowers it; only at 0 is the socket released, and the
//   socket decides how it closes (network.ts releaseSocket: FIN, or RST with SO_LINGER 0 or unread
//   data); shutdown(SHUT_WR) sends the FIN whatever the count. A failed accept (EMFILE, EINTR)
//   leaves the connection in the queue; closing a listener resets the connections queued on it.
// - TCP: every endpoint is driven by the machine in tcp.ts. Segments travel on loopback, so each
//   is delivered at once, in the order sent, and the receiver's machine answers; a SYN lands on
//   the connection that still holds its pair of addresses (a TIME_WAIT, say) before the listener
//   (network.ts). A connection that enters TIME_WAIT while a descriptor still names its socket
//   moves to a separate TIME_WAIT socket, and the descriptor's socket is CLOSED (Linux's
//   tcp_time_wait).
//
// This file holds the appliers, one per kind of trace event; a return's applier moves the process
// out of its call (the call fold) and hands the call's own work to the applier of that call in
// calls.ts (a table keyed by the call, with the call's arguments typed as the lab writes them:
// src/trace/types.ts). processes.ts, network.ts, draft.ts and args.ts hold the semantics they share.

import type { CallArgs, CallEvent, DropEvent, LostEvent, RetransmitEvent, ExitEvent, KernelEvent, ReadyEvent, ReleaseEvent, ReturnEvent, ReturningCall, Scalar, SignalEvent, SpawnEvent, StepEvent, TraceEvent, TraceHeader } from '../trace/types.ts';
import type { ProcState, SystemContext } from './state.ts';
import { Draft } from './draft.ts';
import { isLive, newProcess, ensureProc, forkedChildFirst, endProcess, foldCalls } from './processes.ts';
import { TIME_WAIT_NS, activeOpen, armDrop, endpointOfFd, fire, flushWithDelayedAcks, retransmit } from './network.ts';
import { RETURNS, type ReturnApplier } from './calls.ts';

export { TIME_WAIT_NS } from './network.ts';

export function initialContext(header?: Pick<TraceHeader, 'scenario' | 'minor'> | null): SystemContext {
  return {
    eventIndex: -1,
    step: 0,
    kernelCount: 0,
    label: 'start',
    now: 0,
    serverPort: header?.scenario.port ?? null,
    releases: (header?.minor ?? 0) >= 1,
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

/** The process stops at the lab's gate before the call (inside a pending one: a signal handler's call). */
function applyCall(d: Draft, ev: CallEvent): void {
  const p = ensureProc(d, ev.pid, ev.role);
  d.proc(p.pid).role = ev.role;
  foldCalls(d, p.pid, ev);
}

/** Woken: the call can complete, after the gate. */
function applyReady(d: Draft, ev: ReadyEvent): void {
  const p = ensureProc(d, ev.pid, ev.role);
  foldCalls(d, p.pid, ev);
}

/** The runner opened the gate: the process goes into its pending call (and stays there until it returns). */
function applyRelease(d: Draft, ev: ReleaseEvent): void {
  const p = d.getProc(ev.pid);
  const pending = p?.calls.pending ?? null;
  if (!p || pending === null) {
    d.note(`the runner released pid ${ev.pid} (${ev.role}) into ${ev.fn}(), but the model has it at no gate`);
    return;
  }
  if (pending.fn !== ev.fn) d.note(`the runner released pid ${ev.pid} (${ev.role}) into ${ev.fn}(), but its pending call is ${pending.fn}()`);
  foldCalls(d, ev.pid, ev);
}

function applyReturn(d: Draft, ev: ReturnEvent): void {
  if (ev.fn === 'fork' && ev.ret === 0 && ev.errno === null) forkedChildFirst(d, ev);
  ensureProc(d, ev.pid, ev.role);
  const before = d.proc(ev.pid);
  before.role = ev.role;
  // The call that returns: the pending one, or one a signal handler interrupted (the handler has
  // returned, and the call goes on: it returns now, or fails with EINTR). Its arguments are those
  // of its call event, the fold's last call once it has folded the return.
  const called = before.calls.pending?.fn === ev.fn || before.calls.interrupted.some((c) => c.call.fn === ev.fn);
  foldCalls(d, ev.pid, ev);
  const p = d.proc(ev.pid);
  p.lastResult = { fn: ev.fn, ret: ev.ret, errno: ev.errno };
  if (!called && ev.fn !== 'fork') {
    // Its arguments are unknown (fork needs none: it returns in a child that never made the call).
    d.note(`${ev.fn}() returned in pid ${ev.pid} (${ev.role}), which the model has not seen make that call`);
    return;
  }
  returned(d, ev, called ? (p.calls.last?.args ?? {}) : {}, p);
}

function returned<F extends ReturningCall>(d: Draft, ev: ReturnEvent<F>, args: Readonly<Record<string, Scalar>>, p: ProcState): void {
  // One cast, where the table meets the event: the return of call F had a call event of call F,
  // whose arguments the parser checked against CallArgs[F] (parse.ts).
  (RETURNS[ev.fn] as ReturnApplier<F>)(d, ev, args as CallArgs[F], p);
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
  // The lab's parent-death signal: its handler returns and the interrupted call is restarted.
  if (ev.from === 'lab') return;
  const p = d.getProc(ev.pid);
  if (!p) {
    d.note(`${ev.signal} was sent to pid ${ev.pid} (${ev.role}), a process the model does not know`);
    return;
  }
  if (isLive(p)) d.proc(ev.pid).pendingSignal = ev.signal;
}

/** The step has settled: every process is at a gate, asleep in a call, or gone (the call fold's step-end). */
function applyKernel(d: Draft, ev: KernelEvent): void {
  settle(d, ev);
}

/**
 * A predicted step has ended (trace 1.2, src/plan/predict.ts): settled as a kernel snapshot
 * settles a step, with nothing observed (a predicted trace has releases: it is 1.1 or later).
 */
function applyStep(d: Draft, ev: StepEvent): void {
  settle(d, ev);
}

function settle(d: Draft, ev: KernelEvent | StepEvent): void {
  if (d.ctx.releases || ev.kind === 'step') {
    // One whose signal handler's calls have all returned and that makes no new call has left the
    // handler: it is back inside the call the handler interrupted (accept restarted by SA_RESTART).
    for (const p of d.allProcs()) if (p.calls.interrupted.length > 0) foldCalls(d, p.pid, STEP_END);
  } else {
    // A 1.0 trace says neither when a gate opened nor when a handler returned: the snapshot's
    // place (the runner's reading) says whether a process sleeps inside its call.
    for (const kp of (ev as KernelEvent).processes) foldCalls(d, kp.pid, { kind: 'step-end', observed: kp });
  }
  d.ctx.kernelCount = d.ctx.kernelCount + 1;
  d.ctx.label = ev.label;
}

const STEP_END = { kind: 'step-end' } as const;

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
      if (e.fileId === null && e.queuedOn === null && e.tcp.state === 'CLOSED' && e.closedStep !== null && e.closedStep < d.step) {
        d.deleteEp(e.id);
      }
    }
    // So is a process that exited (or was reaped) in an earlier step.
    for (const p of d.allProcs()) {
      if (p.life === 'reaped' && p.goneStep !== null && p.goneStep < d.step) d.deleteProc(p.pid);
    }
    d.ctx.prunedStep = d.step;
  }
}

/** Which drop an event names: the `drop` and its `retransmit` say the same pid, fd and segment. */
const dropKey = (ev: DropEvent | LostEvent | RetransmitEvent) => `${ev.pid}/${ev.fd}/${ev.segment}`;

/** A drop armed on the socket the descriptor names (network.ts: the next segment of its kind is lost there). */
function applyDrop(d: Draft, ev: DropEvent): void {
  const e = endpointOfFd(d, ev.pid, ev.fd);
  if (!e) return d.note(`a drop on ${ev.role} fd ${ev.fd}, which names no socket the model knows`);
  armDrop(d, e.id, dropKey(ev), ev.segment);
}

/**
 * The drop lost its segment. Every other loss the model makes itself, when the segment arrives;
 * a SYN-ACK lost at a client inside connect is the exception: the model opens a connection when
 * connect returns (its `local` names the client's port), and a held connect has not. Here the
 * event names the port, so the active open happens now, and the armed drop loses the SYN-ACK.
 */
function applyLost(d: Draft, ev: LostEvent): void {
  const e = endpointOfFd(d, ev.pid, ev.fd);
  const inConnect = d.getProc(ev.pid)?.calls.pending?.fn === 'connect';
  if (ev.segment === 'SYN-ACK' && e && e.tcp.state === 'CLOSED' && inConnect) {
    d.ep(e.id).local = ev.local;
    activeOpen(d, e.id, ev.remote);
  }
  // No other check here: the event's `t` is the loss's, and a loss caused by a call (a close's FIN
  // answered) comes before that call's return, where the model makes it; the snapshot checks it.
}

/** The retransmission that ends a hold: wherever the segment was lost, even on a socket no descriptor names now. */
function applyRetransmit(d: Draft, ev: RetransmitEvent): void {
  const key = dropKey(ev);
  const held = d.allEps().find((e) => e.lost?.key === key);
  if (!held) return d.note(`a retransmission for the drop on ${ev.role} fd ${ev.fd}, but the model lost no ${ev.segment} there`);
  retransmit(d, held.id);
}

/** One kind of trace event applied to a context: the next context. Pure. */
export type Applier<E extends TraceEvent = TraceEvent> = (ctx: SystemContext, ev: E, index: number) => SystemContext;

/** An applier as a pure function: a draft of the context, timers first, the event, then what it sent. */
function pure<E extends TraceEvent>(apply: (d: Draft, ev: E) => void): Applier<E> {
  return (ctx, ev, index) => {
    const d = new Draft(ctx, index, ev.t);
    housekeeping(d);
    apply(d, ev);
    flushWithDelayedAcks(d);
    return d.finish();
  };
}

/** Output and the end of the run change nothing but the clock; captured packets are compared, not applied (packets.ts). */
const nothing = (): void => {};

/** The applier of each kind of trace event: the actions of the system machine (system.ts) are these. */
export const APPLIERS: { readonly [K in TraceEvent['kind']]: Applier<Extract<TraceEvent, { kind: K }>> } = {
  spawn: pure(applySpawn),
  call: pure(applyCall),
  release: pure(applyRelease),
  ready: pure(applyReady),
  return: pure(applyReturn),
  exit: pure(applyExit),
  signal: pure(applySignal),
  drop: pure(applyDrop),
  lost: pure(applyLost),
  retransmit: pure(applyRetransmit),
  kernel: pure(applyKernel),
  step: pure(applyStep),
  output: pure(nothing),
  packet: pure(nothing),
  end: pure(nothing),
};

/** Apply one trace event: the single entry point of the model's semantics. Pure. */
export function applyTraceEvent(ctx: SystemContext, ev: TraceEvent, index: number): SystemContext {
  return (APPLIERS[ev.kind] as Applier)(ctx, ev, index);
}
