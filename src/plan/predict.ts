// The prediction: a plan run by the model alone. It writes the trace the sandbox (src/lab/sandbox.c)
// would write for the plan — the same events in the same order, a `step` event where the real run
// has a kernel snapshot (trace 1.2, header `predicted: true`) — so that every panel steps through
// it as through a real run, and a comparison can hold the two side by side.
//
// How: every event is applied to the model (src/model/apply.ts) as soon as it is written, and the
// next events are decided from the model's state by the rules of kernelRules.ts (what a call
// returns, whether it blocks). The order of a step's events is the runner's (src/server/lab/order.ts):
// the acting process's first — its release, its return (or its exit), its next call at the gate —
// then what the others did in reaction: a blocked call that can now complete returns and its
// process makes its next call; a SIGCHLD handler (Figure 5.11) makes its ungated waitpid calls,
// and a slow call it interrupted without SA_RESTART fails EINTR.
//
// Conventions (the sandbox's, docs/design.md "Prediction"): pids 1000, 1001 … in order of
// creation; a client's connect gets 127.0.0.1:50001, 50002 … ; a plan step whose process cannot
// act stalls the plan (the trace ends there, "plan stalled at step N: …"); a connect to a full
// accept queue blocks (Linux drops the SYN) until a step makes room in the queue: its SYN, sent
// again, then gets in (the runner waits for it), and connect returns in that step. A drop (docs/drops.md) is armed in the model, which loses the
// segment when it arrives; its retransmission comes at the start of the next step, as the runner
// waits for it there. A drop of a SYN-ACK still ends the prediction (a connect held in SYN_SENT
// is not predicted yet).

import { applyTraceEvent, initialContext } from '../model/apply.ts';
import { isAlive } from '../model/process.ts';
import type { SystemContext } from '../model/state.ts';
import { TRACE_FORMAT, TRACE_MINOR, TRACE_VERSION, type CallArgs, type CallName, type TraceEvent, type TraceHeader, type TraceRecord } from '../trace/types.ts';
import { planSource, type PlanSource } from './source.ts';
import { isProcessStep, kindOfRole, planStepLabel, PLAN_SOURCE_FILE, type FdName, type FdRef, type Plan, type PlanStep, type ProcessAction } from './types.ts';
import {
  acceptRule,
  bindRule,
  connectRule,
  descriptorRule,
  listenRule,
  newSocketSide,
  readRule,
  READ_COUNT,
  receivedKey,
  setrlimitRule,
  shutdownRule,
  socketOf,
  socketRule,
  STANDARD_FDS,
  waitpidRule,
  writeRule,
  type Outcome,
  type SocketSide,
} from './kernelRules.ts';

export interface PredictedRun {
  /** The header first, then the events. */
  records: TraceRecord[];
  /** Where the plan stalled (the trace ends there), or null when every step ran. */
  stalled: { step: number; message: string } | null;
}

export interface PredictOptions {
  /** The server's port (the run's); 9877 by default, as the book's SERV_PORT. */
  port?: number;
}

/** The first pid the prediction gives; the others follow in order of creation. */
export const FIRST_PID = 1000;
/** The parent of every spawned program: the runner's reaper, not a lab process. */
export const REAPER_PID = 999;
/** A client's first local port; the next connect gets the next one. */
export const FIRST_EPHEMERAL_PORT = 50001;

/** Time between two events, and the pause between two steps, in the trace's nanoseconds. */
const EVENT_NS = 10_000;
const STEP_NS = 5_000_000;

type Unsequenced<E> = E extends TraceEvent ? Omit<E, 'seq' | 't'> : never;
type NewEvent = Unsequenced<TraceEvent>;

/** A process of the plan, as the prediction follows it. */
interface Proc {
  role: string;
  pid: number;
  /** Indices of its own plan steps, in order; `next` is the one it waits at the gate before. */
  steps: number[];
  next: number;
  /** The plan's descriptor names (C variables; -1 until set, and what a failed call returned). */
  names: Record<FdName, number>;
  /** Where it is: at the gate before steps[next] (or pause when they ran out), inside a call that blocks, or ended. */
  place: 'gate' | 'blocked' | 'ended';
  /** The call it waits at the gate before, or is blocked in, with its arguments as its call event gave them. */
  pending: { fn: CallName; args: Record<string, unknown>; step: number | null } | null;
  /** The line of the `signal` step that installed sig_chld (the handler's waitpid calls are there). */
  handlerLine: number;
  forks: number;
  /** The process that forked it (a child's parent); null for a spawned program. */
  parentPid: number | null;
  /** Its standard streams still open (0–2 until the plan closes one; fork copies them). */
  std: Set<number>;
  /** When it blocked (a counter): the order in which the kernel wakes blocked calls. */
  blockedAt: number;
}

