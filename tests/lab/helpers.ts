// Helpers for the lab tests: run scenarios with the real lab and read their traces.

import { existsSync } from 'node:fs';
import type { Scenario } from '../../src/scenarios/types.ts';
import { LabRun, type LabRunSettings, type LabRunSubject } from '../../src/server/lab/run.ts';
import type { CallEvent, CallName, ExitEvent, KernelEvent, KernelProcess, KernelSocket, ReturnEvent, ReturningCall, TraceEvent, TraceRecord } from '../../src/trace/types.ts';

export class Recorder {
  readonly records: TraceRecord[] = [];
  readonly onRecord = (r: TraceRecord) => {
    this.records.push(r);
  };

  get events(): TraceEvent[] {
    return this.records.filter((r): r is TraceEvent => r.kind !== 'header');
  }

  kernel(label: string): KernelEvent {
    const k = this.records.find((r): r is KernelEvent => r.kind === 'kernel' && r.label === label);
    if (!k) throw new Error(`no kernel snapshot labelled "${label}"`);
    return k;
  }

  /** pid -> role, from every event that names both. */
  roles(): Map<number, string> {
    const roles = new Map<number, string>();
    for (const e of this.events) if ('pid' in e && 'role' in e) roles.set(e.pid, e.role);
    return roles;
  }

  /** Every pid a lab process had in this run. */
  pids(): number[] {
    return [...this.roles().keys()];
  }

  /** A socket's holders as "role/fd", sorted. */
  holders(socket: KernelSocket | undefined): string[] {
    const roles = this.roles();
    return (socket?.holders ?? []).map((h) => `${roles.get(h.pid) ?? h.pid}/${h.fd}`).sort();
  }

  pidOf(role: string): number {
    const pid = [...this.roles()].find(([, r]) => r === role)?.[0];
    if (pid === undefined) throw new Error(`no process with role ${role}`);
    return pid;
  }
}

export async function startRun(opts: LabRunSubject & Omit<LabRunSettings, 'onRecord'>): Promise<{ run: LabRun; rec: Recorder }> {
  const rec = new Recorder();
  const run = await LabRun.start({ ...opts, onRecord: rec.onRecord });
  return { run, rec };
}

/** Step until the step with this schedule id has been carried out. */
export async function stepThrough(run: LabRun, rec: Recorder, label: string): Promise<KernelEvent> {
  for (;;) {
    if (run.done) throw new Error(`the schedule has no step "${label}"`);
    await run.next();
    const last = rec.records.at(-1);
    if (last?.kind === 'kernel' && last.label === label) return last;
  }
}

export function alive(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

export async function allGone(pids: number[], timeoutMs = 5000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = pids.filter(alive);
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The server-side end of the connection (local port = server port, not listening). */
export function serverConn(k: KernelEvent, port: number): KernelSocket | undefined {
  return k.sockets.find((s) => s.local.endsWith(`:${port}`) && s.state !== 'LISTEN' && s.remote !== '0.0.0.0:0');
}

export function listener(k: KernelEvent, port: number): KernelSocket | undefined {
  return k.sockets.find((s) => s.state === 'LISTEN' && s.local.endsWith(`:${port}`));
}

export function clientSock(k: KernelEvent, port: number): KernelSocket | undefined {
  return k.sockets.find((s) => s.remote.endsWith(`:${port}`));
}

/** Run a scenario to its end and stop it; the trace, the port, and any lab process left after stop. */
export async function runScenario(scenario: Scenario): Promise<{ rec: Recorder; port: number; left: number[] }> {
  const { run, rec } = await startRun({ scenario });
  try {
    while (!run.done) await run.next();
    await run.stop('completed');
  } finally {
    await run.stop();
  }
  return { rec, port: run.port, left: await allGone(rec.pids(), 0) };
}

/** Every kernel snapshot, step 0 first. */
export function kernels(rec: Recorder): KernelEvent[] {
  return rec.records.filter((r): r is KernelEvent => r.kind === 'kernel');
}

export function returns<F extends ReturningCall>(rec: Recorder, fn: F, role?: string): ReturnEvent<F>[] {
  return rec.events.filter((e): e is ReturnEvent<F> => e.kind === 'return' && e.fn === fn && (role === undefined || e.role === role));
}

export function calls<F extends CallName>(rec: Recorder, fn: F, role?: string): CallEvent<F>[] {
  return rec.events.filter((e): e is CallEvent<F> => e.kind === 'call' && e.fn === fn && (role === undefined || e.role === role));
}

export function exitOf(rec: Recorder, role: string): ExitEvent | undefined {
  return rec.events.find((e): e is ExitEvent => e.kind === 'exit' && e.role === role);
}

export function proc(k: KernelEvent, role: string): KernelProcess | undefined {
  return k.processes.find((p) => p.role === role);
}

/** The server's end of the connection from this client port. */
export function serverConnFrom(k: KernelEvent, port: number, clientPort: number): KernelSocket | undefined {
  return k.sockets.find((s) => s.local.endsWith(`:${port}`) && s.remote.endsWith(`:${clientPort}`));
}

/** The client's end, on its local port. */
export function clientEnd(k: KernelEvent, port: number, clientPort: number): KernelSocket | undefined {
  return k.sockets.find((s) => s.local.endsWith(`:${clientPort}`) && s.remote.endsWith(`:${port}`));
}

/** The local port a client connected from (its connect return). */
export function clientPort(rec: Recorder, role: string): number {
  const local = returns(rec, 'connect', role)[0]?.local;
  if (!local) throw new Error(`${role} has no successful connect`);
  return Number(local.slice(local.lastIndexOf(':') + 1));
}
