// A `drop` step: lose the next segment of one kind arriving at one socket, with the helper
// build/lab/dropper (src/lab/dropper.c; docs/drops.md says why it works this way). The helper
// takes its own descriptor for the socket (pidfd_getfd), attaches a one-shot eBPF socket filter
// and closes that descriptor before it says "armed", so the lab process makes no extra call and
// the descriptor counts never change. It needs root (CAP_BPF, and ptrace rights over the lab
// process); where it is not allowed the drop is refused with the helper's reason. The helper is
// given the socket's inode too, and refuses a descriptor that names another file (the lab process
// ended, and its pid went to another program): root never filters a socket not the run's.
//
//   armDrop(labDir, pid, fd, inode, segment)   an ArmedDrop, or rejects with LabError
//                                              'lab-unavailable' (why) or 'lab-failed' (another socket)
//   drop.state                          'armed' → 'dropped' → 'passed'
//   drop.passed                         resolves once the retransmission got through
//   drop.close()                        kill the helper (the filter stays on the socket, harmless)

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DropSegment } from '../../plan/types.ts';
import { LabError } from './errors.ts';
import { nowNs, type Pending } from './records.ts';
import { socketFds } from './procfs.ts';

/** How long the helper may take to load and attach its filter. */
const ARM_TIMEOUT_MS = 2000;

export type DropState = 'armed' | 'dropped' | 'passed';

/** The kernel's CLOCK_MONOTONIC nanoseconds of the loss and of the retransmission that got through. */
export interface DropTimes {
  droppedAt: number;
  passedAt: number;
}

export function dropperPath(labDir: string): string {
  return join(labDir, 'dropper');
}

export class ArmedDrop {
  state: DropState = 'armed';
  droppedAt: number | null = null;
  passedAt: number | null = null;
  /** Resolves when the retransmission gets through; null if the helper ended first. */
  readonly passed: Promise<DropTimes | null>;
  private settlePassed!: (t: DropTimes | null) => void;

  constructor(
    private readonly helper: ChildProcessWithoutNullStreams,
    readonly pid: number,
    readonly fd: number,
    readonly segment: DropSegment,
  ) {
    this.passed = new Promise((resolve) => (this.settlePassed = resolve));
    helper.on('close', () => this.settlePassed(null));
  }

  /** A line from the helper after "armed". */
  hear(line: { kind?: unknown; t?: unknown }): void {
    const t = typeof line.t === 'number' ? line.t : null;
    if (line.kind === 'dropped' && this.state === 'armed') {
      this.state = 'dropped';
      this.droppedAt = t;
    } else if (line.kind === 'passed' && t !== null) {
      this.state = 'passed';
      this.passedAt = t;
      this.settlePassed({ droppedAt: this.droppedAt ?? t, passedAt: t });
    }
  }

  /** Whether the lost segment's retransmission has yet to get through: the socket is held. */
  get holding(): boolean {
    return this.state === 'dropped';
  }

  close(): void {
    if (this.helper.exitCode === null && this.helper.signalCode === null) this.helper.kill('SIGKILL');
  }
}

/**
 * Arm a drop on socket `inode`, which process `pid`'s descriptor `fd` names (the helper checks it;
 * `command` goes before the helper's path: tests run it as another user).
 */
export function armDrop(labDir: string, pid: number, fd: number, inode: number, segment: DropSegment, command: readonly string[] = []): Promise<ArmedDrop> {
  const path = dropperPath(labDir);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return Promise.reject(new LabError('lab-unavailable', `a drop step needs build/lab/dropper, which is not built (run npm run build:lab)`));
  }
  const [file, ...args] = [...command, path, String(pid), String(fd), String(inode), segment];
  const helper = spawn(file!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  const drop = new ArmedDrop(helper, pid, fd, segment);
  let errors = '';
  helper.stderr.on('data', (c: Buffer) => (errors += c.toString()));
  return new Promise((resolve, reject) => {
    let armed = false;
    const timer = setTimeout(() => {
      drop.close();
      reject(new LabError('lab-unavailable', `the dropper did not arm its filter within ${ARM_TIMEOUT_MS / 1000} s`));
    }, ARM_TIMEOUT_MS);
    createInterface({ input: helper.stdout }).on('line', (text) => {
      let line: { kind?: unknown; error?: unknown; t?: unknown };
      try {
        line = JSON.parse(text) as typeof line;
      } catch {
        return;
      }
      if (armed) return drop.hear(line);
      clearTimeout(timer);
      if (line.kind === 'armed') {
        armed = true;
        resolve(drop);
      } else if (line.kind === 'refused') {
        const why = typeof line.error === 'string' ? line.error : text;
        reject(new LabError('lab-failed', `the dropper refused to drop at pid ${pid} fd ${fd}: ${why}`));
      } else {
        const why = typeof line.error === 'string' ? line.error : text;
        reject(new LabError('lab-unavailable', `cannot drop segments here (${why}): a drop step needs root (CAP_BPF to load the socket filter, and the right to take the lab process's descriptor with pidfd_getfd)`));
      }
    });
    helper.on('error', (err) => {
      clearTimeout(timer);
      reject(new LabError('lab-unavailable', `the dropper did not start: ${err.message}`));
    });
    helper.on('close', (code) => {
      clearTimeout(timer);
      if (!armed) reject(new LabError('lab-unavailable', `the dropper ended (exit ${code}) before arming its filter${errors ? `: ${errors.trim()}` : ''}`));
    });
  });
}

