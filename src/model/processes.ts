// Processes in the system model: creation, fork (the descriptor table copied, every shared
// count raised), exit (every descriptor closed), zombies and reaping, re-parenting. Each process
// is driven by its machine (process.ts), whose actions are performed here; where it is among its
// calls is the call fold's answer (src/trace/callFold.ts).

import { childRole } from '../trace/roles.ts';
import type { ReturnEvent } from '../trace/types.ts';
import { CALLS_START, foldCall, type CallLifeEvent } from '../trace/callFold.ts';
import type { ProcState } from './state.ts';
import type { Draft } from './draft.ts';
import { dropFd, releaseSocket, shareFile } from './network.ts';
import { callsEvent, isAlive, processInitial, processTransition, type ProcessEvent } from './process.ts';

export function isLive(p: ProcState | undefined): p is ProcState {
  return p !== undefined && isAlive(p.life);
}

export function newProcess(d: Draft, fields: Pick<ProcState, 'pid' | 'ppid' | 'role' | 'program'> & Partial<ProcState>): ProcState {
  const p: ProcState = {
    life: processInitial(),
    calls: CALLS_START,
    fds: {},
    exitStatus: null,
    exitSignal: null,
    goneStep: null,
    sigchld: 'default',
    sigchldRestart: false,
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
    // The child runs on from the parent's fork: its source line is the parent's.
    calls: { ...CALLS_START, last: parent.calls.last },
    // fork copies signal dispositions and resource limits; the child has the same subreaper.
    sigchld: parent.sigchld,
    sigchldRestart: parent.sigchldRestart,
    fdLimit: parent.fdLimit,
    reaper: parent.reaper,
    fds: { ...parent.fds },
  });
  // Every open file the parent holds gains the child's copies of its descriptors: its reference
  // count rises by one per descriptor (Figure 4.16).
  const copies = new Map<string, number[]>();
  for (const [fdText, fileId] of Object.entries(parent.fds)) {
    const fds = copies.get(fileId);
    if (fds) fds.push(Number(fdText));
    else copies.set(fileId, [Number(fdText)]);
  }
  for (const [fileId, fds] of copies) shareFile(d, fileId, { type: 'FORK', holders: fds.length }, fds.map((fd) => ({ pid: childPid, fd })));
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

/** Drive process `pid`'s machine (process.ts) and perform the actions it returns. */
export function moveProcess(d: Draft, pid: number, event: ProcessEvent): void {
  const p = d.getProc(pid);
  if (!p) return;
  const result = processTransition(p.life, event);
  if (!result.handled) return;
  if (result.life !== p.life) d.proc(pid).life = result.life;
  for (const action of result.actions) {
    switch (action) {
      case 'closeDescriptors':
        closeDescriptors(d, pid);
        break;
      case 'orphanChildren':
        for (const c of d.allProcs()) if (c.ppid === pid && c.pid !== pid) moveProcess(d, c.pid, { type: 'PARENT_EXITED' });
        break;
      case 'adoptBySubreaper':
        d.proc(pid).ppid = p.reaper;
        break;
      case 'leave':
        d.proc(pid).goneStep = d.step;
        break;
    }
  }
}

/**
 * Fold one event of process `pid` into its calls (src/trace/callFold.ts), and tell its machine
 * where that leaves it. Nothing is copied when the fold changes nothing.
 */
export function foldCalls(d: Draft, pid: number, event: CallLifeEvent): void {
  const p = d.getProc(pid);
  if (!p) return;
  const calls = foldCall(p.calls, event);
  if (calls === p.calls) return;
  d.proc(pid).calls = calls;
  if (calls.place !== 'exited') moveProcess(d, pid, callsEvent(calls.place, calls.interrupted.length > 0));
}

/** How a process ended, as its exit event or its parent's waitpid says. */
function recordEnd(d: Draft, pid: number, status: number | null, signal: string | null): void {
  foldCalls(d, pid, { kind: 'exit' });
  const q = d.proc(pid);
  q.pendingSignal = null;
  q.exitStatus = status;
  q.exitSignal = signal;
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
  if (isLive(c)) recordEnd(d, childPid, status, signal);
  moveProcess(d, childPid, { type: 'REAP' });
}

/**
 * A process ends: every descriptor closes, it stays a zombie while a live parent has not set
 * SIGCHLD to SIG_IGN, else it is gone at once (the machine's EXIT). Its zombies are reaped by
 * the subreaper that inherits them; its live children get that subreaper as parent.
 */
export function endProcess(d: Draft, pid: number, status: number | null, signal: string | null): void {
  const parent = d.getProc(d.getProc(pid)!.ppid);
  recordEnd(d, pid, status, signal);
  moveProcess(d, pid, { type: 'EXIT', parent: isLive(parent) ? parent.sigchld : null });
}

/**
 * Exit closes every descriptor. The order of the closes is the kernel's: exit closes descriptors
 * in fd order (close_files), but a file's last reference defers its release to task work, which
 * runs last-in first-out, so the sockets whose last reference went are released (send their FIN
 * or RST) in descending fd order. Captured on Linux 6.18: a process exiting with connections at
 * fds 20–23 sends FINs from 23, 22, 21, 20; parent-keeps-connfd's server, exiting on EMFILE,
 * sends the FIN of its leaked connfd (fd 4) before the listener (fd 3) resets the connection
 * queued on it.
 */
function closeDescriptors(d: Draft, pid: number): void {
  const fds = Object.keys(d.getProc(pid)!.fds)
    .map(Number)
    .sort((a, b) => a - b);
  const released = fds.map((fd) => dropFd(d, pid, fd)).filter((ep): ep is string => ep !== null);
  for (const ep of released.reverse()) releaseSocket(d, ep);
}

// ───────────────────────── events ─────────────────────────
