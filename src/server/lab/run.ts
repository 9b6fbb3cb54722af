// The lab runner: starts the real C programs, steps them through a scenario's schedule one
// gate at a time, waits after each step until the processes and TCP have settled, and then
// takes a kernel snapshot. Everything it sees becomes trace records (src/trace/types.ts).
//
//   LabRun.start()  header, spawn of the server, its first events, the step-0 snapshot
//   run.next()      one schedule entry: release a gate (SIGUSR1), spawn a program, or kill a
//                   process (a `signal` event); settle; snapshot
//   run.stop()      kill every lab process group, check /proc that none is left, emit `end`
//
// Each program is started through build/lab/reaper (src/lab/reaper.c): it puts the program in
// its own process group, closes every descriptor but 0–2, blocks SIGUSR1 before exec, and, as a
// child subreaper, reaps the server's orphaned children when the run is killed.

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { existsSync } from 'node:fs';
import { release as osRelease } from 'node:os';
import type { Readable } from 'node:stream';
import type { Scenario, ScheduleEntry } from '../../scenarios/types.ts';
import {
  TRACE_FORMAT,
  TRACE_MINOR,
  TRACE_VERSION,
  TRANSIENT_TCP_STATES,
  type CallName,
  type CaptureStatus,
  type KernelProcess,
  type KernelSocket,
  type Program,
  type Scalar,
  type SocketHolder,
  type TraceEvent,
  type TraceHeader,
  type TraceRecord,
} from '../../trace/types.ts';
import { labAvailability, labPath } from './availability.ts';
import { pickFreePort, portIsFree } from './ports.ts';
import { decodeWaitStatus, listPids, readChildren, readKernelWait, readStat, socketFds, socketInodes } from './procfs.ts';
import { GATE_SYSCALL } from '../../trace/syscalls.ts';
import { asLabError, LabError } from './errors.ts';
import { captureModeFromEnv, openCapture, type CaptureMode, type CapturedSegment, type PacketCapture } from './capture.ts';
import { causeFirst } from './order.ts';
import { Ownership } from './ownership.ts';
import { knobArgs, validateSchedule, withoutRunnerKnobs } from './schedule.ts';
import { compareSockets, dataInFlight, portOf, ResilientObserver, socketsKey, type ObservedSocket } from './sockets.ts';

export { LabError, type LabErrorCode } from './errors.ts';

export interface LabRunOptions {
  scenario: Scenario;
  /** The server's port; a free one is chosen if none is given. */
  port?: number;
  /** Most lab processes alive at once (default 16); more stops the run with 'too-many-processes'. */
  maxProcesses?: number;
  onRecord: (r: TraceRecord) => void;
  /** Called when the run fails between steps (a lab process died, too many processes) and has been stopped. */
  onFailure?: (error: LabError) => void;
  /** Capture the run's segments on lo where allowed ('auto', the default unless FORKSCOPE_CAPTURE=off), or not. */
  capture?: CaptureMode;
}

/** How long a step may take to settle before the run fails. */
const SETTLE_TIMEOUT_MS = 3000;
/** How long TCP may stay in a transient state (or keep changing) before the snapshot is taken anyway. */
const TCP_SETTLE_MS = 500;
/** How long stop() waits for every lab process to be gone. */
const STOP_TIMEOUT_MS = 5000;
const DEFAULT_MAX_PROCESSES = 16;
/** Between steps, how often the runner looks whether a lab process died (nothing else would tell it). */
const WATCH_INTERVAL_MS = 100;
/** A line longer than this without a newline is passed on as output as it is. */
const MAX_LINE = 64 * 1024;

type Unsequenced<E> = E extends TraceEvent ? Omit<E, 'seq'> : never;
type Pending = Unsequenced<TraceEvent>;

interface PendingCall {
  fn: CallName;
  file: string;
  line: number;
  /** exit's status argument: the exit status of a process that vanishes without a zombie. */
  status?: number;
}

/** A call interrupted by a signal handler whose own calls are events too (sig_chld's waitpid). */
interface SuspendedCall {
  call: PendingCall;
  atGate: boolean;
}

/** A lab process: a program the runner started, or a child one of them forked. */
interface LabProc {
  pid: number;
  role: string;
  program: Program;
  order: number;
  /** Its call (or ready) event has been read, and it has not been released since: it is at a gate. */
  atGate: boolean;
  /** The call it is at a gate before, or blocked inside; null once it returned. */
  pending: PendingCall | null;
  /** Calls a signal handler interrupted, innermost last: each resumes when the handler's call returns. */
  suspended: SuspendedCall[];
  /** The exit status a waitpid of its parent reported (a child reaped before the runner saw its zombie). */
  reapedStatus: { status: number | null; signal: string | null } | null;
  /** Lines read from it (to tell whether a sleeping process has said something since). */
  events: number;
  /** fork calls released: names a child found in /proc before it spoke (child#N). */
  forks: number;
  /** Released into exit(): its ending is expected. */
  exitExpected: boolean;
  /** An exit event has been emitted. */
  exited: boolean;
  zombie: boolean;
  /** No longer in /proc (reaped). */
  gone: boolean;
  /** Started by a reaper of ours, which reports its exit status (lab-reaped). */
  reaperChild: boolean;
  /** The last thing it said on stderr (err_sys), to explain an unexpected exit. */
  lastError: string | null;
}

