// The lab runner: starts the real C programs, steps them through a scenario's schedule one
// gate at a time, waits after each step until the processes and TCP have settled, and then
// takes a kernel snapshot. Everything it sees becomes trace records (src/trace/types.ts).
//
//   LabRun.start()  header, spawn of the server, its first events, the step-0 snapshot
//   run.next()      one schedule entry: release a gate (SIGUSR1), spawn a program, or kill a
//                   process (a `signal` event); settle; snapshot
//   run.stop()      kill every lab process group, check /proc that none is left, emit `end`
//
// LabRun orchestrates; each part has a module of its own: launcher.ts (the reaper, reading its
// lines), labProcess.ts (each process's life from its events), settle.ts (when a step is over),
// snapshot.ts (what the kernel shows), records.ts (the trace as written), stopping.ts (ending
// every process), ownership.ts (which sockets are the run's), capture.ts (packets on lo).
//
// Each program is started through build/lab/reaper (src/lab/reaper.c): it puts the program in
// its own process group, closes every descriptor but 0–2, blocks SIGUSR1 before exec, and, as a
// child subreaper, reaps the server's orphaned children when the run is killed.

import type { Plan } from '../../plan/types.ts';
import type { Scenario, ScheduleEntry } from '../../scenarios/types.ts';
import type { CaptureStatus, Program, TraceRecord } from '../../trace/types.ts';
import { labAvailability, labPath, sandboxAvailability, SANDBOX_PROGRAM, type LabProgram } from './availability.ts';
import { captureModeFromEnv, openCapture, stepSegments, type CaptureMode, type CapturedSegment, type PacketCapture } from './capture.ts';
import { asLabError, LabError } from './errors.ts';
import { describeProc, hasEnded, noteExit, noteRelease, noteStepEnd, waitsAtGate, type LabProc } from './labProcess.ts';
import { LabProcesses, type Ended } from './labProcesses.ts';
import { LabListener } from './labListener.ts';
import { launch, type Launch } from './launcher.ts';
import { Ownership } from './ownership.ts';
import { choosePort } from './ports.ts';
import { readKernelWait, readStat, socketFds, socketInodes } from './procfs.ts';
import { compilePlan, nameMismatch, stallMessage, stallOf, type CompiledPlan, type PlanEntry } from './planSchedule.ts';
import { nowNs, TraceWriter } from './records.ts';
import { knobArgs, releaseMismatch, validateSchedule, withoutRunnerKnobs } from './schedule.ts';
import { settle, SETTLE_TIMEOUT_MS, type SettleWorld } from './settle.ts';
import { RunDrops } from './dropper.ts';
import { kernelProcesses, kernelSockets } from './snapshot.ts';
import { compareSockets, ResilientObserver, type ObservedSocket } from './sockets.ts';
import { portOf } from '../../trace/address.ts';
import { killAndWait, killGroups, STOP_TIMEOUT_MS, trackRun, untrackRun } from './stopping.ts';

export { LabError, type LabErrorCode } from './errors.ts';

/** What a run runs: a scenario (a lesson's), or a sandbox plan (validated by parsePlan first). */
export type LabRunSubject = { scenario: Scenario; plan?: never } | { plan: Plan; scenario?: never };

/** A step of either: a scenario's schedule entry, or a plan's (planSchedule.ts). */
type RunEntry = ScheduleEntry | PlanEntry;

export type LabRunOptions = LabRunSubject & LabRunSettings;

/** Everything a run is told besides what it runs. */
export interface LabRunSettings {
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

/** What next() did: the step now done, whether the run is done, and, for a plan, why it stalled. */
export interface StepResult {
  step: number;
  done: boolean;
  /** A plan's step whose process could not act: the run has ended (reason 'stopped') with this message. */
  stalled?: string;
}

const DEFAULT_MAX_PROCESSES = 16;
/** Between steps, how often the runner looks whether a lab process died (nothing else would tell it). */
const WATCH_INTERVAL_MS = 100;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export { stopAllRuns } from './stopping.ts';

export class LabRun {
  readonly stepCount: number;
  readonly port: number;
  /** Milliseconds each step took, from the release (or spawn) to the kernel snapshot emitted; step 0 (start) first. */
  readonly settleTimes: number[] = [];

