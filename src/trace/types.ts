// The trace is the contract between the lab, the model and the panels.
// One JSON object per line (JSON Lines): a header, then events with seq 0, 1, 2 …
// docs/trace-format.md is the prose version of this file; keep them together.

import type { Plan } from '../plan/types.ts';

export const TRACE_FORMAT = 'forkscope-trace';
export const TRACE_VERSION = 1;
/**
 * Additions within version 1, which a reader of an older minor version may ignore:
 * 1.1 adds the `release` event, a call's `waitsIn`, a kernel process's `syscall` and `wchan`,
 * and `signal` events `from: "lab"`. A header without `minor` is 1.0.
 * 1.2 adds predicted traces (the header's `predicted` and the `step` event), and the `drop`,
 * `lost` and `retransmit` events (a drop armed, the segment it lost, and the retransmission that
 * got through after it: docs/drops.md).
 */
export const TRACE_MINOR = 2;

/** RFC 9293 state names, spelled with underscores. The kernel's SYN_RECV is SYN_RECEIVED, FIN_WAIT1 is FIN_WAIT_1. */
export const TCP_STATES = [
  'CLOSED',
  'LISTEN',
  'SYN_SENT',
  'SYN_RECEIVED',
  'ESTABLISHED',
  'FIN_WAIT_1',
  'FIN_WAIT_2',
  'CLOSE_WAIT',
  'CLOSING',
  'LAST_ACK',
  'TIME_WAIT',
] as const;
export type TcpState = (typeof TCP_STATES)[number];

/** States that last only a round trip on loopback; snapshots rarely catch them, the model shows them. */
export const TRANSIENT_TCP_STATES: readonly TcpState[] = ['SYN_SENT', 'SYN_RECEIVED', 'FIN_WAIT_1', 'CLOSING', 'LAST_ACK'];

/** 'parent', 'child#1', 'client#1' … */
export type Role = string;
export type Program = 'server' | 'client';

/** A value of the header's knobs. (A call's arguments are typed per call: CallArgs.) */
export type Scalar = string | number | boolean | null;

export interface TraceHeader {
  kind: 'header';
  format: typeof TRACE_FORMAT;
  version: typeof TRACE_VERSION;
  /** The minor version (TRACE_MINOR) the trace was written with; absent in 1.0 traces. */
  minor?: number;
  scenario: {
    id: string;
    title: string;
    /** The server's port for this run. */
    port: number;
    /** The server program's knobs, as the runner passed them. */
    knobs: Record<string, Scalar>;
  };
  platform: { os: string; release: string };
  recordedAt: string;
  /** Unit of every event's `t`: nanoseconds of a monotonic clock, origin arbitrary. */
  clock: 'monotonic-ns';
  /**
   * Since 1.1: which sockets the kernel snapshots list. 'owned': the sockets a lab process holds,
   * and the ends of the run's connections that no descriptor names, by full 4-tuple (never a
   * socket for its port number alone). Absent: selected by port number (traces before 1.1).
   */
  sockets?: 'owned';
  /**
   * Since 1.1: the network namespace the lab ran in. 'host': the machine's own, shared with every
   * other program (which is why `sockets` matters).
   */
  network?: 'host';
  /** Since 1.1: whether the run's segments were captured on lo (`packet` events); absent in older traces: not captured. */
  capture?: CaptureStatus;
  /**
   * Since the sandbox (issue 8): the plan a run ran (scenario.id is then 'plan'), as parsePlan
   * (src/plan/parse.ts) accepts it; absent for a scenario's run.
   */
  plan?: Plan;
  /**
   * Since 1.2: the model alone wrote this trace (src/plan/predict.ts), no kernel ran it: its steps
   * end with `step` events instead of `kernel` snapshots, and it has no packets.
   */
  predicted?: true;
}

/** Captured: every step's segments are in the trace. Not captured: why (not permitted, turned off …). */
export type CaptureStatus = { packets: true } | { packets: false; reason: string };

/** TCP header flags, in the order of their bits. */
export const PACKET_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'] as const;
export type PacketFlag = (typeof PACKET_FLAGS)[number];

interface EventBase {
  seq: number;
  t: number;
}

/** The runner started a lab program. It stops at its first gate. */
export interface SpawnEvent extends EventBase {
  kind: 'spawn';
  pid: number;
  ppid: number;
  role: Role;
  program: Program;
  argv: string[];
}

