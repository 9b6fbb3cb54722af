// The kernel observer's view of processes: /proc/<pid>/stat, children, and descriptors.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { constants } from 'node:os';
import { syscallName } from './syscallNames.ts';

export interface ProcStat {
  pid: number;
  /** One letter: R, S, D, T, t, Z … */
  state: string;
  ppid: number;
  pgrp: number;
  /** The wait status (as waitpid reports it) once the process has exited; 0 before. */
  exitCode: number;
}

/** /proc/<pid>/stat, or null when the process is gone (reaped). */
export function readStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  // "pid (comm) S ppid pgrp …": comm may hold spaces and parentheses, so split after the last ')'.
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, state: f[0] ?? '?', ppid: Number(f[1]), pgrp: Number(f[2]), exitCode: Number(f[49] ?? 0) };
}

let childrenFileWorks: boolean | null = null;

/** Children of a (single-threaded) process. Uses /proc/<pid>/task/<pid>/children when the kernel has it. */
export function readChildren(pid: number): number[] {
  if (childrenFileWorks !== false) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1');
      childrenFileWorks = true;
      return text.split(' ').filter(Boolean).map(Number);
    } catch {
      if (childrenFileWorks === true || readStat(pid) === null) return []; // the process is gone
      childrenFileWorks = false; // a kernel without CONFIG_PROC_CHILDREN: scan /proc instead
    }
  }
  return listPids().filter((p) => readStat(p)?.ppid === pid);
}

export function listPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** Descriptors 3 and up that name a socket, with the socket's inode. (0–2 are the runner's pipes.) */
export function socketFds(pid: number): { fd: number; inode: number }[] {
  let names: string[];
  try {
    names = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return [];
  }
  const out: { fd: number; inode: number }[] = [];
  for (const name of names) {
    const fd = Number(name);
    if (!(fd >= 3)) continue;
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${name}`));
      if (m) out.push({ fd, inode: Number(m[1]) });
    } catch {
      // closed while we looked
    }
  }
  return out.sort((a, b) => a.fd - b.fd);
}

/** The inodes of every socket these processes hold on descriptors 3 and up. */
export function socketInodes(pids: Iterable<number>): Set<number> {
  const inodes = new Set<number>();
  for (const pid of pids) for (const { inode } of socketFds(pid)) inodes.add(inode);
  return inodes;
}

/** Every descriptor of a process (for checks that nothing leaked into it). */
export function openFds(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b);
  } catch {
    return [];
  }
}

const SIGNAL_NAMES = new Map<number, string>(Object.entries(constants.signals).map(([name, num]) => [num, name]));

export function signalName(sig: number): string {
  return SIGNAL_NAMES.get(sig) ?? `SIG${sig}`;
}

/** A waitpid status: exit status, or the killing signal's name. */
export function decodeWaitStatus(code: number): { status: number | null; signal: string | null } {
  const sig = code & 0x7f;
  return sig === 0 ? { status: (code >> 8) & 0xff, signal: null } : { status: null, signal: signalName(sig) };
}

/** What the kernel says a process is doing: the system call it is in, and where it sleeps. */
export interface KernelWait {
  /** The call's name (syscallNames.ts), or null when it is in no system call (running in user space). */
  syscall: string | null;
  /** The kernel function it sleeps in ('inet_csk_accept' …), without the compiler's .isra/.constprop suffixes; null when it does not sleep. */
  wchan: string | null;
}

/**
 * /proc/<pid>/syscall and /proc/<pid>/wchan, or null when the kernel would not say (the process
 * is gone, or reading another process's syscall needs a permission we lack).
 */
export function readKernelWait(pid: number): KernelWait | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/syscall`, 'latin1').trim();
  } catch {
    return null;
  }
  // "running", "-1 sp pc" (blocked outside a system call), or "nr arg1 … arg6 sp pc".
  const nr = text === 'running' ? -1 : Number(text.split(' ')[0]);
  const syscall = Number.isInteger(nr) && nr >= 0 ? syscallName(nr) : null;
  let wchan: string | null = null;
  try {
    const w = readFileSync(`/proc/${pid}/wchan`, 'latin1').trim();
    if (w !== '' && w !== '0') wchan = w.replace(/(\.(isra|constprop|part|cold)\.\d+)+$/, '');
  } catch {
    // gone in the meantime: the syscall says enough
  }
  return { syscall, wchan };
}
