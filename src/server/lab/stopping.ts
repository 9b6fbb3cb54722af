// Ending a run's processes: SIGKILL every program's process group (and SIGTERM its reaper, which
// then kills and reaps what is left), and wait until /proc shows none of them.

import { existsSync } from 'node:fs';
import type { LabProc } from './labProcess.ts';
import type { Launch } from './launcher.ts';
import { listPids, readStat } from './procfs.ts';
import { drain } from './settle.ts';

/** How long stopping waits for every lab process to be gone. */
export const STOP_TIMEOUT_MS = 5000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function kill(pid: number, signal: NodeJS.Signals = 'SIGKILL'): void {
  try {
    process.kill(pid, signal);
  } catch {
    // already gone
  }
}

function groupsOf(launches: readonly Launch[]): Set<number> {
  return new Set(launches.map((l) => l.pgid).filter((g): g is number => g !== null));
}

/** SIGKILL every lab process group, synchronously (safe in a process 'exit' handler). */
export function killGroups(launches: readonly Launch[], procs: Iterable<LabProc>): void {
  for (const l of launches) {
    if (l.closed) continue; // everything it started is gone (and the ids may be reused)
    if (l.pgid !== null) kill(-l.pgid);
    // The reaper, on SIGTERM, kills its program's group too (even one it has not reported
    // yet), then reaps everything and exits.
    if (l.child.pid !== undefined && l.child.exitCode === null && l.child.signalCode === null) kill(l.child.pid, 'SIGTERM');
  }
  // A pid the kernel has reaped may already belong to someone else: kill only what is still in one of our groups.
  const groups = groupsOf(launches);
  for (const p of procs) {
    if (p.life === 'gone') continue;
    const stat = readStat(p.pid);
    if (stat && groups.has(stat.pgrp)) kill(p.pid);
  }
}

/** Lab processes still in /proc (zombies too), and reapers whose pipes are still open. */
function remaining(launches: readonly Launch[], procs: Iterable<LabProc>): Map<number, string> {
  const left = new Map<number, string>();
  for (const p of procs) if (existsSync(`/proc/${p.pid}`)) left.set(p.pid, `${p.role} (pid ${p.pid})`);
  for (const l of launches) if (!l.closed) left.set(l.child.pid ?? -1, `the reaper of ${l.role} (pid ${l.child.pid})`);
  return left;
}

/**
 * Kill everything the run started and wait until it is gone, escalating to the reapers
 * themselves halfway; returns what is still there after STOP_TIMEOUT_MS (nothing, normally).
 */
export async function killAndWait(launches: readonly Launch[], procs: () => Iterable<LabProc>): Promise<Map<number, string>> {
  killGroups(launches, procs());
  const started = performance.now();
  let escalated = false;
  let left = remaining(launches, procs());
  for (let i = 0; left.size > 0; i++) {
    await drain();
    if (i % 10 === 9) killGroups(launches, procs());
    left = remaining(launches, procs());
    if (left.size === 0) break;
    const elapsed = performance.now() - started;
    if (!escalated && elapsed > STOP_TIMEOUT_MS / 2) {
      escalated = true; // the reapers should have ended by now; end them too
      for (const l of launches) if (!l.closed && l.child.pid) kill(l.child.pid);
    }
    if (elapsed > STOP_TIMEOUT_MS) break;
    await sleep(i < 20 ? 1 : 10);
  }
  // Lines still buffered (exit reports) have been read once the pipes closed.
  await drain();
  // Anything still in one of our process groups?
  const groups = groupsOf(launches);
  for (const pid of listPids()) {
    const stat = readStat(pid);
    if (stat && groups.has(stat.pgrp) && !left.has(pid)) left.set(pid, `pid ${pid} of process group ${stat.pgrp}`);
  }
  return left;
}

/** A run as stopping it needs it. */
interface StoppableRun {
  killGroups(): void;
  stop(reason: 'stopped'): Promise<void>;
}

const activeRuns = new Set<StoppableRun>();
let exitHookInstalled = false;

/** A run has started: if the runner's process ends first, its process groups are killed. */
export function trackRun(run: StoppableRun): void {
  activeRuns.add(run);
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // The reapers, left alive, reap what remains (and die themselves through PR_SET_PDEATHSIG).
  process.on('exit', () => {
    for (const r of activeRuns) r.killGroups();
  });
}

export function untrackRun(run: StoppableRun): void {
  activeRuns.delete(run);
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