class Prediction {
  readonly records: TraceRecord[] = [];
  private ctx: SystemContext;
  private seq = 0;
  private t = 1_000_000_000;
  private step = 0;
  private readonly procs = new Map<string, Proc>();
  private readonly side: SocketSide = newSocketSide();
  private nextPid = FIRST_PID;
  private nextPort = FIRST_EPHEMERAL_PORT;
  /** Calls that blocked so far (each blocked process's blockedAt). */
  private blocks = 0;
  /** Endpoints whose reset was seen (the error it leaves is noted once). */
  private readonly resetSeen = new Set<string>();
  /** Each role's own steps (indices into the plan), in order. */
  private readonly stepsOf = new Map<string, number[]>();
  /** Pids that ended in this step: their parents' SIGCHLD. */
  private exitedThisStep: number[] = [];
  /** The plan's drops, by the model's key ("pid/fd/segment"): whether its loss and its retransmission are written. */
  private readonly drops: { key: string; pid: number; role: string; fd: number; segment: 'SYN-ACK' | 'ACK' | 'FIN' | 'data'; lostAt: number | null; done: boolean }[] = [];
  private readonly source: PlanSource;
  private readonly addr: string;

  constructor(
    private readonly plan: Plan,
    readonly port: number,
  ) {
    this.source = planSource(plan);
    this.addr = `127.0.0.1:${port}`;
    plan.steps.forEach((s, i) => {
      if (!isProcessStep(s)) return;
      const mine = this.stepsOf.get(s.proc);
      if (mine) mine.push(i);
      else this.stepsOf.set(s.proc, [i]);
    });
    const header: TraceHeader = {
      kind: 'header',
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      minor: TRACE_MINOR,
      scenario: { id: 'plan', title: plan.title, port, knobs: {} },
      platform: { os: 'model', release: 'forkscope prediction' },
      recordedAt: new Date().toISOString(),
      clock: 'monotonic-ns',
      sockets: 'owned',
      capture: { packets: false, reason: 'predicted: the model alone, no kernel ran it' },
      predicted: true,
    };
    this.records.push(header);
    this.ctx = initialContext(header);
  }

  run(): PredictedRun['stalled'] {
    (this.records[0] as TraceHeader).plan = this.plan;
    // Step 0: the server is launched and stops at the gate before its first call.
    this.spawn('parent');
    this.endStep('start');
    for (let i = 0; i < this.plan.steps.length; i++) {
      this.step = i + 1;
      this.exitedThisStep = [];
      this.endHolds();
      const why = this.carryOut(i, this.plan.steps[i]!);
      if (why !== null) {
        const message = `plan stalled at step ${i + 1}: ${why}`;
        this.killTheRest();
        this.emit({ kind: 'end', reason: 'stopped', message });
        return { step: i + 1, message };
      }
      this.writeLosses();
      this.endStep(planStepLabel(i));
    }
    this.killTheRest();
    this.emit({ kind: 'end', reason: 'completed' });
    return null;
  }

  // ── events ──

  private emit(ev: NewEvent): void {
    const { kind, ...rest } = ev;
    const event = { kind, seq: this.seq, t: this.t, ...rest } as TraceEvent;
    this.seq++;
    this.t += EVENT_NS;
    this.records.push(event);
    const before = this.ctx;
    this.ctx = applyTraceEvent(before, event, this.records.length - 2);
    if (this.ctx.endpoints !== before.endpoints) this.noteResets(before);
  }

