// Processes in the system model: creation, fork (the descriptor table copied, every shared
// count raised), exit (every descriptor closed), zombies and reaping, re-parenting.

import { childRole } from '../trace/roles.ts';
import type { ReturnEvent } from '../trace/types.ts';
import type { ProcState } from './state.ts';
import type { Draft } from './draft.ts';
import { dropFd, releaseSocket } from './network.ts';

export function isLive(p: ProcState | undefined): p is ProcState {
  return p !== undefined && p.status !== 'zombie' && p.status !== 'exited';
}

export function newProcess(d: Draft, fields: Pick<ProcState, 'pid' | 'ppid' | 'role' | 'program'> & Partial<ProcState>): ProcState {
  const p: ProcState = {
    status: 'running',
    pendingCall: null,
    callArgs: {},
    line: null,
    file: null,
    fds: {},
    exitStatus: null,
    exitSignal: null,
    goneStep: null,
    sigchld: 'default',
    sigchldRestart: false,
    interrupted: [],
    lastResult: null,
    fdLimit: null,
    pendingSignal: null,
    reaper: fields.ppid,
    forks: 0,
    order: d.ctx.nextProcessOrder,
    ...fields,
  };
  d.ctx.nextProcessOrder = d.ctx.nextProcessOrder + 1;
  d.putProc(p);
  return p;
}

/** The process of an event; one the model has not seen (its fork was not traced) is created, with a note. */
export function ensureProc(d: Draft, pid: number, role: string): ProcState {
  const existing = d.getProc(pid);
  if (existing) return d.proc(pid);
  d.note(`pid ${pid} (${role}) appears without spawn or fork`);
  const program = role.startsWith('client') ? 'client' : 'server';
  return newProcess(d, { pid, ppid: 0, role, program });
}


export function forkChild(d: Draft, parentPid: number, childPid: number, role: string | null): void {
  if (d.getProc(childPid) && isLive(d.getProc(childPid))) return; // the other half of fork came first
  const parent = d.getProc(parentPid);
  if (!parent) {
    d.note(`fork: parent pid ${parentPid} is unknown`);
    newProcess(d, { pid: childPid, ppid: parentPid, role: role ?? `child of ${parentPid}`, program: 'server' });
    return;
  }
  const n = parent.forks + 1;
  d.proc(parentPid).forks = n;
  newProcess(d, {
    pid: childPid,
    ppid: parentPid,
    role: role ?? childRole(n),
    program: parent.program,
    line: parent.line,
    file: parent.file,
    // fork copies signal dispositions and resource limits; the child has the same subreaper.
    sigchld: parent.sigchld,
    sigchldRestart: parent.sigchldRestart,
    fdLimit: parent.fdLimit,
    reaper: parent.reaper,
    fds: { ...parent.fds },
  });
  // Every open file the parent holds gains a holder: its reference count rises (Figure 4.16).
  for (const [fdText, fileId] of Object.entries(parent.fds)) {
    const file = d.getFile(fileId);
    if (file) d.putFile({ ...file, holders: [...file.holders, { pid: childPid, fd: Number(fdText) }] });
  }
}

/** fork returned 0 in the child: if the child is new to the model, it starts as a copy of its parent. */
export function forkedChildFirst(d: Draft, ev: ReturnEvent): void {
  if (isLive(d.getProc(ev.pid))) return; // the parent's half came first
  if (ev.ppid === undefined) {
    d.note(`fork returned 0 in pid ${ev.pid} without "ppid": its descriptors are unknown`);
    return;
  }
  forkChild(d, ev.ppid, ev.pid, ev.role);
}

export function markGone(d: Draft, pid: number): void {
  const p = d.proc(pid);
  p.status = 'exited';
  p.pendingCall = null;
  p.goneStep = d.step;
}

/**
 * waitpid in `parentPid` returned `childPid`: that child has exited and is reaped now. If its exit
 * event has not come yet (the runner noticed the exit after the parent reaped it), waitpid's
 * return is the proof that it exited: its descriptors close now.
 */
export function reapChild(d: Draft, parentPid: number, childPid: number, status: number | null, signal: string | null): void {
  const c = d.getProc(childPid);
  if (!c) {
    d.note(`waitpid returned pid ${childPid}, a process the model does not know`);
    return;
  }
  if (c.ppid !== parentPid) d.note(`waitpid in pid ${parentPid} returned pid ${childPid}, which is not its child`);
  if (isLive(c)) endProcess(d, childPid, status, signal);
  if (d.getProc(childPid)!.status === 'zombie') markGone(d, childPid);
}

/**
 * A process ends: every descriptor closes, it stays a zombie while a live parent has not set
 * SIGCHLD to SIG_IGN, else it is gone at once. Its zombies are reaped by the subreaper that
 * inherits them; its live children get that subreaper as parent.
 *
 * The order of the closes is the kernel's: exit closes descriptors in fd order (close_files), but
 * a file's last reference defers its release to task work, which runs last-in first-out, so the
 * sockets whose last reference went are released (send their FIN or RST) in descending fd order.
 * Captured on Linux 6.18: a process exiting with connections at fds 20–23 sends FINs from 23,
 * 22, 21, 20; parent-keeps-connfd's server, exiting on EMFILE, sends the FIN of its leaked
 * connfd (fd 4) before the listener (fd 3) resets the connection queued on it.
 */
export function endProcess(d: Draft, pid: number, status: number | null, signal: string | null): void {
  const p = d.getProc(pid)!;
  const fds = Object.keys(p.fds)
    .map(Number)
    .sort((a, b) => a - b);
  const released = fds.map((fd) => dropFd(d, pid, fd)).filter((ep): ep is string => ep !== null);
  for (const ep of released.reverse()) releaseSocket(d, ep);
  const q = d.proc(pid);
  q.pendingCall = null;
  q.interrupted = [];
  q.pendingSignal = null;
  q.exitStatus = status;
  q.exitSignal = signal;
  const parent = d.getProc(q.ppid);
  if (isLive(parent) && parent.sigchld !== 'ignore') q.status = 'zombie';
  else markGone(d, pid);
  for (const c of d.allProcs()) {
    if (c.ppid !== pid || c.pid === pid) continue;
    if (c.status === 'zombie') markGone(d, c.pid);
    else if (c.status !== 'exited') d.proc(c.pid).ppid = c.reaper;
  }
}

// ───────────────────────── events ─────────────────────────
