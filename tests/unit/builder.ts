// A small builder of synthetic traces for unit tests: it numbers events and kernel snapshots,
// and knows the shape of the lab's calls (args named as src/lab writes them).

import type { KernelProcess, KernelSocket, Scalar, Trace, TraceEvent, TraceHeader } from '../../src/trace/types.ts';

export const PORT = 9877;
export const SERV = `127.0.0.1:${PORT}`;
export const ANY = `0.0.0.0:${PORT}`;

export function header(overrides: Partial<TraceHeader['scenario']> = {}): TraceHeader {
  return {
    kind: 'header',
    format: 'forkscope-trace',
    version: 1,
    scenario: { id: 'test', title: 'test', port: PORT, knobs: {}, ...overrides },
    platform: { os: 'linux', release: 'test' },
    recordedAt: '2025-01-01T00:00:00Z',
    clock: 'monotonic-ns',
  };
}

type Dist<T> = T extends unknown ? Omit<T, 'seq' | 't'> : never;

export class TraceBuilder {
  readonly events: TraceEvent[] = [];
  private step = 0;
  /** Trace time, ns; each event advances it by 1 µs unless told otherwise. */
  t = 0;
  private roles = new Map<number, string>();

  constructor(readonly head: TraceHeader = header()) {}

  push(e: Dist<TraceEvent>): this {
    this.t += 1000;
    this.events.push({ ...e, seq: this.events.length, t: this.t } as TraceEvent);
    return this;
  }

  role(pid: number): string {
    return this.roles.get(pid) ?? `pid${pid}`;
  }

  spawn(pid: number, role: string, program: 'server' | 'client', ppid = 1): this {
    this.roles.set(pid, role);
    return this.push({ kind: 'spawn', pid, ppid, role, program, argv: [program] });
  }

  call(pid: number, fn: string, args: Record<string, Scalar> = {}, line = 10): this {
    return this.push({ kind: 'call', pid, role: this.role(pid), fn, args, file: 'server.c', line });
  }

  ret(pid: number, fn: string, ret: number, extra: Record<string, unknown> = {}, errno: string | null = null): this {
    return this.push({ kind: 'return', pid, role: this.role(pid), fn, ret, errno, ...extra } as Dist<TraceEvent>);
  }

  /** call + return in one go (a released gate of a call that does not block). */
  sys(pid: number, fn: string, args: Record<string, Scalar>, ret: number, extra: Record<string, unknown> = {}): this {
    return this.call(pid, fn, args).ret(pid, fn, ret, extra);
  }

  ready(pid: number, fn: string, fd: number): this {
    return this.push({ kind: 'ready', pid, role: this.role(pid), fn, fd });
  }

  exit(pid: number, status = 0): this {
    return this.push({ kind: 'exit', pid, role: this.role(pid), status, signal: null });
  }

  /** A child created by fork: its return event (ret 0) names it. */
  forkChild(childPid: number, role: string, ppid: number): this {
    this.roles.set(childPid, role);
    return this.ret(childPid, 'fork', 0, { ppid });
  }

  kernel(processes: KernelProcess[] = [], sockets: KernelSocket[] = [], label = `s${this.step}`): this {
    return this.push({ kind: 'kernel', step: this.step++, label, processes, sockets });
  }

  end(): this {
    return this.push({ kind: 'end', reason: 'completed' });
  }

  trace(): Trace {
    return { header: this.head, events: [...this.events] };
  }

  jsonl(): string {
    return [this.head, ...this.events].map((r) => JSON.stringify(r)).join('\n') + '\n';
  }
}

export function kproc(pid: number, role: string, state = 'S', place: KernelProcess['place'] = 'gate', blockedIn: string | null = null, ppid = 1): KernelProcess {
  return { pid, ppid, role, state, place, blockedIn };
}

export function ksock(state: KernelSocket['state'], local: string, remote: string, holders: [number, number][], inode = 1000): KernelSocket {
  return { inode: holders.length ? inode : 0, state, local, remote, holders: holders.map(([pid, fd]) => ({ pid, fd })) };
}
