// The run's lab processes: every program it started and every child they forked, by pid, with
// the cap on how many may live at once, and how each one's end is noticed (a zombie in /proc,
// gone from /proc, or its reaper's report).

import { childRole } from '../../trace/roles.ts';
import type { Program } from '../../trace/types.ts';
import { endByEvents, endLife, hasEnded, newLabProc, type LabProc } from './labProcess.ts';
import { decodeWaitStatus, readChildren, readStat, type ProcStat } from './procfs.ts';

/** How long a vanished child waits for its parent's word on how it ended (see parentMaySay). */
const UNEXPLAINED_GRACE_MS = 20;

export interface Ended {
  status: number | null;
  signal: string | null;
  /** When it ended, if someone said (the reaper stamps its report). */
  t?: number;
}

export class LabProcesses {
  private readonly byPid = new Map<number, LabProc>();
  /** Exit statuses the reapers reported, by pid. */
  private readonly reaped = new Map<number, Required<Ended>>();

  constructor(
    private readonly maxLive: number,
    /** A process ended: write its exit event. */
    private readonly onEnded: (p: LabProc, how: Ended) => void,
    /** More than `maxLive` processes live at once. */
    private readonly onTooMany: (newest: LabProc) => void,
  ) {}

  get(pid: number): LabProc | undefined {
    return this.byPid.get(pid);
  }

  all(): IterableIterator<LabProc> {
    return this.byPid.values();
  }

  /** Not yet reaped, in the order they appeared. */
  present(): LabProc[] {
    return [...this.byPid.values()].filter((p) => p.life !== 'gone').sort((a, b) => a.order - b.order);
  }

  /** /proc or a reaper shows `p` has ended as `seen`: when that is its end, its exit is written. */
  private end(p: LabProc, seen: 'zombie' | 'gone', how: () => Ended): void {
    const next = endLife(p.life, seen);
    p.life = next.life;
    if (next.ended) this.onEnded(p, how());
  }

  register(pid: number, role: string, program: Program, reaperChild: boolean, parentPid: number | null = null): LabProc {
    let p = this.byPid.get(pid);
    if (p) {
      // A program can speak before its reaper's launch line is read: the reaper still reports its end.
      if (reaperChild) p.reaperChild = true;
      return p;
    }
    p = newLabProc(pid, role, program, this.byPid.size, reaperChild, parentPid);
    this.byPid.set(pid, p);
    const live = [...this.byPid.values()].filter((q) => !hasEnded(q)).length;
    if (live > this.maxLive) this.onTooMany(p);
    return p;
  }

  /** The live process with this role (the newest, if an earlier one with the role has ended). */
  byRole(role: string): LabProc | undefined {
    const candidates = [...this.byPid.values()].filter((p) => p.role === role && p.life !== 'gone');
    return candidates.find((q) => !hasEnded(q)) ?? candidates[0];
  }

  /** The newest process that ever had this role, reaped or not (a plan's stall names what became of it). */
  lastWithRole(role: string): LabProc | undefined {
    return [...this.byPid.values()].filter((p) => p.role === role).at(-1);
  }

  /** Register children found in /proc that have not spoken yet (child#N, N its parent's forks). */
  discoverChildren(): void {
    for (const p of [...this.byPid.values()]) {
      if (hasEnded(p)) continue;
      for (const pid of readChildren(p.pid)) {
        if (!this.byPid.has(pid)) this.register(pid, childRole(p.forks), p.program, false, p.pid);
      }
    }
  }

  /** The reaper that launched a program reaped it (or an orphan of it). */
  reaperReported(pid: number, status: number | null, signal: string | null, t: number): void {
    this.reaped.set(pid, { status, signal, t });
    const p = this.byPid.get(pid);
    if (p) this.end(p, 'gone', () => ({ status, signal, t }));
  }

  /** Note a process that has ended: a zombie (with its status), or gone from /proc. Returns true if it is settled. */
  noteEnded(p: LabProc, stat: ProcStat | null): boolean {
    if (stat === null) {
      if (p.reaperChild && !this.reaped.has(p.pid)) return false; // its reaper's report is on its way
      // Reaped before we saw a zombie: by its reaper (which reports), by its parent's waitpid
      // (whose return says), or by the kernel itself when the parent ignores SIGCHLD: then the
      // status is the one it was released into exit() with, or err_sys's 1 (src/lab/lab.c).
      const known = this.reaped.get(p.pid) ?? p.reapedStatus;
      if (!known && this.parentMaySay(p)) return false;
      this.end(p, 'gone', () => known ?? endByEvents(p));
      return true;
    }
    if (stat.state === 'X') return false; // dead, being released: gone in a moment
    // A program the reaper started is reaped by it at once: wait for that, rather than show
    // a zombie that is only an artefact of how the runner starts programs.
    if (p.reaperChild && !this.reaped.has(p.pid)) return false;
    this.end(p, 'zombie', () => decodeWaitStatus(stat.exitCode));
    return true;
  }

  /**
   * A child reaped by an ungated waitpid (the sandbox's sig_chld) is gone from /proc a moment
   * before its parent writes the waitpid's return, which says how it ended: wait for that while
   * the parent still runs, and briefly in any case (the line may be in the pipe).
   */
  private parentMaySay(p: LabProc): boolean {
    const now = performance.now();
    p.goneUnexplainedSince ??= now;
    if (now - p.goneUnexplainedSince < UNEXPLAINED_GRACE_MS) return true;
    const parent = p.parentPid !== null ? readStat(p.parentPid) : null;
    return parent !== null && parent.state === 'R';
  }

  /** Between steps: a process that ended with no step to explain it (killed from outside). */
  watch(): void {
    for (const p of this.byPid.values()) {
      if (hasEnded(p)) continue;
      const stat = readStat(p.pid);
      if (stat === null || stat.state === 'Z' || stat.state === 'X') this.noteEnded(p, stat);
    }
  }

  /** After stopping: every process that left without an exit event is gone, with what its reaper said. */
  noteVanished(): void {
    for (const p of this.byPid.values()) {
      if (!hasEnded(p) && readStat(p.pid) === null) this.end(p, 'gone', () => this.reaped.get(p.pid) ?? { status: null, signal: null });
    }
  }
}