// ───────── Calls: the lab's system calls, their arguments and their returns ─────────
// Exactly what the lab's wrappers write (src/lab/wrapsock.c, wrapunix.c, signal.c): one `ev_key_*`
// after `ev_call` is one argument, one after `ev_return` one extra field of the return. A name
// the lab cannot give a value is spelled as it writes it ('AF_?', 'SO_?', '?' …). The table of
// docs/trace-format.md says the same; parse.ts checks every call and return against it.

/** socket's `domain`. */
export const SOCKET_DOMAINS = ['AF_INET', 'AF_INET6', 'AF_UNIX', 'AF_?'] as const;
export type SocketDomain = (typeof SOCKET_DOMAINS)[number];
/** socket's `type`. */
export const SOCKET_TYPES = ['SOCK_STREAM', 'SOCK_DGRAM', 'SOCK_?'] as const;
export type SocketType = (typeof SOCKET_TYPES)[number];
/** setsockopt's `level`: '?' for a level other than SOL_SOCKET. */
export const SOCKOPT_LEVELS = ['SOL_SOCKET', '?'] as const;
export type SockoptLevel = (typeof SOCKOPT_LEVELS)[number];
/** The SOL_SOCKET options whose value is an int, shown as `value`. */
export const INT_SOCKOPTS = ['SO_REUSEADDR', 'SO_KEEPALIVE', 'SO_RCVBUF', 'SO_SNDBUF'] as const;
export type IntSockopt = (typeof INT_SOCKOPTS)[number];
/** setsockopt's `optname`: 'SO_?' for a SOL_SOCKET option the lab does not name, '?' for another level's. */
export const SOCKOPT_NAMES = ['SO_LINGER', ...INT_SOCKOPTS, 'SO_?', '?'] as const;
export type SockoptName = (typeof SOCKOPT_NAMES)[number];
/** shutdown's `how`. */
export const SHUTDOWN_HOWS = ['SHUT_RD', 'SHUT_WR', 'SHUT_RDWR', '?'] as const;
export type ShutdownHow = (typeof SHUTDOWN_HOWS)[number];
/** waitpid's `options`: "0" for none. */
export const WAITPID_OPTIONS = ['WNOHANG', '0', '?'] as const;
export type WaitpidOptions = (typeof WAITPID_OPTIONS)[number];
/** sigaction's `flags` (Stevens' Signal sets SA_RESTART, Signal_intr does not): "0" for none. */
export const SIGACTION_FLAGS = ['SA_RESTART', '0'] as const;
export type SigactionFlags = (typeof SIGACTION_FLAGS)[number];
/** setrlimit's `resource`. */
export const RLIMIT_RESOURCES = ['RLIMIT_NOFILE', 'RLIMIT_NPROC', 'RLIMIT_?'] as const;
export type RlimitResource = (typeof RLIMIT_RESOURCES)[number];

/** A call without arguments: `"args":{}`. */
export type NoArgs = Record<string, never>;

/**
 * setsockopt's arguments: the option's value as its fields — `l_onoff` and `l_linger` for
 * SO_LINGER, `value` for an int option, `value` only when it is an int for an option the lab
 * does not name.
 */
export type SetsockoptArgs =
  | { fd: number; level: 'SOL_SOCKET'; optname: 'SO_LINGER'; l_onoff: number; l_linger: number }
  | { fd: number; level: 'SOL_SOCKET'; optname: IntSockopt; value: number }
  | { fd: number; level: 'SOL_SOCKET'; optname: 'SO_?'; value?: number }
  | { fd: number; level: '?'; optname: '?'; value?: number };

/**
 * Every call the lab makes, with its arguments (a call event's `args`), by name. Descriptors are
 * `fd`, addresses "a.b.c.d:port" ("[v6]:port"; "0.0.0.0:0" when unbound), signals by name ("SIGCHLD").
 */