/** A program started through the reaper. */
interface Launch {
  role: string;
  program: Program;
  args: string[];
  child: ChildProcessByStdio<null, Readable, Readable>;
  pid: number | null;
  pgid: number | null;
  closed: boolean;
}

const activeRuns = new Set<LabRun>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // If the runner's process ends with runs still going, kill their process groups now. The
  // reapers, left alive, reap what remains (and die themselves through PR_SET_PDEATHSIG).
  process.on('exit', () => {
    for (const run of activeRuns) run.killGroups();
  });
}

/**
 * End every run: its process groups are sent SIGKILL before this returns (so it is safe to call
 * from a process 'exit' handler); the promise settles when every run has been stopped.
 */
export function stopAllRuns(): Promise<void> {
  const runs = [...activeRuns];
  for (const run of runs) run.killGroups();
  return Promise.allSettled(runs.map((run) => run.stop('stopped'))).then(() => undefined);
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Let the event loop read whatever the lab has already written. Two turns: the first may land
 * in the check phase of the current loop iteration (whose poll phase may have run before the
 * caller looked at /proc); the second is after a full poll phase that started after it.
 */
async function drain(): Promise<void> {
  await immediate();
  await immediate();
}

/** Short waits first (a step usually settles in well under a millisecond), longer ones later. */
async function backoff(iteration: number): Promise<void> {
  if (iteration < 20) return; // drain() between checks is the wait
  await sleep(iteration < 100 ? 1 : 5);
}

function nowNs(): number {
  return Number(process.hrtime.bigint());
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export class LabRun {
  readonly stepCount: number;
  readonly port: number;
  /** Milliseconds each step took, from the release (or spawn) to the kernel snapshot emitted; step 0 (start) first. */
  readonly settleTimes: number[] = [];

  private readonly scenario: Scenario;
  private readonly maxProcesses: number;
  private readonly onRecord: (r: TraceRecord) => void;
  private readonly onFailure: ((error: LabError) => void) | undefined;
  private readonly labDir: string;
  private readonly observer: ResilientObserver;
  private readonly procs = new Map<number, LabProc>();
  private readonly launches: Launch[] = [];
  private readonly reaped = new Map<number, { status: number | null; signal: string | null; t: number }>();
  /** The server's port and the local ports our clients connected from: what the observer asks about. */
  private readonly ports = new Set<number>();
  /** The ends of this run's connections, from its events: which observed sockets are the run's (ownership.ts). */
  private readonly owned = new Ownership();
  private pending: Pending[] = [];
  /** The process that acted in the current step (released, killed, or spawned): it caused everything else in the step. */
  private releasedPid: number | null = null;
  private seq = 0;
  private steps = 0;
  private order = 0;
  private lineCount = 0;
  private busy = false;
  private failure: LabError | null = null;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private readonly watch: NodeJS.Timeout;
  /** The packet capture helper, when capture works here; what the header says about it. */
  private capture: PacketCapture | null = null;
  private captureStatus: CaptureStatus = { packets: false, reason: 'not started' };

  private constructor(opts: LabRunOptions, labDir: string, observer: ResilientObserver, port: number) {
    this.scenario = opts.scenario;
    this.stepCount = opts.scenario.schedule.length;
    this.maxProcesses = opts.maxProcesses ?? DEFAULT_MAX_PROCESSES;
    this.onRecord = opts.onRecord;
    this.onFailure = opts.onFailure;
    this.labDir = labDir;
    this.observer = observer;
    this.port = port;
    this.ports.add(port);
    this.watch = setInterval(() => this.watchIdle(), WATCH_INTERVAL_MS);
    this.watch.unref();
  }

  /**
   * Between steps every lab process should stay where the last snapshot saw it. A server child
   * killed from outside becomes a zombie and says nothing, so look: an unexpected end fails the run.
   */
  private watchIdle(): void {
    if (this.busy || this.stopping || this.failure) return;
    for (const p of this.procs.values()) {
      if (p.gone || p.zombie) continue;
      const stat = readStat(p.pid);
      if (stat === null || stat.state === 'Z' || stat.state === 'X') this.noteEnded(p, stat);
    }
  }

  static async start(opts: LabRunOptions): Promise<LabRun> {
    const availability = labAvailability();
    if (!availability.live) throw new LabError('lab-unavailable', availability.reason ?? 'live runs are unavailable');
    validateSchedule(opts.scenario);
    const observer = await ResilientObserver.open(labPath('sockdiag', availability.labDir));
    let port: number;
    try {
      if (opts.port !== undefined) {
        if (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535) throw new Error(`bad port ${opts.port}`);
        if (!(await portIsFree(opts.port, observer))) throw new Error(`port ${opts.port} is in use (or in TIME_WAIT)`);
        port = opts.port;
      } else {
        port = await pickFreePort(observer);
      }
    } catch (err) {
      observer.close();
      throw new LabError('lab-failed', err instanceof Error ? err.message : String(err));
    }
    const { capture, status } = await openCapture(availability.labDir, opts.capture ?? captureModeFromEnv());
    const run = new LabRun(opts, availability.labDir, observer, port);
    run.capture = capture;
    run.captureStatus = status;
    activeRuns.add(run);
    installExitHook();
    run.busy = true;
    try {
      run.emitHeader();
      const t0 = performance.now();
      await run.launch('server', 'parent', knobArgs({ port, ...withoutRunnerKnobs(opts.scenario.server) }));
      const sockets = await run.settle('start');
      run.snapshot('start', sockets, await run.capturedSegments());
      run.settleTimes.push(performance.now() - t0);
    } catch (err) {
      run.busy = false;
      const error = run.failure ?? asLabError(err);
      await run.stop('error', error.message).catch(() => undefined);
      throw error;
    } finally {
      run.busy = false;
    }
    return run;
  }

  /** Steps done (0 after start). */
  get step(): number {
    return this.steps;
  }

  get done(): boolean {
    return this.steps >= this.stepCount;
  }

  /** Whether this run's segments are captured, as the header says. */
  get captureState(): CaptureStatus {
    return this.captureStatus;
  }

  /** The packet capture helper's pid while it runs (tests check it is gone after stop). */
  get captureHelperPid(): number | null {
    return this.capture?.pid ?? null;
  }

  /** Which observer gave the socket states: the sock_diag helper, or /proc/net/tcp as a fallback. */
  get observerKind(): 'sock_diag' | 'proc' {
    return this.observer.kind;
  }

  /** Carry out the next schedule entry, wait until everything has settled, emit the kernel snapshot. */
  async next(): Promise<{ step: number; done: boolean }> {
    if (this.failure) throw this.failure;
    if (this.stopping) throw new LabError('lab-failed', 'the run has ended');
    if (this.busy) throw new LabError('lab-failed', 'a step is already in progress');
    if (this.done) return { step: this.steps, done: true };
    const entry = this.scenario.schedule[this.steps]!;
    this.busy = true;
    try {
      const t0 = performance.now();
      let ending: LabProc[] = [];
      if (entry.do === 'spawn') {
        const knobs = entry.program === 'server' ? this.scenario.server : this.scenario.client;
        const args = knobArgs({ port: this.port, role: entry.role, ...withoutRunnerKnobs({ ...knobs, ...entry.args }) });
        await this.launch(entry.program, entry.role, args);
      } else if (entry.do === 'release') {
        ending = (entry.exits ?? []).map((role) => this.expectExit(entry, role));
        this.release(entry);
      } else {
        ending = [this.expectExit(entry, entry.role)];
        this.sendSignal(entry, ending[0]!);
      }
      const sockets = await this.settle(entry.id);
      for (const p of ending) {
        if (!p.exited) throw new LabError('lab-failed', `schedule entry "${entry.id}" should have ended ${p.role} (pid ${p.pid}), but it is ${this.describe(p)}`);
      }
      const packets = await this.capturedSegments();
      this.steps++;
      this.snapshot(entry.id, sockets, packets);
      this.settleTimes.push(performance.now() - t0);
      return { step: this.steps, done: this.done };
    } catch (err) {
      this.busy = false;
      const error = this.failure ?? asLabError(err);
      await this.stop('error', error.message).catch(() => undefined);
      throw error;
    } finally {
      this.busy = false;
    }
  }

  /** Kill every lab process group, wait until no lab process is left, emit `end`. Idempotent. */
  stop(reason: 'completed' | 'stopped' | 'error' = 'stopped', message?: string): Promise<void> {
    this.stopped ??= this.finish(reason, message);
    return this.stopped;
  }

  /** SIGKILL every lab process group (synchronously). */
  killGroups(): void {
    for (const l of this.launches) {
      if (l.closed) continue; // everything it started is gone (and the ids may be reused)
      if (l.pgid !== null) kill(-l.pgid);
      // The reaper, on SIGTERM, kills its program's group too (even one it has not reported
      // yet), then reaps everything and exits.
      if (l.child.pid !== undefined && l.child.exitCode === null && l.child.signalCode === null) kill(l.child.pid, 'SIGTERM');
    }
    // A pid the kernel has reaped may already belong to someone else: kill only what is still in one of our groups.
    const groups = new Set(this.launches.map((l) => l.pgid).filter((g): g is number => g !== null));
    for (const p of this.procs.values()) {
      if (p.gone) continue;
      const stat = readStat(p.pid);
      if (stat && groups.has(stat.pgrp)) kill(p.pid);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Records

  private emitHeader(): void {
    const header: TraceHeader = {
      kind: 'header',
      format: TRACE_FORMAT,
      version: TRACE_VERSION,
      minor: TRACE_MINOR,
      scenario: { id: this.scenario.id, title: this.scenario.title, port: this.port, knobs: { ...this.scenario.server } },
      platform: { os: process.platform, release: osRelease() },
      recordedAt: new Date().toISOString(),
      clock: 'monotonic-ns',
      sockets: 'owned',
      network: 'host',
      capture: this.captureStatus,
    };
    this.onRecord(header);
  }

  private push(event: Pending): void {
    this.pending.push(event);
  }

  /**
   * Emit what arrived since the last flush, in the order of the lab's clock. The server and each
   * client write to different pipes, so arrival order across programs is the event loop's; `t`
   * (CLOCK_MONOTONIC in the lab and in the runner alike) is the order things happened in.
   */
  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    batch.sort((a, b) => a.t - b.t); // stable: ties keep arrival order
    causeFirst(batch, this.releasedPid);
    this.releasedPid = null;
    for (const { kind, ...rest } of batch) this.onRecord({ kind, seq: this.seq++, ...rest } as TraceEvent);
  }

  private emitExit(p: LabProc, status: number | null, signal: string | null, t = nowNs()): void {
    if (p.exited) return;
    p.exited = true;
    p.pending = null;
    p.suspended = [];
    p.atGate = false;
    this.push({ kind: 'exit', t, pid: p.pid, role: p.role, status, signal });
    if (!p.exitExpected && !this.stopping) {
      const how = signal ? `was killed by ${signal}` : `exited with status ${status ?? 'unknown'}`;
      this.fail(new LabError('lab-failed', `${p.role} (pid ${p.pid}) ${how} unexpectedly${p.lastError ? `: ${p.lastError.trim()}` : ''}`));
    }
  }

  // -------------------------------------------------------------------------------------------
  // Processes

  private register(pid: number, role: string, program: Program, reaperChild: boolean): LabProc {
    let p = this.procs.get(pid);
    if (p) return p;
    p = {
      pid,
      role,
      program,
      order: this.order++,
      atGate: false,
      pending: null,
      suspended: [],
      reapedStatus: null,
      events: 0,
      forks: 0,
      exitExpected: false,
      exited: false,
      zombie: false,
      gone: false,
      reaperChild,
      lastError: null,
    };
    this.procs.set(pid, p);
    const live = [...this.procs.values()].filter((q) => !q.exited).length;
    if (live > this.maxProcesses) {
      this.fail(new LabError('too-many-processes', `the run has more than ${this.maxProcesses} live lab processes (the newest: ${role}, pid ${pid})`));
    }
    return p;
  }

  private fail(error: LabError): void {
    if (this.failure || this.stopping) return;
    this.failure = error;
    this.killGroups();
    // Inside start() or next(), the step fails and stops the run; between steps, stop it now.
    if (!this.busy) {
      void this.stop('error', error.message)
        .catch(() => undefined)
        .then(() => this.onFailure?.(error));
    }
  }

  private async launch(program: Program, role: string, args: string[]): Promise<void> {
    const child = spawn(labPath('reaper', this.labDir), [labPath(program, this.labDir), program, ...args], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        LC_ALL: 'C',
        FORKSCOPE_STEP: '1',
        FORKSCOPE_PPID: String(process.pid),
      },
    });
    let onLaunched!: (pid: number) => void;
    let onFailed!: (err: Error) => void;
    const launched = new Promise<number>((resolve, reject) => {
      onLaunched = resolve;
      onFailed = reject;
    });
    const l: Launch = { role, program, args, child, pid: null, pgid: null, closed: false };
    this.launches.push(l);
    this.readLines(child.stdout, (line) => this.onStdoutLine(l, line, onLaunched));
    this.readLines(child.stderr, (line) => this.onStderrLine(l, line));
    child.on('error', (err) => onFailed(new LabError('lab-failed', `could not start ${program}: ${err.message}`)));
    child.on('exit', (code, signal) => {
      if (l.pid === null) onFailed(new LabError('lab-failed', `could not start ${program}: the reaper exited (${signal ?? `status ${code}`})`));
    });
    child.on('close', () => {
      l.closed = true;
      const p = l.pid !== null ? this.procs.get(l.pid) : undefined;
      if (p && !p.gone && !this.stopping) {
        this.fail(new LabError('lab-failed', `the reaper of ${role} (pid ${l.pid}) ended while ${role} was still running`));
      }
    });
    const timer = setTimeout(() => onFailed(new LabError('lab-failed', `${program} did not start within ${SETTLE_TIMEOUT_MS} ms`)), SETTLE_TIMEOUT_MS);
    try {
      this.releasedPid = await launched; // the spawned process acts in this step: its spawn comes first
    } finally {
      clearTimeout(timer);
    }
  }

  private readLines(stream: Readable, onLine: (line: string) => void): void {
    let buffer = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        onLine(line);
      }
      if (buffer.length > MAX_LINE) {
        onLine(buffer);
        buffer = '';
      }
    });
    stream.on('end', () => {
      if (buffer) onLine(buffer);
      buffer = '';
    });
  }

  private output(l: Launch, stream: 'stdout' | 'stderr', text: string, t = nowNs()): void {
    const p = l.pid !== null ? this.procs.get(l.pid) : undefined;
    if (p && stream === 'stderr') p.lastError = text;
    this.push({ kind: 'output', t, pid: l.pid ?? 0, role: l.role, stream, text });
  }

  private onStderrLine(l: Launch, line: string): void {
    this.output(l, 'stderr', `${line}\n`);
  }

  private onStdoutLine(l: Launch, line: string, onLaunched: (pid: number) => void): void {
    let obj: unknown;
    try {
      obj = JSON.parse(line);
    } catch {
      obj = null;
    }
    if (!isObject(obj) || typeof obj.kind !== 'string') return this.output(l, 'stdout', `${line}\n`);
    this.lineCount++;
    switch (obj.kind) {
      case 'lab-launched': {
        const pid = Number(obj.pid);
        l.pid = pid;
        l.pgid = Number(obj.pgid);
        this.register(pid, l.role, l.program, true).reaperChild = true;
        this.push({ kind: 'spawn', t: Number(obj.t), pid, ppid: Number(obj.ppid), role: l.role, program: l.program, argv: l.args });
        onLaunched(pid);
        return;
      }
      case 'lab-reaped':
        return this.onReaped(Number(obj.pid), obj.status as number | null, obj.signal as string | null, Number(obj.t));
      case 'lab-exec-failed':
        this.output(l, 'stderr', `could not run ${l.program}: errno ${String(obj.errno)}\n`);
        return;
      case 'call':
      case 'ready':
      case 'return':
      case 'output':
      case 'signal':
        if (typeof obj.pid === 'number' && typeof obj.role === 'string' && typeof obj.t === 'number') {
          return this.onLabEvent(l, obj as unknown as Pending & { pid: number; role: string });
        }
    }
    this.output(l, 'stdout', `${line}\n`);
  }

  private onLabEvent(l: Launch, e: Pending & { pid: number; role: string }): void {
    const p = this.register(e.pid, e.role, l.program, false);
    p.role = e.role; // a child names itself (child#N) in its first event
    p.events++;
    switch (e.kind) {
      case 'call':
        // A call while another is pending comes from a signal handler that interrupted it.
        if (p.pending) p.suspended.push({ call: p.pending, atGate: p.atGate });
        p.pending = { fn: e.fn, file: e.file, line: e.line };
        if (e.fn === 'exit' && typeof e.args.status === 'number') p.pending.status = e.args.status;
        p.atGate = true;
        break;
      case 'ready':
        p.atGate = true;
        break;
      case 'return': {
        // The handler's call returned: the interrupted call is pending again (at its gate, or in the kernel).
        const outer = p.pending?.fn === e.fn ? p.suspended.pop() : undefined;
        p.pending = outer?.call ?? null;
        p.atGate = outer?.atGate ?? false;
        if (e.fn === 'fork' && e.ret > 0) this.register(e.ret, `child#${p.forks}`, p.program, false);
        if (e.fn === 'waitpid' && e.ret > 0) {
          const child = this.procs.get(e.ret);
          if (child) child.reapedStatus = { status: e.status ?? null, signal: e.signal ?? null };
        }
        if (e.fn === 'connect' && e.local) this.ports.add(portOf(e.local));
        break;
      }
      case 'output':
        if (e.stream === 'stderr') p.lastError = e.text;
        break;
      case 'signal':
        // The only signal a lab program reports is the lab's own parent-death check (lab.c).
        this.push({ ...e, from: 'lab' });
        return;
    }
    this.owned.note(e);
    this.push(e);
  }

  private onReaped(pid: number, status: number | null, signal: string | null, t: number): void {
    this.reaped.set(pid, { status, signal, t });
    const p = this.procs.get(pid);
    if (!p) return;
    p.gone = true;
    p.zombie = false;
    this.emitExit(p, status, signal, t);
  }

  private describe(p: LabProc): string {
    if (p.gone) return 'gone';
    if (p.zombie) return 'a zombie';
    if (p.exited) return 'exited';
    if (p.atGate) return `waiting at the gate before ${p.pending?.fn ?? '?'}()`;
    if (p.pending) return `inside ${p.pending.fn}() (released at ${p.pending.file}:${p.pending.line})`;
    return p.events === 0 ? 'running, and has not said anything yet' : 'running';
  }

  /** The live process with this role (the newest, if an earlier one with the role has ended). */
  private byRole(role: string): LabProc | undefined {
    const candidates = [...this.procs.values()].filter((p) => p.role === role && !p.gone);
    return candidates.find((q) => !q.exited) ?? candidates[0];
  }

  private where(entry: ScheduleEntry): string {
    return `schedule entry "${entry.id}" (step ${this.steps + 1} of ${this.stepCount})`;
  }

  /** A process this step ends on purpose (err_sys, a signal): its exit fails neither the step nor the run. */
  private expectExit(entry: ScheduleEntry, role: string): LabProc {
    const p = this.byRole(role);
    if (!p || p.exited) throw new LabError('lab-failed', `${this.where(entry)} expects ${role} to exit, but there is no live process with that role`);
    p.exitExpected = true;
    return p;
  }

  private sendSignal(entry: Extract<ScheduleEntry, { do: 'kill' }>, p: LabProc): void {
    this.releasedPid = p.pid;
    this.push({ kind: 'signal', t: nowNs(), pid: p.pid, role: p.role, signal: entry.signal, from: 'runner' });
    try {
      process.kill(p.pid, entry.signal);
    } catch (err) {
      throw new LabError('lab-failed', `${this.where(entry)}: could not signal ${entry.role} (pid ${p.pid}): ${(err as Error).message}`);
    }
  }

  private release(entry: Extract<ScheduleEntry, { do: 'release' }>): void {
    const where = this.where(entry);
    const p = this.byRole(entry.role);
    if (!p) throw new LabError('lab-failed', `${where} releases ${entry.role}, but there is no process with that role`);
    if (!p.atGate) throw new LabError('lab-failed', `${where} releases ${entry.role} (pid ${p.pid}), but it is not waiting at a gate: it is ${this.describe(p)}`);
    // A gate is always before a call: the lab writes the call event (or, for accept, `ready`) first.
    if (!p.pending) throw new LabError('lab-failed', `${where} releases ${entry.role} (pid ${p.pid}), but no call of it is pending`);
    p.atGate = false;
    this.releasedPid = p.pid;
    this.push({ kind: 'release', t: nowNs(), pid: p.pid, role: p.role, fn: p.pending.fn });
    if (p.pending?.fn === 'exit') p.exitExpected = true;
    if (p.pending?.fn === 'fork') p.forks++;
    try {
      process.kill(p.pid, 'SIGUSR1');
    } catch (err) {
      throw new LabError('lab-failed', `${where}: could not signal ${entry.role} (pid ${p.pid}): ${(err as Error).message}`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Settling

  /**
   * Wait until the step's effects are over: every lab process waits at a gate, sleeps in the
   * kernel inside its pending call, or has exited; and TCP is in no transient state and two
   * samples agree. Repeats both until a round changes nothing, since a TCP segment can wake a
   * process (a FIN ends a read) and a process can send segments. Returns the last socket sample.
   */
  private async settle(label: string): Promise<ObservedSocket[]> {
    const deadline = performance.now() + SETTLE_TIMEOUT_MS;
    let previous: string | null = null;
    for (let round = 0; ; round++) {
      const lines = this.lineCount;
      await this.settleProcesses(label, deadline);
      const tcp = await this.settleTcp(previous, deadline);
      if (round > 0 && this.lineCount === lines && !tcp.changed) return tcp.sockets;
      previous = tcp.key;
      if (performance.now() > deadline) throw this.notSettled(label, 'TCP and the processes kept changing');
    }
  }

  private discoverChildren(): void {
    for (const p of [...this.procs.values()]) {
      if (p.gone || p.zombie) continue;
      for (const pid of readChildren(p.pid)) {
        if (!this.procs.has(pid)) this.register(pid, `child#${p.forks}`, p.program, false);
      }
    }
  }

  /** Note a process that has ended: a zombie (with its status), or gone from /proc. Returns true if it is settled. */
  private noteEnded(p: LabProc, stat: ReturnType<typeof readStat>): boolean {
    if (stat === null) {
      if (p.reaperChild && !this.reaped.has(p.pid)) return false; // its reaper's report is on its way
      p.gone = true;
      p.zombie = false;
      // Reaped before we saw a zombie: by its reaper (which reports), by its parent's waitpid
      // (whose return says), or by the kernel itself when the parent ignores SIGCHLD: then the
      // status is the one it was released into exit() with, or err_sys's 1 (src/lab/lab.c).
      const r = this.reaped.get(p.pid) ?? p.reapedStatus ?? { status: this.exitStatusOf(p), signal: null };
      this.emitExit(p, r.status, r.signal, this.reaped.get(p.pid)?.t);
      return true;
    }
    if (stat.state === 'X') return false; // dead, being released: gone in a moment
    // A program the reaper started is reaped by it at once: wait for that, rather than show
    // a zombie that is only an artefact of how the runner starts programs.
    if (p.reaperChild && !this.reaped.has(p.pid)) return false;
    if (!p.zombie) {
      p.zombie = true;
      const { status, signal } = decodeWaitStatus(stat.exitCode);
      this.emitExit(p, status, signal);
    }
    return true;
  }

  /** The status a process that vanished without a word ended with, as far as its events tell. */
  private exitStatusOf(p: LabProc): number | null {
    if (p.pending?.fn === 'exit' && p.pending.status !== undefined) return p.pending.status;
    return p.exitExpected && p.lastError !== null ? 1 : null;
  }

  private async settleProcesses(label: string, deadline: number): Promise<void> {
    for (let i = 0; ; i++) {
      await drain();
      this.checkStillRunning();
      this.discoverChildren();
      let settled = true;
      const sleepers: { p: LabProc; events: number }[] = [];
      for (const p of this.procs.values()) {
        if (p.gone) continue;
        const stat = readStat(p.pid);
        if (stat === null || stat.state === 'Z' || stat.state === 'X') {
          if (!this.noteEnded(p, stat)) settled = false;
          continue;
        }
        if (stat.state !== 'S') {
          settled = false; // running (or stopped, or in D): not settled yet
          continue;
        }
        if (p.atGate) continue;
        // Asleep, released, no return yet: blocked inside its call, or already asleep at its
        // next gate with lines we have not read. Decide after draining stdout once more.
        sleepers.push({ p, events: p.events });
      }
      this.checkStillRunning();
      if (settled && sleepers.length > 0) {
        await drain();
        for (const { p, events } of sleepers) {
          if (p.events !== events || p.atGate || readStat(p.pid)?.state !== 'S') settled = false;
        }
      }
      if (settled) return;
      if (performance.now() > deadline) throw this.notSettled(label, this.stragglers());
      await backoff(i);
    }
  }

  private checkStillRunning(): void {
    if (this.failure) throw this.failure;
    if (this.stopping) throw new LabError('lab-failed', 'the run was stopped during a step');
  }

  private stragglers(): string {
    const out: string[] = [];
    for (const p of this.procs.values()) {
      if (p.gone || p.zombie) continue;
      const stat = readStat(p.pid);
      if (stat && stat.state === 'S' && p.atGate) continue;
      out.push(`${p.role} (pid ${p.pid}, state ${stat?.state ?? 'gone'}) is ${this.describe(p)}`);
    }
    return out.join('; ') || 'no process is unsettled';
  }

  private notSettled(label: string, what: string): LabError {
    const step = label === 'start' ? 'the start' : `step ${this.steps + 1} ("${label}")`;
    return new LabError('lab-failed', `${step} did not settle within ${SETTLE_TIMEOUT_MS / 1000} s: ${what}`);
  }

  /** This run's sockets (ownership.ts): the ports only narrow the observer's dump. */
  private async sampleSockets(): Promise<ObservedSocket[]> {
    const sockets = await this.observer.sample([...this.ports]);
    const held = socketInodes([...this.procs.values()].filter((p) => !p.gone && !p.zombie).map((p) => p.pid));
    return this.owned.select(sockets, held).sort(compareSockets);
  }

  /** Re-sample TCP until no socket is in a transient state, no data is in flight, and two samples in a row agree. */
  private async settleTcp(previous: string | null, deadline: number): Promise<{ sockets: ObservedSocket[]; key: string; changed: boolean }> {
    const until = Math.min(deadline, performance.now() + TCP_SETTLE_MS);
    let changed = false;
    for (let i = 0; ; i++) {
      const sockets = await this.sampleSockets();
      this.checkStillRunning();
      const key = socketsKey(sockets);
      if (previous !== null && key !== previous) changed = true;
      const transient = sockets.some((s) => TRANSIENT_TCP_STATES.includes(s.state)) || dataInFlight(sockets);
      if ((!transient && key === previous) || performance.now() > until) return { sockets, key, changed };
      previous = key;
      await backoff(i);
      if (i < 20) await immediate();
    }
  }

  // -------------------------------------------------------------------------------------------
  // Snapshots

  /**
   * The segments of this run that crossed lo since the last snapshot. Called once the step has
   * settled: every segment the step caused has been queued to the capture socket by then (a
   * packet socket gets a segment as it arrives on lo, before TCP processes it).
   */
  private async capturedSegments(): Promise<CapturedSegment[]> {
    if (!this.capture) return [];
    try {
      return await this.capture.sync(this.ports);
    } catch (err) {
      // The header promised every step's packets: a trace that silently lost some would be wrong.
      throw new LabError('lab-failed', `packet capture failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private snapshot(label: string, observed: ObservedSocket[], packets: readonly CapturedSegment[] = []): void {
    const processes: KernelProcess[] = [];
    const holders = new Map<number, SocketHolder[]>();
    const live = [...this.procs.values()].filter((p) => !p.gone).sort((a, b) => a.order - b.order);
    for (const p of live) {
      const stat = readStat(p.pid);
      if (!stat) continue;
      // Where it is, as the kernel says: the gate's rt_sigtimedwait, another call, or none.
      const wait = stat.state === 'Z' ? null : readKernelWait(p.pid);
      const place: KernelProcess['place'] =
        stat.state === 'Z' ? 'zombie' : wait ? (wait.syscall === GATE_SYSCALL ? 'gate' : wait.syscall !== null ? 'kernel' : 'running') : this.placeByEvents(p, stat.state);
      processes.push({
        pid: p.pid,
        ppid: stat.ppid,
        role: p.role,
        state: stat.state,
        place,
        blockedIn: place === 'gate' || place === 'kernel' ? (p.pending?.fn ?? null) : null,
        ...(stat.state === 'Z' ? { syscall: null, wchan: null } : wait ? { syscall: wait.syscall, wchan: wait.wchan } : {}),
      });
      if (stat.state === 'Z') continue;
      for (const { fd, inode } of socketFds(p.pid)) {
        const list = holders.get(inode) ?? [];
        list.push({ pid: p.pid, fd });
        holders.set(inode, list);
      }
    }
    // Only this run's sockets, by what it owns (ownership.ts): the ones a lab process holds, and
    // the ends of its connections that no descriptor names. Never by port number alone.
    const ours = this.owned.select(observed, new Set(holders.keys()));
    const sockets: KernelSocket[] = ours.map(({ sent: _sent, received: _received, ...s }) => ({ ...s, holders: (s.inode !== 0 && holders.get(s.inode)) || [] }));
    const seen = new Set(ours.map((s) => s.inode));
    for (const [inode, list] of holders) {
      if (seen.has(inode)) continue;
      // Held, but in no TCP table: created and not yet bound, connected or listening.
      sockets.push({ inode, state: 'CLOSED', local: '0.0.0.0:0', remote: '0.0.0.0:0', holders: list });
    }
    this.flush();
    // The step's segments, as the wire saw them, then what the kernel shows once they are over.
    for (const p of packets) this.onRecord({ ...p, seq: this.seq++ });
    this.onRecord({ kind: 'kernel', seq: this.seq++, t: nowNs(), step: this.steps, label, processes, sockets });
  }

  /** Where a process is by the events alone, when the kernel will not say (no permission to read its syscall). */
  private placeByEvents(p: LabProc, state: string): KernelProcess['place'] {
    if (p.atGate) return 'gate';
    return (p.pending || p.events === 0) && state === 'S' ? 'kernel' : 'running';
  }

  // -------------------------------------------------------------------------------------------
  // Stopping

  /** Lab processes still in /proc (zombies too), and reapers whose pipes are still open. */
  private remaining(): Map<number, string> {
    const left = new Map<number, string>();
    for (const p of this.procs.values()) if (existsSync(`/proc/${p.pid}`)) left.set(p.pid, `${p.role} (pid ${p.pid})`);
    for (const l of this.launches) if (!l.closed) left.set(l.child.pid ?? -1, `the reaper of ${l.role} (pid ${l.child.pid})`);
    return left;
  }

  private async finish(reason: 'completed' | 'stopped' | 'error', message?: string): Promise<void> {
    this.stopping = true;
    clearInterval(this.watch);
    activeRuns.delete(this);
    // A step in progress ends at its next check; wait for it, so the records stay in order.
    for (let i = 0; this.busy && i < 200; i++) await sleep(5);
    this.killGroups();
    const started = performance.now();
    let escalated = false;
    let left = this.remaining();
    for (let i = 0; left.size > 0; i++) {
      await drain();
      if (i % 10 === 9) this.killGroups();
      left = this.remaining();
      if (left.size === 0) break;
      const elapsed = performance.now() - started;
      if (!escalated && elapsed > STOP_TIMEOUT_MS / 2) {
        escalated = true; // the reapers should have ended by now; end them too
        for (const l of this.launches) if (!l.closed && l.child.pid) kill(l.child.pid);
      }
      if (elapsed > STOP_TIMEOUT_MS) break;
      await sleep(i < 20 ? 1 : 10);
    }
    // Lines still buffered (exit reports) have been read once the pipes closed.
    await drain();
    // Anything still in one of our process groups?
    const groups = new Set(this.launches.map((l) => l.pgid).filter((g): g is number => g !== null));
    for (const pid of listPids()) {
      const stat = readStat(pid);
      if (stat && groups.has(stat.pgrp) && !left.has(pid)) left.set(pid, `pid ${pid} of process group ${stat.pgrp}`);
    }
    for (const p of this.procs.values()) {
      if (!p.exited && !existsSync(`/proc/${p.pid}`)) {
        const r = this.reaped.get(p.pid);
        this.emitExit(p, r?.status ?? null, r?.signal ?? null, r?.t);
      }
    }
    this.observer.close();
    await this.capture?.close();
    this.flush();
    const problem = left.size > 0 ? `lab processes were still alive after ${STOP_TIMEOUT_MS / 1000} s: ${[...left.values()].join(', ')}` : null;
    const endMessage = [message, problem].filter(Boolean).join('; ');
    this.onRecord({
      kind: 'end',
      seq: this.seq++,
      t: nowNs(),
      reason: problem ? 'error' : reason,
      ...(endMessage ? { message: endMessage } : {}),
    });
    if (problem) throw new LabError('lab-failed', problem);
  }
}

function kill(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}