/** How long the step after a hold waits for the retransmission (a lost SYN-ACK comes again after 1 s, a FIN or data after ≥ 200 ms). */
export const RETRANSMIT_TIMEOUT_MS = 5000;

/**
 * A socket a drop holds: the one its descriptor named, by inode, and by the addresses it had when
 * last seen (`ends`, null before any step's end saw it): once closed it is an orphan, which no
 * descriptor names (inode 0). The hold is the connection's: its peer's end (the addresses
 * reversed), whose segment waits for its retransmission, is held too; a listener's, the
 * connections it creates (they share its filter). `heldSockets` in settle.ts finds them in a sample.
 */
export interface HeldSocket {
  inode: number;
  ends: { local: string; remote: string } | null;
}

/** What a run's drops write into its trace (the runner's TraceWriter). */
interface DropTrace {
  push(e: Pending): void;
}

/**
 * A run's drops: arming each (a `drop` event), telling settle whether a socket is held, and writing
 * the `retransmit` event of each hold once, when the runner learns it ended.
 */
export class RunDrops {
  private readonly drops: { drop: ArmedDrop; role: string; inode: number; ends: { local: string; remote: string } | null; lostWritten: boolean; written: boolean }[] = [];

  constructor(
    private readonly labDir: string,
    private readonly trace: DropTrace,
  ) {}

  async arm(pid: number, role: string, fd: number, segment: DropSegment): Promise<void> {
    const inode = socketFds(pid).find((s) => s.fd === fd)?.inode;
    if (inode === undefined) throw new LabError('lab-failed', `a drop at ${role}'s fd ${fd}: that descriptor names no socket`);
    const drop = await armDrop(this.labDir, pid, fd, inode, segment);
    this.drops.push({ drop, role, inode, ends: null, lostWritten: false, written: false });
    this.trace.push({ kind: 'drop', t: nowNs(), pid, role, fd, segment });
  }

  /**
   * The sockets held now (a segment lost, its retransmission not through yet), or null when no drop
   * holds: settle takes their held state, and still waits for every other socket (settle.ts).
   */
  holding(): HeldSocket[] | null {
    const held = this.drops.filter((d) => d.drop.holding).map((d) => ({ inode: d.inode, ends: d.ends }));
    return held.length > 0 ? held : null;
  }

  /** Wait until every hold has ended (the step after a hold, before it acts); write their retransmissions. */
  async endHolds(where: string): Promise<void> {
    for (const d of this.drops) {
      if (!d.drop.holding) continue;
      const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), RETRANSMIT_TIMEOUT_MS).unref());
      const got = await Promise.race([d.drop.passed, timeout]);
      if (got === 'timeout' || got === null) {
        throw new LabError('lab-failed', `${where}: the ${d.drop.segment} lost at ${d.role} fd ${d.drop.fd} was not retransmitted within ${RETRANSMIT_TIMEOUT_MS / 1000} s`);
      }
    }
    this.writeRetransmissions();
  }

  /**
   * Write the `lost` event of every drop that has lost its segment and has none yet, with the
   * socket's addresses: from `sockets` (the step's last sample), found by the inode its descriptor
   * had; a socket closed since (an orphan has inode 0) by the addresses it had at an earlier step.
   */
  writeLosses(sockets: readonly { inode: number; local: string; remote: string }[]): void {
    for (const d of this.drops) {
      const s = sockets.find((x) => x.inode === d.inode);
      if (s) d.ends = { local: s.local, remote: s.remote };
      const { drop } = d;
      if (d.lostWritten || drop.state === 'armed' || drop.droppedAt === null || d.ends === null) continue;
      d.lostWritten = true;
      this.trace.push({ kind: 'lost', t: drop.droppedAt, pid: drop.pid, role: d.role, fd: drop.fd, segment: drop.segment, ...d.ends });
    }
  }

  /** Write the `retransmit` event of every hold that has ended and is not written yet. */
  writeRetransmissions(): void {
    for (const d of this.drops) {
      const { drop } = d;
      if (d.written || drop.state !== 'passed' || drop.passedAt === null) continue;
      d.written = true;
      this.trace.push({ kind: 'retransmit', t: drop.passedAt, pid: drop.pid, role: d.role, fd: drop.fd, segment: drop.segment, droppedAt: drop.droppedAt ?? drop.passedAt });
    }
  }

  close(): void {
    for (const d of this.drops) d.drop.close();
  }
}
