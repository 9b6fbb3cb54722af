// The kernel snapshot of one settled step: every lab process as /proc shows it (state, parent,
// the system call it is in and where it sleeps), and every socket of the run with the
// descriptors that name it. What the runner's events say is used only to name the call a
// process is at (`blockedIn`), and, where the kernel will not say, where it is.

import { GATE_SYSCALL } from '../../trace/syscalls.ts';
import type { KernelProcess, KernelSocket, SocketHolder } from '../../trace/types.ts';
import { placeByEvents, type LabProc } from './labProcess.ts';
import type { KernelWait, ProcStat } from './procfs.ts';
import type { ObservedSocket } from './sockets.ts';

/** What the snapshot reads from /proc (injected, so that tests need no kernel). */
export interface ProcReaders {
  readStat(pid: number): ProcStat | null;
  readKernelWait(pid: number): KernelWait | null;
  socketFds(pid: number): { fd: number; inode: number }[];
}

/** The processes of the snapshot, and which (pid, fd) name each socket inode. */
export function kernelProcesses(live: readonly LabProc[], read: ProcReaders): { processes: KernelProcess[]; holders: Map<number, SocketHolder[]> } {
  const processes: KernelProcess[] = [];
  const holders = new Map<number, SocketHolder[]>();
  for (const p of live) {
    const stat = read.readStat(p.pid);
    if (!stat) continue;
    const zombie = stat.state === 'Z';
    // Where it is, as the kernel says: the gate's rt_sigtimedwait, another call, or none.
    const wait = zombie ? null : read.readKernelWait(p.pid);
    const place: KernelProcess['place'] = zombie
      ? 'zombie'
      : wait
        ? wait.syscall === GATE_SYSCALL
          ? 'gate'
          : wait.syscall !== null
            ? 'kernel'
            : 'running'
        : placeByEvents(p, stat.state);
    processes.push({
      pid: p.pid,
      ppid: stat.ppid,
      role: p.role,
      state: stat.state,
      place,
      blockedIn: place === 'gate' || place === 'kernel' ? (p.calls.pending?.fn ?? null) : null,
      ...(zombie ? { syscall: null, wchan: null } : wait ? { syscall: wait.syscall, wchan: wait.wchan } : {}),
    });
    if (zombie) continue;
    for (const { fd, inode } of read.socketFds(p.pid)) {
      const list = holders.get(inode) ?? [];
      list.push({ pid: p.pid, fd });
      holders.set(inode, list);
    }
  }
  return { processes, holders };
}

/**
 * The run's sockets (`ours`, chosen by ownership.ts) with their holders, and the sockets a lab
 * process holds that are in no TCP table yet (created, not yet bound, connected or listening).
 */
export function kernelSockets(ours: readonly ObservedSocket[], holders: ReadonlyMap<number, SocketHolder[]>): KernelSocket[] {
  const sockets: KernelSocket[] = ours.map(({ sent: _sent, received: _received, ...s }) => ({ ...s, holders: (s.inode !== 0 && holders.get(s.inode)) || [] }));
  const seen = new Set(ours.map((s) => s.inode));
  for (const [inode, list] of holders) {
    if (!seen.has(inode)) sockets.push({ inode, state: 'CLOSED', local: '0.0.0.0:0', remote: '0.0.0.0:0', holders: list });
  }
  return sockets;
}