  /**
   * After each event: a connection that a RST has just reset leaves its error pending (ECONNRESET,
   * or EPIPE when it hit CLOSE_WAIT), and bytes that have just arrived join what waits to be read.
   */
  private noteResets(before: SystemContext): void {
    for (const e of this.ctx.endpoints.values()) {
      if (e.error !== 'reset' || this.resetSeen.has(e.id)) continue;
      this.resetSeen.add(e.id);
      this.side.error.set(e.id, before.endpoints.get(e.id)?.tcp.state === 'CLOSE_WAIT' ? 'EPIPE' : 'ECONNRESET');
    }
  }

  private endStep(label: string): void {
    this.emit({ kind: 'step', step: this.ctx.kernelCount, label });
    this.t += STEP_NS;
  }

  // ── steps ──

  /** Carry out plan step `i`; the reason it cannot, or null. */
  private carryOut(i: number, step: PlanStep): string | null {
    if (step.do === 'spawn') {
      this.spawn(step.proc);
      return null;
    }
    const p = this.procs.get(step.proc);
    if (!p) return `${step.proc} does not exist`;
    // The runner's words (planSchedule.ts stallOf): a process that has run and ended, zombie or reaped.
    if (p.place === 'ended') return `${step.proc} has ended`;
    if (step.do === 'kill') {
      this.emit({ kind: 'signal', pid: p.pid, role: p.role, signal: step.signal, from: 'runner' });
      this.end(p, null, step.signal);
      this.reactions();
      return null;
    }
    if (step.do === 'drop') {
      if (step.segment === 'SYN-ACK') return `${step.proc}: the prediction cannot hold a connect in SYN_SENT yet (a SYN-ACK drop ends it)`;
      const fd = this.fd(p, step.fd);
      this.emit({ kind: 'drop', pid: p.pid, role: p.role, fd, segment: step.segment });
      this.drops.push({ key: `${p.pid}/${fd}/${step.segment}`, pid: p.pid, role: p.role, fd, segment: step.segment, lostAt: null, done: false });
      return null;
    }
    if (p.place === 'blocked') return `${step.proc} is blocked in ${p.pending!.fn}()`;
    this.act(p, i, step);
    this.reactions();
    return null;
  }

  /** After a step: the loss of each drop whose segment the model lost in it (a `lost` event, with the socket's addresses). */
  private writeLosses(): void {
    for (const d of this.drops) {
      if (d.lostAt !== null) continue;
      const e = [...this.ctx.endpoints.values()].find((x) => x.lost?.key === d.key);
      if (!e || e.local === null || e.remote === null) continue;
      d.lostAt = this.t;
      this.emit({ kind: 'lost', pid: d.pid, role: d.role, fd: d.fd, segment: d.segment, local: e.local, remote: e.remote });
    }
  }

  /** Before a step acts: each hold ends with its retransmission (the runner waits for it), and what it wakes runs on. */
  private endHolds(): void {
    for (const d of this.drops) {
      if (d.done || d.lostAt === null) continue;
      d.done = true;
      const held = [...this.ctx.endpoints.values()].find((x) => x.lost?.key === d.key);
      this.emit({ kind: 'retransmit', pid: d.pid, role: d.role, fd: d.fd, segment: d.segment, droppedAt: d.lostAt });
      // Lost data arrives now: its bytes join what waits to be read (a write's, when it was sent).
      if (held?.lost?.segment.data !== undefined) this.delivered(held.id, held.lost.segment.data);
      this.reactions();
    }
  }

  /** A new program (the server at the start, a client, a restarted server), at the gate before its first call. */
  private spawn(role: string): void {
    const pid = this.nextPid++;
    const program = kindOfRole(role);
    this.emit({ kind: 'spawn', pid, ppid: REAPER_PID, role, program, argv: ['sandbox', `--role=${role}`, `--port=${this.port}`] });
    const p = this.newProc(role, pid, { listenfd: -1, connfd: -1, sockfd: -1 }, 0);
    this.nextCall(p);
  }

  private newProc(role: string, pid: number, names: Proc['names'], handlerLine: number, parentPid: number | null = null, std: ReadonlySet<number> = STANDARD_FDS): Proc {
    const steps = this.stepsOf.get(role) ?? [];
    const p: Proc = { role, pid, steps, next: 0, names: { ...names }, place: 'gate', pending: null, handlerLine, forks: 0, parentPid, std: new Set(std), blockedAt: 0 };
    this.procs.set(role, p);
    return p;
  }

