// System call numbers, as /proc/<pid>/syscall gives them, to names: the calls a lab process can
// be inside of (and a few more), for x86-64 and arm64 (arm64 uses the kernel's generic table).
// A number not listed reads 'syscall#N'.

const X86_64: Record<number, string> = {
  0: 'read', 1: 'write', 3: 'close', 7: 'poll', 13: 'rt_sigaction', 14: 'rt_sigprocmask', 19: 'readv',
  20: 'writev', 23: 'select', 32: 'dup', 33: 'dup2', 34: 'pause', 35: 'nanosleep', 41: 'socket',
  42: 'connect', 43: 'accept', 44: 'sendto', 45: 'recvfrom', 48: 'shutdown', 49: 'bind', 50: 'listen',
  51: 'getsockname', 52: 'getpeername', 54: 'setsockopt', 56: 'clone', 57: 'fork', 59: 'execve',
  60: 'exit', 61: 'wait4', 62: 'kill', 128: 'rt_sigtimedwait', 130: 'rt_sigsuspend', 160: 'setrlimit',
  202: 'futex', 230: 'clock_nanosleep', 231: 'exit_group', 232: 'epoll_wait', 247: 'waitid',
  257: 'openat', 270: 'pselect6', 271: 'ppoll', 281: 'epoll_pwait', 288: 'accept4', 292: 'dup3',
  302: 'prlimit64', 435: 'clone3',
};

const ARM64: Record<number, string> = {
  22: 'epoll_pwait', 23: 'dup', 24: 'dup3', 56: 'openat', 57: 'close', 63: 'read', 64: 'write',
  65: 'readv', 66: 'writev', 72: 'pselect6', 73: 'ppoll', 93: 'exit', 94: 'exit_group', 95: 'waitid',
  98: 'futex', 101: 'nanosleep', 115: 'clock_nanosleep', 129: 'kill', 133: 'rt_sigsuspend',
  134: 'rt_sigaction', 135: 'rt_sigprocmask', 137: 'rt_sigtimedwait', 164: 'setrlimit', 198: 'socket',
  200: 'bind', 201: 'listen', 202: 'accept', 203: 'connect', 204: 'getsockname', 205: 'getpeername',
  206: 'sendto', 207: 'recvfrom', 208: 'setsockopt', 210: 'shutdown', 220: 'clone', 221: 'execve',
  242: 'accept4', 260: 'wait4', 261: 'prlimit64', 435: 'clone3',
};

const TABLES: Record<string, Record<number, string>> = { x64: X86_64, arm64: ARM64 };

/** The name of system call `nr` on `arch` (Node's process.arch), or 'syscall#nr'. */
export function syscallName(nr: number, arch: string = process.arch): string {
  return TABLES[arch]?.[nr] ?? `syscall#${nr}`;
}