  private readonly scenario: Scenario;
  /** The plan a sandbox run runs (null for a scenario's run). */
  private readonly plan: CompiledPlan | null;
  private readonly entries: readonly RunEntry[];
  private stall: string | null = null;
  private readonly onFailure: ((error: LabError) => void) | undefined;
  private readonly labDir: string;
  private readonly observer: ResilientObserver;
  private readonly trace: TraceWriter;
  private readonly procs: LabProcesses;
  private readonly launches: Launch[] = [];
  /** The server's port and the local ports our clients connected from: what the observer asks about. */
  private readonly ports = new Set<number>();
  /** The ends of this run's connections, from its events: which observed sockets are the run's (ownership.ts). */
  private readonly owned = new Ownership();
  /** What the lab says, turned into trace events and what the runner knows of each process. */
  private readonly heard: LabListener;
  /** The process that acted in the current step (released, killed, or spawned): it caused everything else in the step. */
  private actingPid: number | null = null;
  private steps = 0;
  private lineCount = 0;
  private busy = false;
  private failure: LabError | null = null;
  private stopping = false;
  private stopped: Promise<void> | null = null;
  private readonly watch: NodeJS.Timeout;
  /** The packet capture helper, when capture works here; what the header says about it. */
  private capture: PacketCapture | null = null;
  private captureStatus: CaptureStatus = { packets: false, reason: 'not started' };
  /** The drops this run armed (docs/drops.md). */
  private readonly drops: RunDrops;
  /** A step already run, its records not yet given out (a `duringHold` step runs at once: next()). */
  private ahead: TraceRecord[] | null = null;
  private readonly onRecord: (r: TraceRecord) => void;

  private constructor(opts: LabRunOptions, plan: CompiledPlan | null, labDir: string, observer: ResilientObserver, port: number) {
    this.plan = plan;
    this.scenario = opts.scenario ?? { id: 'plan', title: plan!.plan.title, server: {}, client: {}, schedule: [] };
    this.entries = plan ? plan.entries : this.scenario.schedule;
    this.stepCount = this.entries.length;
    const maxProcesses = opts.maxProcesses ?? DEFAULT_MAX_PROCESSES;
    this.procs = new LabProcesses(
      maxProcesses,
      (p, how) => this.emitExit(p, how),
      (p) => this.fail(new LabError('too-many-processes', `the run has more than ${maxProcesses} live lab processes (the newest: ${p.role}, pid ${p.pid})`)),
    );
    // Records of a step run ahead (a `duringHold` step: next()) wait in `ahead` until it is asked for.
    this.trace = new TraceWriter((r) => (this.ahead ? this.ahead.push(r) : opts.onRecord(r)));
    this.onRecord = opts.onRecord;
    this.heard = new LabListener(this.procs, this.trace, this.owned, this.ports);
    this.drops = new RunDrops(labDir, this.trace);
    this.onFailure = opts.onFailure;
    this.labDir = labDir;
    this.observer = observer;
    this.port = port;
    this.ports.add(port);
    // Between steps every lab process should stay where the last snapshot saw it. A server child
    // killed from outside becomes a zombie and says nothing, so look: an unexpected end fails the run.
    this.watch = setInterval(() => {
      if (!this.busy && !this.stopping && !this.failure) this.procs.watch();
    }, WATCH_INTERVAL_MS);
    this.watch.unref();
  }