export interface CallArgs {
  socket: { domain: SocketDomain; type: SocketType; protocol: number };
  bind: { fd: number; addr: string };
  listen: { fd: number; backlog: number };
  /** A `ready` event comes between call and return when the call event says `waitsIn: 'poll'`. */
  accept: { fd: number };
  connect: { fd: number; addr: string };
  setsockopt: SetsockoptArgs;
  shutdown: { fd: number; how: ShutdownHow };
  fork: NoArgs;
  close: { fd: number };
  /** `count`: the buffer's size (at most this many bytes are read). */
  read: { fd: number; count: number };
  /** All `count` bytes are written (Stevens' Writen). `data` shows at most their start; `truncated: true` when it was cut. */
  write: { fd: number; count: number; data: string; truncated?: true };
  /** `handler`: 'SIG_DFL', 'SIG_IGN', or the handler function's name ('sig_chld'). */
  sigaction: { sig: string; handler: string; flags: SigactionFlags };
  /** `pid` as passed: -1 for any child. */
  waitpid: { pid: number; options: WaitpidOptions };
  /** `soft` and `hard`: rlim_cur and rlim_max; -1 is RLIM_INFINITY. */
  setrlimit: { resource: RlimitResource; soft: number; hard: number };
  /** Returns only when a signal handler has run: -1, EINTR. */
  pause: NoArgs;
  /** Never returns: the process's `exit` event follows. */
  exit: { status: number };
}

export type CallName = keyof CallArgs;
/** The calls that return (every one but exit). */
export type ReturningCall = Exclude<CallName, 'exit'>;

/** Every call name, in the order of the table in docs/trace-format.md. */
export const CALL_NAMES = [
  'socket',
  'bind',
  'listen',
  'accept',
  'connect',
  'setsockopt',
  'shutdown',
  'fork',
  'close',
  'read',
  'write',
  'sigaction',
  'waitpid',
  'setrlimit',
  'pause',
  'exit',
] as const satisfies readonly CallName[];
/** Checked when compiling: CALL_NAMES lists every call (a missing one is named in the error). */
type UnlistedCall = Exclude<CallName, (typeof CALL_NAMES)[number]>;
const everyCallListed: [UnlistedCall] extends [never] ? true : UnlistedCall = true;
void everyCallListed;

/**
 * The extra fields of each call's return event, beyond `ret` and `errno`: exactly when the lab
 * writes them.
 */
export interface ReturnFields {
  socket: {};
  bind: {};
  listen: {};
  /** On success (ret ≥ 0): the new connection's two ends, as getsockname and getpeername give them. */
  accept: { local?: string; peer?: string };
  /**
   * The local end the kernel chose (getsockname): on success (ret 0); on failure too, since 1.2,
   * when the kernel had given the socket a port — a refused connect's SYN went from it (Linux
   * then reports the address as 0.0.0.0: "0.0.0.0:46336").
   */
  connect: { local?: string };
  setsockopt: {};
  shutdown: {};
  /** In the child (ret 0), and only there: its parent's pid. */
  fork: { ppid?: number };
  close: {};
  /** On success (ret ≥ 0), always: the start of the bytes read ("" at EOF); `truncated: true` when cut. */
  read: { data?: string; truncated?: true };
  write: {};
  sigaction: {};
  /**
   * When it reaped a child (ret > 0), always: `status`, the child's exit status, or null when a
   * signal killed it — then `signal` names the signal.
   */
  waitpid: { status?: number | null; signal?: string };
  setrlimit: {};
  pause: {};
}

interface CallEventOf<F extends CallName> extends EventBase {
  kind: 'call';
  pid: number;
  role: Role;
  fn: F;
  args: CallArgs[F];
  file: string;
  line: number;
  /**
   * Set when the lab does not make the call at once but first waits for it to be able to
   * complete (since 1.1): 'poll' — accept's first half sleeps in poll(2) until a connection is
   * queued; a `ready` event and a gate follow, then the real accept(2), which returns at once.
   */
  waitsIn?: 'poll';
}

/** A process is about to make system call `fn` (and, when stepping, waits at a gate before it). One member per call. */
export type CallEvent<F extends CallName = CallName> = F extends CallName ? CallEventOf<F> : never;

/**
 * The runner opened the gate of a process (since 1.1): the process goes on into its pending call
 * (`fn`, the call of its last `call` or `ready` event). Until it returns, the process is inside
 * that call, asleep in the kernel or about to return.
 */
export interface ReleaseEvent extends EventBase {
  kind: 'release';
  pid: number;
  role: Role;
  fn: CallName;
}

/**
 * A process blocked in the kernel was woken: the call can now complete, and the process
 * waits at a gate before completing it. Used by accept, so that a connection can be seen
 * waiting in the accept queue (Figure 4.14) before accept takes it.
 */
export interface ReadyEvent extends EventBase {
  kind: 'ready';
  pid: number;
  role: Role;
  fn: 'accept';
  fd: number;
}

/** Every extra field any return has: a return of one call has the others' as `undefined`. */
type AnyReturnFields = { local?: string; peer?: string; data?: string; truncated?: true; ppid?: number; status?: number | null; signal?: string };