  /** The process stops at the gate before its next step's call, or before pause when its steps ran out. */
  private nextCall(p: Proc): void {
    const index = p.steps[p.next];
    if (index === undefined) {
      const line = this.source.parkLines[p.role];
      if (line === undefined) return; // its last step was exit
      this.call(p, 'pause', {}, line, null);
      return;
    }
    const step = this.plan.steps[index] as { proc: string } & ProcessAction;
    // The sandbox notes the handler's line as it comes to the step, before its gate (sandbox.c
    // set_sigchld): a SIGCHLD that arrives while it waits there runs the handler at the new line.
    if (step.do === 'signal' && step.disposition === 'handler') p.handlerLine = this.source.stepLines[index]!;
    this.call(p, callOf(step), this.argsOf(p, step), this.source.stepLines[index]!, index);
  }

  private call(p: Proc, fn: CallName, args: Record<string, unknown>, line: number, step: number | null): void {
    p.pending = { fn, args, step };
    p.place = 'gate';
    this.emit({ kind: 'call', pid: p.pid, role: p.role, fn, file: PLAN_SOURCE_FILE, line, args } as NewEvent);
  }

  private fd(p: Proc, ref: FdRef): number {
    return typeof ref === 'number' ? ref : p.names[ref];
  }

  /** The call event's arguments, exactly as the sandbox's wrappers write them. */
  private argsOf(p: Proc, s: ProcessAction): Record<string, unknown> {
    switch (s.do) {
      case 'socket':
        return { domain: 'AF_INET', type: 'SOCK_STREAM', protocol: 0 } satisfies CallArgs['socket'];
      case 'setsockopt':
        return s.opt === 'SO_REUSEADDR'
          ? ({ fd: this.fd(p, s.fd), level: 'SOL_SOCKET', optname: 'SO_REUSEADDR', value: 1 } satisfies CallArgs['setsockopt'])
          : ({ fd: this.fd(p, s.fd), level: 'SOL_SOCKET', optname: 'SO_LINGER', l_onoff: s.onoff, l_linger: s.linger } satisfies CallArgs['setsockopt']);
      case 'bind':
        return { fd: this.fd(p, s.fd), addr: this.addr } satisfies CallArgs['bind'];
      case 'listen':
        return { fd: this.fd(p, s.fd), backlog: s.backlog } satisfies CallArgs['listen'];
      case 'accept':
        return { fd: this.fd(p, s.fd) } satisfies CallArgs['accept'];
      case 'connect':
        return { fd: this.fd(p, s.fd), addr: this.addr } satisfies CallArgs['connect'];
      case 'fork':
        return {};
      case 'close':
        return { fd: this.fd(p, s.fd) } satisfies CallArgs['close'];
      case 'shutdown':
        return { fd: this.fd(p, s.fd), how: s.how } satisfies CallArgs['shutdown'];
      case 'read':
        return { fd: this.fd(p, s.fd), count: READ_COUNT } satisfies CallArgs['read'];
      case 'write':
        return { fd: this.fd(p, s.fd), count: byteLength(s.text), data: s.text } satisfies CallArgs['write'];
      case 'signal':
        return {
          sig: 'SIGCHLD',
          handler: s.disposition === 'handler' ? 'sig_chld' : s.disposition,
          flags: s.disposition === 'handler' && s.restart === false ? '0' : 'SA_RESTART',
        } satisfies CallArgs['sigaction'];
      case 'waitpid':
        return { pid: -1, options: s.nohang ? 'WNOHANG' : '0' } satisfies CallArgs['waitpid'];
      case 'setrlimit':
        return { resource: 'RLIMIT_NOFILE', soft: s.nofile, hard: s.nofile } satisfies CallArgs['setrlimit'];
      case 'exit':
        return { status: s.status } satisfies CallArgs['exit'];
    }
  }

  /** The acting process's step: released into its call, which returns, blocks, or ends it. */
  private act(p: Proc, index: number, step: { proc: string } & ProcessAction): void {
    const pending = p.pending!;
    p.next++;
    this.emit({ kind: 'release', pid: p.pid, role: p.role, fn: pending.fn });
    if (step.do === 'exit') {
      this.end(p, step.status, null);
      return;
    }
    if (step.do === 'fork') {
      this.fork(p);
      return;
    }
    this.settle(p, this.outcome(p, step, pending.args));
  }

