// The run's lab processes: every program it started and every child they forked, by pid, with
// the cap on how many may live at once, and how each one's end is noticed (a zombie in /proc,
// gone from /proc, or its reaper's report).

import { childRole } from '../../trace/roles.ts';
import type { Program } from '../../trace/types.ts';
import { exitStatusOf, newLabProc, type LabProc } from './labProcess.ts';
import { decodeWaitStatus, readChildren, readStat, type ProcStat } from './procfs.ts';

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

  has(pid: number): boolean {
    return this.byPid.has(pid);
  }

  all(): IterableIterator<LabProc> {
    return this.byPid.values();
  }

  /** Not yet reaped, in the order they appeared. */
  present(): LabProc[] {
    return [...this.byPid.values()].filter((p) => !p.gone).sort((a, b) => a.order - b.order);
  }

  register(pid: number, role: string, program: Program, reaperChild: boolean): LabProc {
    let p = this.byPid.get(pid);
    if (p) return p;
    p = newLabProc(pid, role, program, this.byPid.size, reaperChild);
    this.byPid.set(pid, p);
    const live = [...this.byPid.values()].filter((q) => !q.exited).length;
    if (live > this.maxLive) this.onTooMany(p);
    return p;
  }

  /** The live process with this role (the newest, if an earlier one with the role has ended). */
  byRole(role: string): LabProc | undefined {
    const candidates = [...this.byPid.values()].filter((p) => p.role === role && !p.gone);
    return candidates.find((q) => !q.exited) ?? candidates[0];
  }

  /** Register children found in /proc that have not spoken yet (child#N, N its parent's forks). */
  discoverChildren(): void {
    for (const p of [...this.byPid.values()]) {
      if (p.gone || p.zombie) continue;
      for (const pid of readChildren(p.pid)) {
        if (!this.byPid.has(pid)) this.register(pid, childRole(p.forks), p.program, false);
      }
    }
  }

  /** The reaper that launched a program reaped it (or an orphan of it). */
  reaperReported(pid: number, status: number | null, signal: string | null, t: number): void {
    this.reaped.set(pid, { status, signal, t });
    const p = this.byPid.get(pid);
    if (!p) return;
    p.gone = true;
    p.zombie = false;
    this.onEnded(p, { status, signal, t });
  }

  /** Note a process that has ended: a zombie (with its status), or gone from /proc. Returns true if it is settled. */
  noteEnded(p: LabProc, stat: ProcStat | null): boolean {
    if (stat === null) {
      if (p.reaperChild && !this.reaped.has(p.pid)) return false; // its reaper's report is on its way
      p.gone = true;
      p.zombie = false;
      // Reaped before we saw a zombie: by its reaper (which reports), by its parent's waitpid
      // (whose return says), or by the kernel itself when the parent ignores SIGCHLD: then the
      // status is the one it was released into exit() with, or err_sys's 1 (src/lab/lab.c).
      this.onEnded(p, this.reaped.get(p.pid) ?? p.reapedStatus ?? { status: exitStatusOf(p), signal: null });
      return true;
    }
    if (stat.state === 'X') return false; // dead, being released: gone in a moment
    // A program the reaper started is reaped by it at once: wait for that, rather than show
    // a zombie that is only an artefact of how the runner starts programs.
    if (p.reaperChild && !this.reaped.has(p.pid)) return false;
    if (!p.zombie) {
      p.zombie = true;
      this.onEnded(p, decodeWaitStatus(stat.exitCode));
    }
    return true;
  }

  /** Between steps: a process that ended with no step to explain it (killed from outside). */
  watch(): void {
    for (const p of this.byPid.values()) {
      if (p.gone || p.zombie) continue;
      const stat = readStat(p.pid);
      if (stat === null || stat.state === 'Z' || stat.state === 'X') this.noteEnded(p, stat);
    }
  }

  /** After stopping: every process that left without an exit event, with what its reaper said. */
  vanished(): { p: LabProc; how: Ended }[] {
    return [...this.byPid.values()]
      .filter((p) => !p.exited && readStat(p.pid) === null)
      .map((p) => ({ p, how: this.reaped.get(p.pid) ?? { status: null, signal: null } }));
  }
}