type ReturnEventOf<F extends ReturningCall> = EventBase & {
  kind: 'return';
  pid: number;
  role: Role;
  fn: F;
  ret: number;
  /** errno name such as 'EINTR' (ret is then -1), or null on success. */
  errno: string | null;
} & ReturnFields[F] & { [K in Exclude<keyof AnyReturnFields, keyof ReturnFields[F]>]?: undefined };

/**
 * A system call returned. Its extra fields depend on fn (ReturnFields): accept has local and peer,
 * connect has local, read has data, fork in the child has ppid, waitpid (ret > 0) has the reaped
 * child's status. One member per call that returns.
 */
export type ReturnEvent<F extends ReturningCall = ReturningCall> = F extends ReturningCall ? ReturnEventOf<F> : never;

/** A process ended. status is the exit status (null when killed); signal names the killing signal. */
export interface ExitEvent extends EventBase {
  kind: 'exit';
  pid: number;
  role: Role;
  status: number | null;
  signal: string | null;
}

/**
 * A signal sent to a lab process by someone other than its program.
 * `from: 'runner'`: the runner sent it (a schedule entry `kill`); the process's `exit` event, with
 * the signal's name, follows when it has died.
 * `from: 'lab'` (since 1.1): the lab's own safety net. A server child's parent died, so the
 * kernel sent it the parent-death signal the lab set up (PR_SET_PDEATHSIG, SIGUSR2); the lab's
 * handler checked that forkscope's session is still there and returned. A call it interrupted
 * is restarted (SA_RESTART): nothing changes for the program.
 */
export interface SignalEvent extends EventBase {
  kind: 'signal';
  pid: number;
  role: Role;
  signal: string;
  from: 'runner' | 'lab';
}

/**
 * The kinds of segment a drop loses (src/plan/types.ts DROP_SEGMENTS): 'SYN-ACK'; 'ACK', a segment
 * that carries only an acknowledgment (no SYN, FIN, RST, no payload); 'FIN'; 'data', a payload.
 */
export type DroppedSegment = 'SYN-ACK' | 'ACK' | 'FIN' | 'data';

/**
 * Since 1.2: the runner armed a drop (a plan's or a scenario's `drop` step): the next segment of
 * kind `segment` that arrives at the socket process `pid`'s descriptor `fd` names is lost there
 * (a one-shot socket filter: docs/drops.md). The process makes no call. The socket's state does
 * not move on that segment, so it is held until the sender's retransmission (a `retransmit`
 * event) gets through; the sender's does move. The capture still shows the lost segment: it
 * crossed lo before the socket's filter dropped it.
 */
export interface DropEvent extends EventBase {
  kind: 'drop';
  pid: number;
  role: Role;
  fd: number;
  segment: DroppedSegment;
}

/**
 * Since 1.2: the armed drop lost its segment at `t` (the step in which it arrived). `local` and
 * `remote` are the socket's addresses then, as the kernel lists them: for a connect whose SYN-ACK
 * was lost, the only word on the client's port while connect has not returned.
 */
export interface LostEvent extends EventBase {
  kind: 'lost';
  pid: number;
  role: Role;
  fd: number;
  segment: DroppedSegment;
  local: string;
  remote: string;
}

/**
 * Since 1.2: the first segment of the dropped kind to arrive at that socket after the loss got
 * through at `t`: the retransmission that ends the hold (for a lost ACK, the ACK that answers the
 * peer's retransmitted FIN or SYN-ACK). `droppedAt`: when the lost one arrived. Written at the
 * start of the step after the hold (the runner waits for it before that step acts, unless the
 * step acts during the hold: a scenario entry's `duringHold`), or in the step it happened in.
 * `pid`, `role`, `fd` are the drop's, as armed (the descriptor may be closed by now).
 */
export interface RetransmitEvent extends EventBase {
  kind: 'retransmit';
  pid: number;
  role: Role;
  fd: number;
  segment: DroppedSegment;
  droppedAt: number;
}

/** Text a lab program printed for people (not an event line). */
export interface OutputEvent extends EventBase {
  kind: 'output';
  pid: number;
  role: Role;
  stream: 'stdout' | 'stderr';
  text: string;
  /** Set when `text` shows only the start of what was printed (see ReturnEvent.truncated). */
  truncated?: boolean;
}