  static async start(opts: LabRunOptions): Promise<LabRun> {
    const availability = opts.plan ? sandboxAvailability() : labAvailability();
    if (!availability.live) throw new LabError('lab-unavailable', availability.reason ?? 'live runs are unavailable');
    if (opts.scenario) validateSchedule(opts.scenario);
    const plan = opts.plan ? compilePlan(opts.plan) : null; // the plan as the runner's steps (planSchedule.ts)
    const observer = await ResilientObserver.open(labPath('sockdiag', availability.labDir));
    let port: number;
    try {
      port = await choosePort(opts.port, observer);
    } catch (err) {
      observer.close();
      throw new LabError('lab-failed', err instanceof Error ? err.message : String(err));
    }
    const { capture, status } = await openCapture(availability.labDir, opts.capture ?? captureModeFromEnv());
    const run = new LabRun(opts, plan, availability.labDir, observer, port);
    run.capture = capture;
    run.captureStatus = status;
    trackRun(run);
    await run.runStep('start', async () => {
      run.trace.header(run.scenario, port, status, plan?.plan);
      if (plan) await run.launch('server', 'parent', plan.args('parent', port), SANDBOX_PROGRAM);
      else await run.launch('server', 'parent', knobArgs({ port, ...withoutRunnerKnobs(run.scenario.server) }));
      return [];
    });
    return run;
  }

  /** Steps done (0 after start). */
  get step(): number {
    return this.steps - (this.ahead ? 1 : 0);
  }

  get done(): boolean {
    return this.step >= this.stepCount;
  }

  /** A plan that stalled (its run has ended there): the end's message; else null. */
  get stalled(): string | null {
    return this.stall;
  }

  /** Whether this run's segments are captured, as the header says. */
  get captureState(): CaptureStatus {
    return this.captureStatus;
  }

  /** The packet capture helper's pid while it runs (tests check it is gone after stop). */
  get captureHelperPid(): number | null {
    return this.capture?.pid ?? null;
  }

  /** Carry out the next schedule entry, wait until everything has settled, emit the kernel snapshot. */
  async next(): Promise<StepResult> {
    if (this.failure) throw this.failure;
    if (this.stall) return { step: this.steps, done: false, stalled: this.stall };
    if (this.stopping) throw new LabError('lab-failed', 'the run has ended');
    if (this.busy) throw new LabError('lab-failed', 'a step is already in progress');
    if (this.ahead) {
      this.giveAhead();
      return { step: this.step, done: this.done };
    }
    if (this.done) return { step: this.steps, done: true };
    const entry = this.entries[this.steps]!;
    // A hold ends before the next step acts (and before a plan's step is found stalled: a read
    // asleep through lost data wakes at its retransmission), so the trace does not depend on the
    // pace; unless this step is the one meant to act during it (a scenario's `duringHold`: docs/drops.md).
    if (!(entry.do === 'release' && 'duringHold' in entry && entry.duringHold) && this.drops.holding()) await this.endHolds(entry);
    const why = this.plan ? stallOf(entry as PlanEntry, this.procs.byRole(entry.role) ?? this.procs.lastWithRole(entry.role)) : null;
    if (why !== null) {
      // Convention 7: the plan ends here, as that experiment's lesson; no snapshot for this step.
      this.stall = stallMessage(this.steps, why);
      await this.stop('stopped', this.stall);
      return { step: this.steps, done: false, stalled: this.stall };
    }
    await this.runStep(entry.id, () => this.carryOut(entry));
    const following = this.entries[this.steps];
    if (following?.do === 'release' && 'duringHold' in following && following.duringHold && this.drops.holding()) {
      // It must act while the hold lasts, however long the next press takes (a hold ends on the
      // sender's timer): run it now, and give out its records when it is asked for.
      this.ahead = [];
      try {
        await this.runStep(following.id, () => this.carryOut(following));
      } catch (err) {
        this.giveAhead();
        throw err;
      }
    }
    return { step: this.step, done: this.done };
  }

  /** The records of the step run ahead, now. */
  private giveAhead(): void {
    const records = this.ahead ?? [];
    this.ahead = null;
    for (const r of records) this.onRecord(r);
  }