  /** What the call at the gate does now (the model's state decides). */
  private outcome(p: Proc, step: ProcessAction, args: Record<string, unknown>): Outcome {
    const fd = typeof args.fd === 'number' ? args.fd : -1;
    const proc = this.ctx.processes.get(p.pid)!;
    switch (step.do) {
      case 'socket':
        return socketRule(proc, p.std);
      case 'bind':
        return bindRule(this.ctx, p.pid, fd, this.port);
      case 'listen':
        return listenRule(this.ctx, p.pid, fd);
      case 'setsockopt':
      case 'close':
        return descriptorRule(this.ctx, p.pid, fd);
      case 'connect':
        return connectRule(this.ctx, this.side, p.pid, fd, this.addr);
      case 'accept':
        return acceptRule(this.ctx, p.pid, fd, p.std);
      case 'read':
        return readRule(this.ctx, this.side, p.pid, fd);
      case 'write':
        return writeRule(this.ctx, this.side, p.pid, fd, byteLength(step.text));
      case 'shutdown':
        return shutdownRule(this.ctx, p.pid, fd);
      case 'waitpid':
        return waitpidRule(this.ctx, p.pid, step.nohang);
      case 'setrlimit':
        return setrlimitRule(proc, step.nofile);
      case 'signal':
        return { kind: 'returns', ret: 0, errno: null };
      case 'fork':
      case 'exit':
        throw new Error(`${step.do} is carried out by its own method`);
    }
  }

  /** The call's outcome, as events: it returns (and the process goes on to its next call), blocks, or kills. */
  private settle(p: Proc, out: Outcome): void {
    if (out.kind === 'blocks') {
      if (p.place !== 'blocked') p.blockedAt = ++this.blocks;
      p.place = 'blocked';
      return;
    }
    if (out.kind === 'killed') {
      // A pending EPIPE that raised the SIGPIPE was taken too.
      const fd = p.pending?.args.fd;
      const ep = typeof fd === 'number' ? socketOf(this.ctx, p.pid, fd) : undefined;
      if (ep && this.side.error.get(ep.id) === 'EPIPE') this.side.error.delete(ep.id);
      this.end(p, null, out.signal);
      return;
    }
    this.returns(p, out.ret, out.errno, out.fields);
    this.nextCall(p);
  }

  /** The return event of the pending call, and what the prediction keeps beside the model. */
  private returns(p: Proc, ret: number, errno: string | null, fields: Record<string, unknown> = {}): void {
    const pending = p.pending!;
    const fn = pending.fn;
    const args = pending.args;
    const fd = typeof args.fd === 'number' ? args.fd : -1;
    const ep = fd >= 0 ? socketOf(this.ctx, p.pid, fd) : undefined;
    let extra = fields;
    if (fn === 'connect' && ret === 0) extra = { local: `127.0.0.1:${this.nextPort++}` };
    // A refused connect's SYN went from a port of its own, which getsockname still shows (as
    // 0.0.0.0:port); each attempt takes a new one. A second connect on a connected socket shows its end.
    else if (fn === 'connect' && errno === 'ECONNREFUSED') extra = { local: `0.0.0.0:${this.nextPort++}` };
    else if (fn === 'connect' && errno === 'EISCONN' && ep?.local) extra = { local: ep.local };
    p.pending = null;
    p.place = 'gate';
    this.emit({ kind: 'return', pid: p.pid, role: p.role, fn, ret, errno, ...extra } as NewEvent);
    // The C variables the sandbox assigns (a failed call assigns -1 too).
    if (fn === 'socket') p.names[kindOfRole(p.role) === 'client' ? 'sockfd' : 'listenfd'] = ret;
    if (fn === 'accept') p.names.connfd = ret;
    if (fn === 'close' && errno === null && ep === undefined) p.std.delete(fd);
    // A pending socket error is reported once (Linux sock_error takes it).
    if (ep && errno !== null && this.side.error.get(ep.id) === errno) this.side.error.delete(ep.id);
    if (!ep || errno !== null) return;
    switch (fn) {
      case 'listen':
        this.side.backlog.set(ep.id, args.backlog as number);
        break;
      case 'read':
        if (ret > 0) {
          const key = receivedKey(this.side, ep);
          this.side.received.set(key, (this.side.received.get(key) ?? '').slice(ret));
        }
        break;
      case 'write':
        this.delivered(ep.peerId, String(args.data));
        break;
    }
  }

