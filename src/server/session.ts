// One browser connection = one session = at most one lab run at a time.
// Messages are handled one after another, so a fast key-repeat cannot race two steps.

import type { WebSocket } from 'ws';
import { parseClientMessage, type ClientMessage, type ErrorCode, type ServerMessage } from '../protocol/messages.ts';
import type { Plan } from '../plan/types.ts';
import { findScenario } from '../scenarios/index.ts';
import type { TraceRecord } from '../trace/types.ts';
import { LabError, LabRun, type LabRunSubject } from './lab/run.ts';

export interface SessionLimits {
  /** Lab processes one run may have alive at once. */
  maxProcesses: number;
  /** Live runs the whole companion may have at once. */
  maxRuns: number;
}

/** Counts live runs across every session of one companion. */
export class RunSlots {
  private used = 0;
  constructor(readonly max: number) {}
  take(): boolean {
    if (this.used >= this.max) return false;
    this.used += 1;
    return true;
  }
  give(): void {
    this.used = Math.max(0, this.used - 1);
  }
}

/** Messages one browser may have waiting; a page waits for "stepped" before the next step. */
const MAX_QUEUED_MESSAGES = 32;
/** Bytes a slow browser may leave unread before the companion gives up on it. */
export const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
const IDLE_RUN_MS = 15 * 60_000;

export class Session {
  private run: LabRun | null = null;
  private pending: TraceRecord[] = [];
  private queue: Promise<void> = Promise.resolve();
  private closed = false;
  private queued = 0;
  private idleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly socket: WebSocket,
    private readonly limits: SessionLimits,
    private readonly slots: RunSlots,
    private readonly live: { live: boolean; reason: string | null; sandbox?: boolean },
  ) {}

  /** Queue one raw message; invalid ones are answered with an error and otherwise ignored. */
  receive(raw: string): void {
    const parsed = parseClientMessage(raw);
    if (!parsed.ok) {
      this.send({ type: 'error', code: parsed.code ?? 'bad-message', message: parsed.error });
      return;
    }
    if (this.queued >= MAX_QUEUED_MESSAGES) {
      this.send({ type: 'error', code: 'busy', message: `more than ${MAX_QUEUED_MESSAGES} messages are waiting; wait for "stepped" before sending more` });
      return;
    }
    this.touch();
    this.enqueue(() => this.handle(parsed.value));
  }

  private enqueue(work: () => Promise<void>): void {
    this.queued += 1;
    this.queue = this.queue
      .then(work)
      .catch((err: unknown) => this.fail(err))
      .finally(() => {
        this.queued -= 1;
      });
  }

  /** A run left idle this long is stopped, so a forgotten tab does not hold a live-run slot. */
  private touch(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => this.enqueue(() => this.endRun('stopped', `no step for ${IDLE_RUN_MS / 60_000} minutes`)), IDLE_RUN_MS);
    this.idleTimer.unref();
  }

  private async failBetweenSteps(run: LabRun | null, error: LabError): Promise<void> {
    if (!run || this.run !== run) return; // that run has already ended
    this.flush();
    this.error(error.code, error.message);
    await this.endRun('error', error.message).catch(() => undefined);
  }

  /** The browser went away: end the run and kill its processes. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    await this.queue.catch(() => undefined);
    await this.endRun('stopped', null);
  }

  private async handle(msg: ClientMessage): Promise<void> {
    if (this.closed) return;
    switch (msg.type) {
      case 'start':
        return this.startScenario(msg.scenario, msg.toStep);
      case 'start-plan':
        return this.startPlan(msg.plan, msg.toStep);
      case 'step':
        return this.step();
      case 'stop':
        return this.endRun('stopped', null);
    }
  }

  private async startScenario(scenarioId: string, toStep: number): Promise<void> {
    await this.endRun('stopped', null);
    if (!this.live.live) {
      return this.error('lab-unavailable', this.live.reason ?? 'live runs are not available here');
    }
    const scenario = findScenario(scenarioId);
    if (!scenario) return this.error('unknown-scenario', `no scenario "${scenarioId}"`);
    return this.start({ scenario }, toStep);
  }

  /** A plan parseClientMessage has validated: data only, never code or paths. */
  private async startPlan(plan: Plan, toStep: number): Promise<void> {
    await this.endRun('stopped', null);
    if (!this.live.live || !this.live.sandbox) {
      return this.error('lab-unavailable', this.live.reason ?? 'sandbox plans cannot run here: the sandbox program is not built (npm run build:lab)');
    }
    return this.start({ plan }, toStep);
  }

  private async start(subject: LabRunSubject, toStep: number): Promise<void> {
    if (!this.slots.take()) {
      return this.error('busy', `the companion already runs ${this.slots.max} live lessons; close another tab and reload`);
    }
    try {
      let started: LabRun | null = null;
      started = await LabRun.start({
        ...subject,
        maxProcesses: this.limits.maxProcesses,
        onRecord: (record) => this.pending.push(record),
        onFailure: (error) => this.enqueue(() => this.failBetweenSteps(started, error)),
      });
      this.run = started;
    } catch (err) {
      this.slots.give();
      this.pending = []; // the failed run's records must not lead the next run's trace
      throw err;
    }
    this.flush();
    this.send({ type: 'stepped', step: 0, done: this.run.done });
    const target = Math.min(toStep, this.run.stepCount);
    while (this.run && !this.closed && this.run.step < target && !this.run.stalled) await this.step();
  }

  private async step(): Promise<void> {
    const run = this.run;
    if (!run) return this.error('no-run', 'no live run: send "start" first');
    if (run.done) {
      this.send({ type: 'stepped', step: run.step, done: true });
      return;
    }
    const result = await run.next();
    this.flush();
    // A plan that stalled has ended there (convention 7): no snapshot, the run is over.
    if (result.stalled) return this.endRun('stopped', result.stalled);
    this.send({ type: 'stepped', step: result.step, done: result.done });
    if (result.done) await this.endRun('completed', null);
  }

  private async endRun(reason: 'completed' | 'stopped' | 'error', message: string | null): Promise<void> {
    const run = this.run;
    if (!run) return;
    this.run = null;
    try {
      await run.stop(reason, message ?? undefined);
    } finally {
      this.slots.give();
      this.flush();
      this.send({ type: 'ended', reason, message });
    }
  }

  private async fail(err: unknown): Promise<void> {
    const code: ErrorCode = err instanceof LabError ? err.code : 'lab-failed';
    const message = err instanceof Error ? err.message : String(err);
    this.error(code, message);
    await this.endRun('error', message).catch(() => undefined);
  }

  private error(code: ErrorCode, message: string): void {
    this.send({ type: 'error', code, message });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const records = this.pending;
    this.pending = [];
    this.send({ type: 'records', records });
  }

  private send(msg: ServerMessage): void {
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.close(1008, 'the page is not reading its messages');
      return;
    }
    this.socket.send(JSON.stringify(msg));
  }
}