/**
 * Where a process is at a snapshot. Since 1.1 it is read from the kernel (`syscall`): at the
 * lab's gate when the process sleeps in the gate's rt_sigtimedwait, in the kernel when it sleeps
 * in any other call. In 1.0 traces it was the runner's own reading of the events.
 */
export type ProcessPlace =
  /** stopped at a gate, before the call in `blockedIn` */
  | 'gate'
  /** asleep in the kernel inside the call in `blockedIn` (accept, read …) */
  | 'kernel'
  | 'running'
  /** exited, not yet reaped by its parent (state Z) */
  | 'zombie';

export interface KernelProcess {
  pid: number;
  ppid: number;
  role: Role;
  /** The one-letter state of /proc/<pid>/stat: R, S, D, T, t, Z … */
  state: string;
  place: ProcessPlace;
  /** The call the process is stopped before or blocked in, as the runner's events tell; null if neither. */
  blockedIn: string | null;
  /**
   * What the kernel says the process is doing (since 1.1): the system call it is in, from
   * /proc/<pid>/syscall, by name ('accept', 'accept4', 'poll', 'read', 'wait4', 'rt_sigtimedwait'
   * — the lab's gate …; 'syscall#N' for a number without a name), or null when it is running in
   * user space, a zombie, or the kernel would not say.
   */
  syscall?: string | null;
  /** Where in the kernel it sleeps, from /proc/<pid>/wchan ('inet_csk_accept', 'do_sigtimedwait' …), or null. */
  wchan?: string | null;
}

export interface SocketHolder {
  pid: number;
  fd: number;
}

export interface KernelSocket {
  /** 0 when no descriptor names the socket (in the accept queue, orphaned while closing, TIME_WAIT). */
  inode: number;
  state: TcpState;
  /** "address:port"; "0.0.0.0:0" when not yet bound. */
  local: string;
  remote: string;
  /** Every (pid, fd) of a lab process that names this socket. holders.length is the observed reference count. */
  holders: SocketHolder[];
  /** A running kernel timer, when the kernel reports one (TIME_WAIT's 2MSL, retransmission …). */
  timer?: { kind: 'retransmit' | 'keepalive' | 'timewait' | 'probe'; remainingMs: number };
}

/** What the kernel showed after a step had settled. The step-th snapshot ends step `step`. */
export interface KernelEvent extends EventBase {
  kind: 'kernel';
  step: number;
  /** Id of the schedule entry this step carried out; 'start' for step 0. */
  label: string;
  processes: KernelProcess[];
  sockets: KernelSocket[];
}

/**
 * Since 1.1: a TCP segment of this run, captured as it arrived on the loopback interface. A step's
 * packets come after its other events, just before its `kernel` snapshot, in the order of `t`
 * (CLOCK_MONOTONIC at arrival, the lab's clock). Numbers are the raw ones of the TCP header.
 */
export interface PacketEvent extends EventBase {
  kind: 'packet';
  /** Sender and receiver, "a.b.c.d:port". */
  from: string;
  to: string;
  flags: PacketFlag[];
  /** The sequence number (0 … 2³²−1). Not `seq`: that is the event's number in the trace. */
  tcpSeq: number;
  /** The acknowledgment number; null when ACK is not set. */
  tcpAck: number | null;
  /** Payload bytes. */
  len: number;
  /** The window field as sent (not scaled). */
  window: number;
}

/**
 * Since 1.2, in a predicted trace only (header `predicted: true`): the end of step `step`, as a
 * `kernel` snapshot ends a step of a real trace, with nothing observed. Numbered 0, 1, 2 … like
 * kernel snapshots; a trace has one kind or the other.
 */
export interface StepEvent extends EventBase {
  kind: 'step';
  step: number;
  /** The step's label, as a kernel snapshot's (planStepLabel; 'start' for step 0). */
  label: string;
}

/** The run is over. */
export interface EndEvent extends EventBase {
  kind: 'end';
  reason: 'completed' | 'stopped' | 'error';
  message?: string;
}

export type TraceEvent =
  | SpawnEvent
  | CallEvent
  | ReadyEvent
  | ReleaseEvent
  | ReturnEvent
  | ExitEvent
  | SignalEvent
  | DropEvent
  | LostEvent
  | RetransmitEvent
  | OutputEvent
  | KernelEvent
  | PacketEvent
  | StepEvent
  | EndEvent;

export type TraceRecord = TraceHeader | TraceEvent;

export interface Trace {
  header: TraceHeader;
  events: TraceEvent[];
}