  /** A write's bytes reached the peer's endpoint if the model counted them there. */
  private delivered(peerId: string | null, text: string): void {
    const peer = peerId === null ? undefined : this.ctx.endpoints.get(peerId);
    if (!peer) return;
    const before = this.side.received.get(peer.id) ?? '';
    // The model counts what arrived (unread); what was not counted was refused (a RST answered it).
    if (peer.unread > byteLength(before)) this.side.received.set(peer.id, before + text);
  }

  private fork(p: Proc): void {
    const childPid = this.nextPid++;
    p.forks++;
    const role = `child#${p.forks}`;
    this.returns(p, childPid, null);
    this.nextCall(p);
    const child = this.newProc(role, childPid, p.names, p.handlerLine, p.pid, p.std);
    child.pending = { fn: 'fork', args: {}, step: null };
    this.returns(child, 0, null, { ppid: p.pid });
    this.nextCall(child);
  }

  /** The process ends: exit(status), or killed by a signal. */
  private end(p: Proc, status: number | null, signal: string | null): void {
    p.place = 'ended';
    p.pending = null;
    this.emit({ kind: 'exit', pid: p.pid, role: p.role, status, signal });
    this.exitedThisStep.push(p.pid);
    // Its live children get the parent-death signal the lab set up (SIGUSR2, from "lab"): its
    // handler sees forkscope's session alive and returns; a call it interrupted is restarted.
    // In the order of the kernel's list of children (oldest first); each child's handler writes
    // its own line, so real runs show two children's lines in either order.
    for (const c of this.procs.values()) {
      if (c.parentPid === p.pid && c.place !== 'ended') this.emit({ kind: 'signal', pid: c.pid, role: c.role, signal: 'SIGUSR2', from: 'lab' });
    }
  }

  // ── reactions ──

  /** What the others do in this step: blocked calls that can complete, SIGCHLD handlers. */
  private reactions(): void {
    for (let round = 0; round < 8; round++) {
      const exited = this.exitedThisStep;
      // A parent blocked in waitpid whose SIGCHLD handler is about to run: sigchld() writes both.
      let moved = this.wakeBlocked(new Set(exited.map((pid) => this.handlerOf(pid)?.pid).filter((pid) => pid !== undefined)));
      this.exitedThisStep = [];
      for (const pid of exited) {
        moved = true;
        this.sigchld(pid);
      }
      if (!moved) return;
    }
  }

  /** Blocked calls that can complete now return, and their processes make their next call. Whether any did. */
  private wakeBlocked(handlerRuns: ReadonlySet<number> = new Set()): boolean {
    let moved = false;
    for (const q of this.wakeOrder()) {
      if (q.place !== 'blocked') continue;
      if (q.pending?.fn === 'waitpid' && handlerRuns.has(q.pid)) continue;
      const out = this.blockedOutcome(q);
      if (out.kind === 'blocks') continue;
      moved = true;
      this.settle(q, out);
    }
    return moved;
  }

  /**
   * The order the kernel wakes blocked processes in: readers (and waitpid) newest first — a
   * socket's wait queue wakes its waiters from its head, where each new one was added — and
   * accept oldest first (an exclusive wait, added at the tail: the first to wait gets the
   * connection). Seen in real runs: two processes reading one shared socket return newest first.
   */
  private wakeOrder(): Proc[] {
    const blocked = [...this.procs.values()].filter((q) => q.place === 'blocked');
    const key = (q: Proc): number => (q.pending?.fn === 'accept' ? q.blockedAt : -q.blockedAt);
    return blocked.sort((a, b) => key(a) - key(b));
  }

  /** A blocked call, asked again now. */
  private blockedOutcome(q: Proc): Outcome {
    const { fn, args, step } = q.pending!;
    const action = step === null ? null : this.plan.steps[step]!;
    if (action === null || !isProcessStep(action)) return { kind: 'blocks' };
    return this.outcome(q, action, args);
  }

