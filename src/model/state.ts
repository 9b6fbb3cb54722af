// The system model's context: plain, immutable data. Every update makes new objects for what
// changed and shares the rest, so a context can be kept as a checkpoint and replayed from.

import type { DroppedSegment, Program, Role, Scalar, TcpState } from '../trace/types.ts';
import type { CallState } from '../trace/callFold.ts';
import type { CallResult, EndpointKind, ModelSegment } from './types.ts';
import type { TcpMachineState } from './tcp.ts';
import type { ProcessLife } from './process.ts';
import type { OpenFileMachineState } from './openFile.ts';

export type SigchldDisposition = 'default' | 'ignore' | 'handler';

export interface ProcState {
  pid: number;
  ppid: number;
  role: Role;
  program: Program;
  /**
   * Its machine's state (process.ts): alive (running, at the gate, in a call; in a signal handler
   * or not), zombie, reaped. The panels' status is statusOf(life).
   */
  life: ProcessLife;
  /**
   * Its calls, as the call fold reads its events (src/trace/callFold.ts): the pending call, the
   * calls a signal handler interrupted, and the last call made (its line, and the arguments a
   * return refers to).
   */
  calls: CallState;
  /** fd → open-file id. */
  fds: Readonly<Record<number, string>>;
  exitStatus: number | null;
  exitSignal: string | null;
  /** The step in which it became 'exited' (it leaves the picture after that step). */
  goneStep: number | null;
  /** What happens when a child of this process exits (SIGCHLD default → zombie until waited for). */
  sigchld: SigchldDisposition;
  /** The SIGCHLD handler was installed with SA_RESTART (an interrupted accept/read is restarted). */
  sigchldRestart: boolean;
  /** The result of the last call that returned. */
  lastResult: CallResult | null;
  /** RLIMIT_NOFILE's soft limit when a setrlimit set it (inherited across fork); null: not set. */
  fdLimit: number | null;
  /** A signal someone sent (the runner's SIGTERM) that has not ended the process yet. */
  pendingSignal: string | null;
  /**
   * Who becomes its parent if its parent dies first: the subreaper that launched the lab program
   * (the spawn's ppid; a forked child inherits its parent's).
   */
  reaper: number;
  /** Children this process has forked (for naming them child#1, child#2 …). */
  forks: number;
  /** Order of appearance, for listing. */
  order: number;
}

export interface FileState {
  id: string;
  endpointId: string;
  /** Holders in the order they got the descriptor. refs.count = holders.length. */
  holders: readonly { pid: number; fd: number }[];
  /** Its machine's state (openFile.ts): open with the reference count. */
  refs: OpenFileMachineState;
}

export interface EndpointState {
  id: string;
  kind: EndpointKind;
  tcp: TcpMachineState;
  /** States during step `pathStep`, oldest first, ending with the current state. */
  path: readonly TcpState[];
  pathStep: number;
  local: string | null;
  remote: string | null;
  peerId: string | null;
  fileId: string | null;
  queuedOn: string | null;
  /** Order of arrival in the listener's queue (FIFO accept). */
  queueOrder: number;
  /** Relative sequence numbers: next to send, next expected. ISN 0. */
  sndNxt: number;
  rcvNxt: number;
  /** Set once our FIN is sent: its sequence number. */
  finSeq: number | null;
  bytesSent: number;
  bytesReceived: number;
  /** Received but not yet read by the application. */
  unread: number;
  /** The peer's FIN has arrived: a read returns 0 once unread is 0. */
  eof: boolean;
  /** SO_LINGER with l_linger 0: the last close aborts (RST). */
  lingerZero: boolean;
  /** shutdown(SHUT_WR) has sent our FIN while descriptors remain. */
  shutWr: boolean;
  /**
   * shutdown(SHUT_RD) (or SHUT_RDWR) shut it for reading (Linux RCV_SHUTDOWN, as a close does):
   * data that arrives once our FIN is sent resets the connection (network.ts deliver).
   */
  shutRd: boolean;
  /** SO_REUSEADDR is set. */
  reuseAddr: boolean;
  /** A CLOSED socket whose connection went on in a separate TIME_WAIT socket (this endpoint's id). */
  timeWaitId: string | null;
  /** Trace time (ns) at which TIME_WAIT began; 2MSL later the endpoint closes. */
  timeWaitSince: number | null;
  /** The step in which the endpoint reached CLOSED without a file (pruned after that step). */
  closedStep: number | null;
  /** Why the connection ended badly, when it did ('refused', 'reset'). */
  error: string | null;
  /**
   * A drop armed on this socket (trace `drop` event; docs/drops.md): the next segment of that kind
   * arriving here is lost. A listener's is shared by the connections it creates (Linux clones a
   * socket's filter into the sockets a listener makes), so one loss disarms them all (same key).
   */
  drop: ArmedDrop | null;
  /** The segment lost here, until its retransmission (trace `retransmit` event) redelivers it. */
  lost: LostSegment | null;
}

/** Which drop: "pid/fd/segment", as the `drop` and `retransmit` events name it. */
export interface ArmedDrop {
  key: string;
  segment: DroppedSegment;
}

export interface LostSegment {
  key: string;
  segment: ModelSegment;
}

/** Segments are appended only: a persistent list (newest first) shares every older node. */
export interface SegmentNode {
  readonly segment: ModelSegment;
  readonly prev: SegmentNode | null;
}

export interface SystemContext {
  /** Index of the last event applied; -1 before any. */
  eventIndex: number;
  /** The step the last event applied belongs to: the kernel snapshot of step N ends step N. 0 before any event. */
  step: number;
  /** Kernel snapshots applied so far; events being applied belong to step `kernelCount` (or the kernel's own). */
  kernelCount: number;
  /** Label of the last kernel snapshot applied; 'start' before any. */
  label: string;
  /** Trace time of the last event. */
  now: number;
  serverPort: number | null;
  /**
   * The trace says when the runner releases a gate (`release` events, trace 1.1): the model knows
   * by itself whether a process is at a gate or inside its call. A 1.0 trace has no releases, and
   * the model takes that from the kernel snapshot's `place`.
   */
  releases: boolean;
  /** The server's knobs as the header gives them: what the scenario asked for (the calls say what happened). */
  knobs: Readonly<Record<string, Scalar>>;
  /** Maps, never changed once a context is made (a new context gets a new map when one changes). */
  processes: ReadonlyMap<number, ProcState>;
  files: ReadonlyMap<string, FileState>;
  endpoints: ReadonlyMap<string, EndpointState>;
  segments: SegmentNode | null;
  segmentCount: number;
  nextFile: number;
  nextEndpoint: number;
  nextProcessOrder: number;
  nextQueueOrder: number;
  /** Earliest trace time at which a TIME_WAIT endpoint's 2MSL runs out; null when none waits. */
  nextTimerAt: number | null;
  /** The step whose start last pruned endpoints that had closed in an earlier step. */
  prunedStep: number;
  /** Things the model could not explain (an accept with no connection to take …), for people. */
  notes: readonly string[];
}
