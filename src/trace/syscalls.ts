// What the kernel shows while a lab process waits: the system call it sleeps in, by name, as a
// kernel snapshot's `syscall` gives it (/proc/<pid>/syscall). One home for which kernel calls
// stand for which call of the programs, for the runner, the model's check and the panels. Pure.

/** The lab's gate: sigwaitinfo(2), which the C library makes as rt_sigtimedwait. */
export const GATE_SYSCALL = 'rt_sigtimedwait';

/**
 * The system calls the kernel may show a process inside while it is in the program's call `fn`:
 * the C library makes some calls through others (accept through accept4 on some machines, pause
 * through ppoll on arm64, waitpid through wait4), and the lab waits in poll before accept when
 * the call event says `waitsIn: 'poll'`.
 */
export function kernelCallsFor(fn: string, waitsIn?: 'poll'): readonly string[] {
  if (waitsIn === 'poll') return ['poll', 'ppoll'];
  switch (fn) {
    case 'accept':
      return ['accept', 'accept4'];
    case 'read':
      return ['read', 'readv', 'recvfrom'];
    case 'write':
      return ['write', 'writev', 'sendto'];
    case 'pause':
      return ['pause', 'ppoll', 'rt_sigsuspend'];
    case 'waitpid':
      return ['wait4', 'waitid'];
    default:
      return [fn];
  }
}

/** "in accept(2)", "at the lab's gate", "in poll(2)", "running" — the kernel's answer, for people. */
export function kernelCallText(syscall: string | null): string {
  if (syscall === null) return 'running';
  if (syscall === GATE_SYSCALL) return 'at the lab’s gate';
  return `in ${syscall}(2)`;
}