  /** A child ended: its parent's SIGCHLD handler, if it has one, reaps (Figure 5.11). */
  /** The live parent of `childPid` if it catches SIGCHLD with a handler. */
  private handlerOf(childPid: number): Proc | undefined {
    const child = this.ctx.processes.get(childPid);
    if (!child) return undefined;
    const parent = [...this.procs.values()].find((q) => q.pid === child.ppid && q.place !== 'ended');
    const model = parent && this.ctx.processes.get(parent.pid);
    return parent && model && isAlive(model.life) && model.sigchld === 'handler' ? parent : undefined;
  }

  private sigchld(childPid: number): void {
    const parent = this.handlerOf(childPid);
    if (!parent) return;
    const model = this.ctx.processes.get(parent.pid)!;
    const interrupted = parent.pending;
    // A waitpid the parent is blocked in reaps the child first (wait4 completes); the handler
    // runs as it returns to user space, so its calls are written before that waitpid's return,
    // and they find the child gone.
    const outer = parent.place === 'blocked' && interrupted?.fn === 'waitpid' ? waitpidRule(this.ctx, parent.pid, false) : null;
    const taken = outer?.kind === 'returns' && outer.ret > 0 ? outer.ret : null;
    // The handler's waitpid calls: no gate, each returns at once; WNOHANG until 0 or -1.
    for (let n = 0; n < 64; n++) {
      const out = waitpidRule(this.ctx, parent.pid, true, taken);
      if (out.kind !== 'returns') break;
      const args: CallArgs['waitpid'] = { pid: -1, options: 'WNOHANG' };
      this.emit({ kind: 'call', pid: parent.pid, role: parent.role, fn: 'waitpid', file: PLAN_SOURCE_FILE, line: parent.handlerLine || 1, args });
      this.emit({ kind: 'return', pid: parent.pid, role: parent.role, fn: 'waitpid', ret: out.ret, errno: out.errno, ...out.fields } as NewEvent);
      if (out.ret <= 0) break;
    }
    parent.pending = interrupted;
    if (outer !== null && outer.kind === 'returns') {
      this.settle(parent, outer);
      return;
    }
    // A slow call the handler interrupted: restarted (SA_RESTART), or it fails EINTR.
    if (parent.place === 'blocked' && !model.sigchldRestart && (interrupted?.fn === 'accept' || interrupted?.fn === 'read')) {
      this.returns(parent, -1, 'EINTR');
      this.nextCall(parent);
    }
  }

  /**
   * At the end of a plan (completed or stalled) the runner kills what is left (SIGKILL), as after
   * a scenario: each program's process group in the order they were launched (a forked child is
   * in its parent's group). A call that one of these deaths would unblock (a read that gets the
   * killed peer's FIN) mostly dies with its own process first: the runner kills every group at
   * once (in real runs of random plans, 5 times in 6), so nothing returns here.
   */
  private killTheRest(): void {
    const launched = [...this.procs.values()];
    const rootOf = (p: Proc): number => {
      let q = p;
      while (q.parentPid !== null) q = launched.find((x) => x.pid === q.parentPid) ?? { ...q, parentPid: null };
      return q.pid;
    };
    const order = launched.map((p, i) => ({ p, root: rootOf(p), i })).sort((a, b) => a.root - b.root || a.i - b.i);
    for (const { p } of order) {
      if (p.place === 'ended') continue;
      p.place = 'ended';
      p.pending = null;
      this.emit({ kind: 'exit', pid: p.pid, role: p.role, status: null, signal: 'SIGKILL' });
    }
  }
}

/** The call event's name for a plan action (the wrapper of `signal` is sigaction). */
function callOf(step: ProcessAction): CallName {
  return step.do === 'signal' ? 'sigaction' : step.do;
}

const encoder = new TextEncoder();

function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/**
 * Predict a plan: the trace the sandbox would write for it, from the model alone. Pure and fast
 * (a 200-step plan in a few milliseconds): the sandbox page calls it on every edit.
 */
export function predictPlan(plan: Plan, opts: PredictOptions = {}): PredictedRun {
  const prediction = new Prediction(plan, opts.port ?? 9877);
  const stalled = prediction.run();
  return { records: prediction.records, stalled };
}
