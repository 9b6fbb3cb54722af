// How a process's state reads in every panel: "stopped before accept()", "blocked in accept()" …
// and what the kernel itself says the process is doing ("kernel: in poll(2)").

import type { ModelProcess, ProcessStatus } from '../../model/types.ts';
import { kernelCallText } from '../../trace/syscalls.ts';
import type { KernelProcess } from '../../trace/types.ts';

export function processStatusText(p: Pick<ModelProcess, 'status' | 'pendingCall' | 'interrupted'>): string {
  const base = statusText(p);
  const under = p.interrupted?.map((c) => `${c.fn}()`).join(', ');
  return under ? `${base}, in a signal handler (${under} interrupted)` : base;
}

function statusText(p: Pick<ModelProcess, 'status' | 'pendingCall'>): string {
  switch (p.status) {
    case 'at-gate':
      return p.pendingCall ? `stopped before ${p.pendingCall.fn}()` : 'stopped';
    case 'blocked':
      // accept's first half: the lab sleeps in poll() until a connection is queued (Figure 4.14).
      if (p.pendingCall?.waitsIn) return `in ${p.pendingCall.waitsIn}(), the lab’s pause before ${p.pendingCall.fn}()`;
      return p.pendingCall ? `blocked in ${p.pendingCall.fn}()` : 'blocked';
    case 'running':
      return 'running';
    case 'zombie':
      return 'zombie';
    case 'exited':
      return 'exited';
  }
}

/** The same, short enough for one line of the process table: "before accept()", "blocked in read()". */
export function processStatusShort(p: Pick<ModelProcess, 'status' | 'pendingCall' | 'interrupted'>): string {
  const base =
    p.status === 'at-gate'
      ? p.pendingCall
        ? `before ${p.pendingCall.fn}()`
        : 'stopped'
      : p.status === 'blocked' && p.pendingCall?.waitsIn
        ? `${p.pendingCall.waitsIn}() before ${p.pendingCall.fn}()`
        : statusText(p);
  return p.interrupted?.length ? `handler: ${base}` : base;
}

/** One short line on what the status means, for a tooltip or a caption. */
export function processStatusHint(status: ProcessStatus): string {
  switch (status) {
    case 'at-gate':
      return 'held by forkscope at a gate, before the call';
    case 'blocked':
      return 'asleep in the kernel until the call can complete';
    case 'running':
      return 'on the CPU or ready to run';
    case 'zombie':
      return 'exited; its parent has not collected its status with wait()';
    case 'exited':
      return 'exited and reaped';
  }
}

/**
 * What the kernel says the process is doing, when the snapshot says (trace 1.1): "kernel: in
 * accept(2)", "kernel: at the lab's gate"; null for a zombie, or when the kernel did not say.
 */
export function kernelCallLine(k: Pick<KernelProcess, 'state' | 'syscall' | 'wchan'> | undefined): string | null {
  if (!k || k.syscall === undefined || k.state === 'Z') return null;
  return `kernel: ${kernelCallText(k.syscall)}`;
}

/** What the kernel's one-letter /proc state means. */
export function kernelStateText(letter: string): string {
  switch (letter) {
    case 'R':
      return 'R running';
    case 'S':
      return 'S sleeping';
    case 'D':
      return 'D disk sleep';
    case 'T':
      return 'T stopped';
    case 't':
      return 't traced';
    case 'Z':
      return 'Z zombie';
    case 'X':
      return 'X dead';
    default:
      return letter;
  }
}
