// What the model says the world looks like at one point of a trace.
// Panels read only this (plus the trace events themselves); they never interpret raw events.

import type { CallName, KernelEvent, Program, Role, TcpState } from '../trace/types.ts';

export type ProcessStatus =
  /** stopped at a gate before `pendingCall` */
  | 'at-gate'
  /** asleep in the kernel inside `pendingCall` (accept, read …) */
  | 'blocked'
  | 'running'
  /** exited, waiting for its parent to reap it */
  | 'zombie'
  /** exited and reaped (or its parent is not a lab process, so it is gone) */
  | 'exited';

export interface PendingCall {
  fn: CallName;
  file: string;
  line: number;
  /**
   * The lab waits in poll(2) before making this call (accept's first half), until a `ready`
   * event: while set and the process is inside the call, the kernel shows it in poll, not in `fn`.
   */
  waitsIn?: 'poll';
}

export interface ModelProcess {
  pid: number;
  ppid: number;
  role: Role;
  program: Program;
  status: ProcessStatus;
  /** The call the process is stopped before or blocked in; null when running or exited. */
  pendingCall: PendingCall | null;
  /** The source line to mark: the pending call's line, else the last call's line. */
  line: number | null;
  file: string | null;
  /** The descriptor table, ascending by fd. */
  fds: { fd: number; fileId: string }[];
  exitStatus: number | null;
  /** The signal that killed it, when one did. */
  exitSignal?: string | null;
  /** What this process does with SIGCHLD: 'default' (children stay zombies until waited for), 'ignore', 'handler'. */
  sigchld?: 'default' | 'ignore' | 'handler';
  /** The SIGCHLD handler was installed with SA_RESTART: a slow call it interrupts (accept, read) is restarted
   *  rather than failing with EINTR. */
  sigchldRestart?: boolean;
  /** Calls the process is inside of while a signal handler runs (outermost first): e.g. accept, interrupted by
   *  SIGCHLD while the handler's waitpid runs. Empty when no handler runs. */
  interrupted?: PendingCall[];
  /** What the last call that returned gave back; null before any. */
  lastResult?: CallResult | null;
  /** RLIMIT_NOFILE's soft limit, once setrlimit set it (fork copies it): descriptors must be below it. */
  fdLimit?: number | null;
  /** A signal sent to the process (the runner's SIGTERM) that has not ended it yet. */
  pendingSignal?: string | null;
}

/** The result of a call, for people ("bind: -1 EADDRINUSE"). */
export interface CallResult {
  fn: string;
  ret: number;
  /** errno name, or null on success. */
  errno: string | null;
  /** bind's EADDRINUSE: ids of the endpoints the model has on that port (a LISTEN, a TIME_WAIT …). */
  conflicts?: string[];
}

/** An entry of the system-wide open-file table. Released (and absent here) when refCount reaches 0. */
export interface ModelOpenFile {
  id: string;
  endpointId: string;
  refCount: number;
  /** Who holds it: refCount === holders.length. */
  holders: { pid: number; fd: number }[];
}

export type EndpointKind = 'listener' | 'server-conn' | 'client';

export interface ModelEndpoint {
  /** 'ep#1' … stable for the whole trace. */
  id: string;
  kind: EndpointKind;
  state: TcpState;
  /** States passed through during the last step, oldest first, ending with `state` (e.g. SYN_SENT, ESTABLISHED).
   *  It starts with the state the endpoint had when the step began (CLOSED, SYN_SENT, ESTABLISHED for a connect),
   *  or with its first state if it was created during the step; [state] when the step did not move it. */
  path: TcpState[];
  local: string | null;
  remote: string | null;
  /** The connected peer's endpoint, when the model knows it. */
  peerId: string | null;
  /** The open file that refers to this socket; null while in the accept queue or after the last close. */
  fileId: string | null;
  /** For a connection not yet accepted: the listener whose accept queue holds it. */
  queuedOn: string | null;
  /** Payload bytes sent and received so far. */
  bytesSent?: number;
  bytesReceived?: number;
  /** Received bytes the application has not read yet (closing with unread bytes sends RST). */
  unread?: number;
  /** The peer's FIN has arrived: once `unread` is 0, read returns 0. */
  eof?: boolean;
  /** Trace time (the header's clock) at which TIME_WAIT began; 2MSL (60 s on Linux) later it closes. */
  timeWaitSince?: number | null;
  /** How the connection failed, if it did: 'refused' (RST to a SYN), 'reset' (RST later). */
  error?: string | null;
  /** SO_LINGER is on with a linger time of 0: the last close sends RST instead of FIN. */
  lingerZero?: boolean;
  /** shutdown(SHUT_WR) sent our FIN (whatever the reference count). */
  shutWr?: boolean;
  /** SO_REUSEADDR is set. */
  reuseAddr?: boolean;
  /**
   * Set on a CLOSED socket that a descriptor still names, whose connection entered TIME_WAIT
   * (after shutdown(SHUT_WR) and the peer's FIN): Linux moves the connection to a separate
   * TIME_WAIT socket that no descriptor names — this is that endpoint's id — and closes this one.
   */
  timeWaitId?: string | null;
}

export type SegmentFlag = 'SYN' | 'ACK' | 'FIN' | 'RST' | 'PSH';

/** A TCP segment the model says was sent. Sequence numbers are relative (each side's ISN is 0). */
export interface ModelSegment {
  index: number;
  step: number;
  /** Endpoint ids. A SYN to a listener names the new connection endpoint it creates; a segment to or from
   *  a port where nothing listens (a refused connect) names that "address:port" instead. */
  from: string;
  to: string;
  flags: SegmentFlag[];
  seq: number;
  ack: number | null;
  len: number;
  data?: string;
  /** Lost on purpose at its receiver (a drop: docs/drops.md): it crossed lo, nothing received it. */
  dropped?: true;
}

/** One fact on which the model and a kernel snapshot differ. */
export interface Disagreement {
  /** What the fact is about, for people: "parent fd 4", "socket 127.0.0.1:9877 ↔ 127.0.0.1:40112", "pid 1234". */
  subject: string;
  /** Which fact: 'refCount', 'tcpState', 'processState', 'holders', 'presence', 'address', 'ppid', 'call'. */
  fact: string;
  model: string;
  kernel: string;
}

export interface ModelSnapshot {
  /** Step number: how many kernel snapshots precede (and end) this point. */
  step: number;
  /** Index into trace events of the last event applied; -1 before any. */
  eventIndex: number;
  /** Schedule entry id of this step ('start' for step 0). */
  label: string;
  processes: ModelProcess[];
  openFiles: ModelOpenFile[];
  endpoints: ModelEndpoint[];
  /** Every segment so far, oldest first. */
  segments: ModelSegment[];
  /** The kernel snapshot that ended this step, if any. */
  kernel: KernelEvent | null;
  /** Differences between the model and `kernel`; empty when they agree. */
  disagreements: Disagreement[];
  /** Things in the trace the model could not explain (e.g. an accept of a connection it never saw), oldest first. */
  notes?: readonly string[];
}