  /** Wait for every hold's retransmission and what it wakes; its events open the next step. A failure stops the run. */
  private endHolds(entry: RunEntry): Promise<void> {
    return this.busyWhile(async () => {
      await this.drops.endHolds(this.where(entry));
      await settle(this.world, entry.id);
      this.trace.flush(null);
    });
  }

  /** Run `work` as the step in progress; a failure in it stops the run (and is thrown again). */
  private async busyWhile(work: () => Promise<void>): Promise<void> {
    this.busy = true;
    try {
      await work();
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
    killGroups(this.launches, this.procs.all());
  }

  // -------------------------------------------------------------------------------------------
  // Steps

  /**
   * One step: `act` starts it (and returns the processes it ends on purpose); then settle, check
   * those ended, and write the step's events, packets and kernel snapshot. A failure stops the run.
   */
  private runStep(label: string, act: () => Promise<LabProc[]>): Promise<void> {
    return this.busyWhile(async () => {
      const t0 = performance.now();
      const ending = await act();
      const sockets = await settle(this.world, label);
      for (const p of ending) {
        if (!hasEnded(p)) throw new LabError('lab-failed', `schedule entry "${label}" should have ended ${p.role} (pid ${p.pid}), but it is ${describeProc(p)}`);
      }
      for (const p of this.procs.all()) noteStepEnd(p);
      this.drops.writeLosses(sockets);
      this.drops.writeRetransmissions(); // a hold that ended within the step (shorter than the settling)
      const packets = await stepSegments(this.capture, this.ports);
      if (this.failure) throw this.failure; // a process died, or too many, while the packets were read
      if (label !== 'start') this.steps++;
      this.snapshot(label, sockets, packets);
      this.settleTimes.push(performance.now() - t0);
    });
  }

  /** Start a schedule entry: spawn a program, release a gate, or send a signal. */
  private async carryOut(entry: RunEntry): Promise<LabProc[]> {
    if (entry.do === 'spawn') {
      if (this.plan) await this.launch(entry.program, entry.role, this.plan.args(entry.role, this.port), SANDBOX_PROGRAM);
      else {
        const args = 'args' in entry ? entry.args : undefined;
        const knobs = entry.program === 'server' ? this.scenario.server : this.scenario.client;
        await this.launch(entry.program, entry.role, knobArgs({ port: this.port, role: entry.role, ...withoutRunnerKnobs({ ...knobs, ...args }) }));
      }
      return [];
    }
    if (entry.do === 'release') {
      const ending = 'exits' in entry ? (entry.exits ?? []).map((role) => this.expectExit(entry, role)) : [];
      this.release(entry);
      return ending;
    }
    if (entry.do === 'drop') {
      const p = this.procs.byRole(entry.role);
      if (!p || hasEnded(p)) throw new LabError('lab-failed', `${this.where(entry)} drops a segment at ${entry.role}'s fd ${entry.fd}, but there is no live process with that role`);
      this.actingPid = p.pid;
      await this.drops.arm(p.pid, p.role, entry.fd, entry.segment);
      return [];
    }
    const p = this.expectExit(entry, entry.role);
    this.sendSignal(entry, p);
    return [p];
  }

  private where(entry: RunEntry): string {
    return this.plan ? `plan step ${this.steps + 1} of ${this.stepCount}` : `schedule entry "${entry.id}" (step ${this.steps + 1} of ${this.stepCount})`;
  }

  /** A process this step ends on purpose (err_sys, a signal): its exit fails neither the step nor the run. */
  private expectExit(entry: RunEntry, role: string): LabProc {
    const p = this.procs.byRole(role);
    if (!p || hasEnded(p)) throw new LabError('lab-failed', `${this.where(entry)} expects ${role} to exit, but there is no live process with that role`);
    p.exitExpected = true;
    return p;
  }

  private sendSignal(entry: Extract<RunEntry, { do: 'kill' }>, p: LabProc): void {
    this.actingPid = p.pid;
    p.killedBy = entry.signal;
    this.trace.push({ kind: 'signal', t: nowNs(), pid: p.pid, role: p.role, signal: entry.signal, from: 'runner' });
    this.signal(entry, p, entry.signal);
  }

  private release(entry: Extract<RunEntry, { do: 'release' }>): void {
    const p = this.procs.byRole(entry.role);
    if (!p) throw new LabError('lab-failed', `${this.where(entry)} releases ${entry.role}, but there is no process with that role`);
    if (!waitsAtGate(p)) throw new LabError('lab-failed', `${this.where(entry)} releases ${entry.role} (pid ${p.pid}), but it is not waiting at a gate: it is ${describeProc(p)}`);
    const mismatch = 'byName' in entry ? nameMismatch(entry, p.calls.pending) : releaseMismatch(entry, p.calls.pending);
    if (mismatch) throw new LabError('lab-failed', `${this.where(entry)} ${mismatch}`);
    this.actingPid = p.pid;
    const fn = p.calls.pending!.fn; // releaseMismatch refused a process with no pending call
    this.trace.push({ kind: 'release', t: nowNs(), pid: p.pid, role: p.role, fn });
    noteRelease(p);
    this.signal(entry, p, 'SIGUSR1');
  }

  private signal(entry: RunEntry, p: LabProc, signal: NodeJS.Signals): void {
    try {
      process.kill(p.pid, signal);
    } catch (err) {
      throw new LabError('lab-failed', `${this.where(entry)}: could not signal ${entry.role} (pid ${p.pid}): ${(err as Error).message}`);
    }
  }

  // -------------------------------------------------------------------------------------------
  // Processes

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

  /** It has just ended (labProcesses.ts says when): its exit event, and a failure if nobody expected it. */
  private emitExit(p: LabProc, { status, signal: reported, t = nowNs() }: Ended): void {
    // Stopping kills every process group with SIGKILL: a process that vanished then, without a
    // report from its reaper, ended that way.
    const signal = status === null && reported === null && this.stopping ? 'SIGKILL' : reported;
    noteExit(p);
    this.trace.push({ kind: 'exit', t, pid: p.pid, role: p.role, status, signal });
    // The sandbox refused its argv before its first call (src/lab/planstep.c: the plan is not one
    // the program can run): the companion's fault or a bad plan, never the student's outcome.
    if (this.plan && !this.stopping && p.calls.last === null && signal === null && status !== 0) {
      this.fail(new LabError('bad-plan', `the sandbox program refused the plan for ${p.role}${p.lastError ? `: ${p.lastError.trim()}` : ''}`));
      return;
    }
    // In a plan every other exit is an outcome (an err_sys-free program, a SIGPIPE, a kill): never a failure.
    if (!p.exitExpected && !this.stopping && !this.plan) {
      const how = signal ? `was killed by ${signal}` : `exited with status ${status ?? 'unknown'}`;
      this.fail(new LabError('lab-failed', `${p.role} (pid ${p.pid}) ${how} unexpectedly${p.lastError ? `: ${p.lastError.trim()}` : ''}`));
    }
  }

  // -------------------------------------------------------------------------------------------
  // What the lab says (launcher.ts reads it)

  private async launch(program: Program, role: string, args: string[], binary: LabProgram = program): Promise<void> {
    const started = launch(
      this.labDir,
      program,
      role,
      args,
      {
        onStdout: (l, line) => {
          if (line.kind !== 'text') this.lineCount++;
          this.heard.line(l, line);
        },
        onStderr: (l, line) => this.heard.output(l, 'stderr', `${line}\n`),
        onClosed: (l) => {
          const p = l.pid !== null ? this.procs.get(l.pid) : undefined;
          if (p && p.life !== 'gone' && !this.stopping) this.fail(new LabError('lab-failed', `the reaper of ${role} (pid ${l.pid}) ended while ${role} was still running`));
        },
      },
      SETTLE_TIMEOUT_MS,
      binary,
    );
    this.launches.push(started.launch);
    try {
      this.actingPid = await started.launched; // the spawned process acts in this step: its spawn comes first
    } catch (err) {
      throw new LabError('lab-failed', err instanceof Error ? err.message : String(err));
    }
  }

  // -------------------------------------------------------------------------------------------
  // What settle.ts asks of the run

  private readonly world: SettleWorld = {
    procs: () => this.procs.all(),
    lineCount: () => this.lineCount,
    checkStillRunning: () => {
      if (this.failure) throw this.failure;
      if (this.stopping) throw new LabError('lab-failed', 'the run was stopped during a step');
    },
    discoverChildren: () => this.procs.discoverChildren(),
    noteEnded: (p, stat) => this.procs.noteEnded(p, stat),
    readStat,
    sampleSockets: () => this.sampleSockets(),
    holding: () => this.drops.holding(),
    notSettled: (label, what) => {
      const step = label === 'start' ? 'the start' : `step ${this.steps + 1} ("${label}")`;
      return new LabError('lab-failed', `${step} did not settle within ${SETTLE_TIMEOUT_MS / 1000} s: ${what}`);
    },
  };

  /** This run's sockets (ownership.ts): the ports only narrow the observer's dump. */
  private async sampleSockets(): Promise<ObservedSocket[]> {
    const sockets = await this.observer.sample([...this.ports]);
    const held = socketInodes(this.procs.present().filter((p) => p.life === 'alive').map((p) => p.pid));
    const ours = this.owned.select(sockets, held).sort(compareSockets);
    // A connect held in SYN_SENT (its SYN-ACK dropped) has not returned to name its port: its
    // socket does, so that the step's segments are kept (capture.ts keeps only our ports' segments).
    for (const s of ours) if (s.state === 'SYN_SENT' && s.inode !== 0) this.ports.add(portOf(s.local) ?? this.port);
    return ours;
  }

  // -------------------------------------------------------------------------------------------
  // Snapshots

  private snapshot(label: string, observed: ObservedSocket[], packets: readonly CapturedSegment[]): void {
    const { processes, holders } = kernelProcesses(this.procs.present(), { readStat, readKernelWait, socketFds });
    // Only this run's sockets, by what it owns (ownership.ts): the ones a lab process holds, and
    // the ends of its connections that no descriptor names. Never by port number alone.
    const sockets = kernelSockets(this.owned.select(observed, new Set(holders.keys())), holders);
    this.trace.flush(this.actingPid);
    this.actingPid = null;
    // The step's segments, as the wire saw them, then what the kernel shows once they are over.
    for (const p of packets) this.trace.write(p);
    this.trace.write({ kind: 'kernel', t: nowNs(), step: this.steps, label, processes, sockets });
  }

  // -------------------------------------------------------------------------------------------
  // Stopping

  private async finish(reason: 'completed' | 'stopped' | 'error', message?: string): Promise<void> {
    this.stopping = true;
    clearInterval(this.watch);
    untrackRun(this);
    // A step in progress ends at its next check; wait for it, so the records stay in order.
    for (let i = 0; this.busy && i < 200; i++) await sleep(5);
    this.giveAhead(); // a step run ahead happened: its records come before the end
    const left = await killAndWait(this.launches, () => this.procs.all());
    this.procs.noteVanished();
    this.observer.close();
    this.drops.close();
    await this.capture?.close();
    this.trace.flush(this.actingPid);
    const problem = left.size > 0 ? `lab processes were still alive after ${STOP_TIMEOUT_MS / 1000} s: ${[...left.values()].join(', ')}` : null;
    const endMessage = [message, problem].filter(Boolean).join('; ');
    this.trace.write({ kind: 'end', t: nowNs(), reason: problem ? 'error' : reason, ...(endMessage ? { message: endMessage } : {}) });
    if (problem) throw new LabError('lab-failed', problem);
  }
}
