// Pure helpers of the system model: each takes a context and a trace event and returns the
// next context (src/model/state.ts), never changing its input. The XState machine in system.ts
// calls them from its `assign` actions.
//
// Semantics (UNP §4.8, ch. 5 and §7.5; RFC 9293 for TCP; Linux where it differs):
// - processes: spawn, call (at the gate), release (inside the call: asleep in the kernel until it
//   returns; accept's lab-made wait in poll until ready), ready (woken, at the gate again), return (running),
//   exit (every descriptor closed; zombie while a live parent does not ignore SIGCHLD, until a
//   waitpid returns its pid). A call made before the pending one returned comes from a signal
//   handler (sig_chld's waitpid inside accept): the pending call is interrupted, and resumes when
//   it returns (or fails EINTR), when it is woken (ready), or when a step ends with the handler's
//   calls all returned (SA_RESTART restarted it). SIGCHLD's disposition is what sigaction returned; fork copies it, and the
//   descriptor limit (setrlimit). A runner's signal is pending until the exit it causes. When a
//   process dies its zombies are reaped and its live children re-parented by the subreaper that
//   launched the program.
// - open files: socket/accept create one (refCount 1); fork raises every shared file's count;
//   close lowers it; only at 0 is the socket closed (FIN, or RST with SO_LINGER 0 or unread data);
//   shutdown(SHUT_WR) sends the FIN whatever the count. A failed accept (EMFILE, EINTR) leaves the
//   connection in the queue; closing a listener resets the connections queued on it.
// - TCP: every endpoint is driven by the machine in tcp.ts. Segments travel on loopback, so each
//   is delivered at once, in the order sent, and the receiver's machine answers; a SYN lands on
//   the connection that still holds its pair of addresses (a TIME_WAIT, say) before the listener
//   (network.ts). A connection that enters TIME_WAIT while a descriptor still names its socket
//   moves to a separate TIME_WAIT socket, and the descriptor's socket is CLOSED (Linux's
//   tcp_time_wait).
//
// This file holds the appliers, one per kind of trace event; a return's applier moves the process
// out of its call and hands the call's own work to the applier of that call in calls.ts (a table
// keyed by the call, with the call's arguments typed as the lab writes them: src/trace/types.ts).
// processes.ts, network.ts, draft.ts and args.ts hold the semantics they share.

import type { CallArgs, CallEvent, ExitEvent, KernelEvent, ReadyEvent, ReleaseEvent, ReturnEvent, ReturningCall, Scalar, SignalEvent, SpawnEvent, TraceEvent, TraceHeader } from '../trace/types.ts';
import type { ProcState, SystemContext } from './state.ts';
import { Draft } from './draft.ts';
import { isLive, newProcess, ensureProc, forkedChildFirst, endProcess } from './processes.ts';
import { TIME_WAIT_NS, fire, flushWithDelayedAcks } from './network.ts';
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
  q.pendingCall = ev.waitsIn ? { fn: ev.fn, file: ev.file, line: ev.line, waitsIn: ev.waitsIn } : { fn: ev.fn, file: ev.file, line: ev.line };
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
    q.callArgs = { fd: ev.fd }; // accept's one argument, which the ready event names
  }
  // The wait is over: the call can complete now, after the gate.
  if (q.pendingCall?.waitsIn) q.pendingCall = { fn: q.pendingCall.fn, file: q.pendingCall.file, line: q.pendingCall.line };
  q.status = 'at-gate';
}

/** The runner opened the gate: the process goes into its pending call (and stays there until it returns). */
function applyRelease(d: Draft, ev: ReleaseEvent): void {
  const p = d.getProc(ev.pid);
  if (!p || p.pendingCall === null) {
    d.note(`the runner released pid ${ev.pid} (${ev.role}) into ${ev.fn}(), but the model has it at no gate`);
    return;
  }
  if (p.pendingCall.fn !== ev.fn) d.note(`the runner released pid ${ev.pid} (${ev.role}) into ${ev.fn}(), but its pending call is ${p.pendingCall.fn}()`);
  d.proc(ev.pid).status = 'blocked';
}

function applyReturn(d: Draft, ev: ReturnEvent): void {
  if (ev.fn === 'fork' && ev.ret === 0 && ev.errno === null) forkedChildFirst(d, ev);
  ensureProc(d, ev.pid, ev.role);
  const p = d.proc(ev.pid);
  p.role = ev.role;
  // The call that returns: the pending one, or one a signal handler interrupted (the handler has
  // returned, and the call goes on: it returns now, or fails with EINTR).
  if (p.pendingCall?.fn !== ev.fn) resumeInterrupted(p, ev.fn);
  // callArgs are the pending call's: the arguments of this call's call event.
  const called = p.pendingCall?.fn === ev.fn;
  p.status = 'running';
  p.pendingCall = null;
  p.lastResult = { fn: ev.fn, ret: ev.ret, errno: ev.errno };
  if (!called && ev.fn !== 'fork') {
    // Its arguments are unknown (fork needs none: it returns in a child that never made the call).
    d.note(`${ev.fn}() returned in pid ${ev.pid} (${ev.role}), which the model has not seen make that call`);
    return;
  }
  returned(d, ev, called ? p.callArgs : {}, p);
}

/** Dispatch to the call's applier (calls.ts); `args` are the arguments of `ev`'s call event. */
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

function applyKernel(d: Draft, ev: KernelEvent): void {
  if (d.ctx.releases) {
    // A step ends with every process settled: at a gate, asleep in a call, or gone. One whose
    // signal handler's calls have all returned and that makes no new call has left the handler:
    // it is back inside the call the handler interrupted (accept restarted by SA_RESTART).
    for (const p of d.allProcs()) {
      if (p.pendingCall === null && p.interrupted.length > 0 && isLive(p)) {
        const q = d.proc(p.pid);
        resumeInterrupted(q, q.interrupted[q.interrupted.length - 1]!.call.fn);
      }
    }
  } else {
    // A 1.0 trace says neither when a gate opened nor when a handler returned: the snapshot's
    // place (the runner's reading) says whether a process sleeps inside its call.
    for (const kp of ev.processes) {
      const p = d.getProc(kp.pid);
      if (!p) continue;
      if (p.pendingCall === null && p.interrupted.length > 0 && kp.blockedIn !== null && (kp.place === 'kernel' || kp.place === 'gate')) {
        resumeInterrupted(d.proc(kp.pid), kp.blockedIn);
      }
      const q = d.getProc(kp.pid)!;
      if (q.pendingCall === null) continue;
      if (kp.place === 'kernel' && (kp.blockedIn === null || kp.blockedIn === q.pendingCall.fn)) {
        d.proc(kp.pid).status = 'blocked';
      }
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
    case 'release':
      applyRelease(d, ev);
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
  flushWithDelayedAcks(d);
  return d.finish();
}
