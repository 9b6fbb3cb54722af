// A plan: what each process of an experiment does, and in which order. The close-ordering
// sandbox composes one; the model predicts it (src/plan/predict.ts); the lab runs the same plan
// for real (src/lab/sandbox.c, one real system call per step); both give a trace.
// docs/plan-format.md is the prose version of this file; keep them together.
//
// A plan is data, never code: the companion accepts only what parsePlan (parse.ts) accepts.

export const PLAN_FORMAT = 'forkscope-plan';
export const PLAN_VERSION = 1;

/**
 * The names a program gives its descriptors, as the book's programs do: `listenfd` is what the
 * server's `socket` returned, `connfd` what its last `accept` returned, `sockfd` what a client's
 * `socket` returned. A forked child inherits its parent's names with its descriptors.
 */
export const FD_NAMES = ['listenfd', 'connfd', 'sockfd'] as const;
export type FdName = (typeof FD_NAMES)[number];

/** A descriptor: its number (as the kernel numbers it: listenfd 3, the first connfd 4 …), or its name. */
export type FdRef = number | FdName;

export const SHUTDOWN_HOWS = ['SHUT_RD', 'SHUT_WR', 'SHUT_RDWR'] as const;
export type PlanShutdownHow = (typeof SHUTDOWN_HOWS)[number];

export const KILL_SIGNALS = ['SIGTERM', 'SIGKILL', 'SIGINT'] as const;
export type KillSignal = (typeof KILL_SIGNALS)[number];

/** What a SIGCHLD disposition is: the default (zombies until waited for), ignored, or Figure 5.11's handler. */
export const SIGCHLD_DISPOSITIONS = ['SIG_DFL', 'SIG_IGN', 'handler'] as const;
export type SigchldDisposition = (typeof SIGCHLD_DISPOSITIONS)[number];

/**
 * Which segment arriving at a socket a `drop` step loses (the next one of that kind):
 * 'SYN-ACK' (the server's answer to a connect), 'ACK' (a segment that carries only an
 * acknowledgment: the handshake's last ACK, the ACK of a FIN), 'FIN', 'data' (a segment with payload).
 */
export const DROP_SEGMENTS = ['SYN-ACK', 'ACK', 'FIN', 'data'] as const;
export type DropSegment = (typeof DROP_SEGMENTS)[number];

/** One call a process makes: one real system call, one step. */
export type ProcessAction =
  | { do: 'socket' }
  /** setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, 1) */
  | { do: 'setsockopt'; fd: FdRef; opt: 'SO_REUSEADDR' }
  /** setsockopt(fd, SOL_SOCKET, SO_LINGER, {onoff, linger}): {1, 0} makes close abort with RST. */
  | { do: 'setsockopt'; fd: FdRef; opt: 'SO_LINGER'; onoff: 0 | 1; linger: number }
  /** bind to 127.0.0.1 and the run's port (the sandbox never binds anything else). */
  | { do: 'bind'; fd: FdRef }
  | { do: 'listen'; fd: FdRef; backlog: number }
  /** A real accept(2): it blocks until a connection is queued. Its result is the new `connfd`. */
  | { do: 'accept'; fd: FdRef }
  /** connect to 127.0.0.1 and the run's port. */
  | { do: 'connect'; fd: FdRef }
  /** Only a server process forks; its n-th fork creates `child#n` (lab.c's naming). */
  | { do: 'fork' }
  | { do: 'close'; fd: FdRef }
  | { do: 'shutdown'; fd: FdRef; how: PlanShutdownHow }
  /** read(fd, buf, MAXLINE): blocks until data, end of file, or an error. */
  | { do: 'read'; fd: FdRef }
  /** write(fd, text): the whole text (Stevens' Writen). */
  | { do: 'write'; fd: FdRef; text: string }
  /**
   * sigaction(SIGCHLD): SIG_DFL, SIG_IGN, or 'handler' — Figure 5.11's sig_chld, which reaps every
   * terminated child with waitpid(-1, WNOHANG) in a loop; installed with SA_RESTART unless
   * `restart` is false (then a slow call it interrupts fails with EINTR).
   */
  | { do: 'signal'; sig: 'SIGCHLD'; disposition: SigchldDisposition; restart?: boolean }
  /** waitpid(-1, &stat, 0 or WNOHANG) */
  | { do: 'waitpid'; nohang: boolean }
  /** setrlimit(RLIMIT_NOFILE, {n, n}) */
  | { do: 'setrlimit'; nofile: number }
  | { do: 'exit'; status: number };

export type ProcessActionName = ProcessAction['do'];

/** What happens to a process from outside it: one step each. */
export type OutsideAction =
  /** Start a client (`client#N`), or a server again (`parent#N`, N ≥ 2: a restarted server). */
  | { do: 'spawn'; proc: string }
  /** Send a signal to the process (it ends it). */
  | { do: 'kill'; proc: string; signal: KillSignal }
  /**
   * Lose the next segment of this kind that arrives at the socket `proc`'s descriptor `fd` names
   * (a socket filter on that socket). The sender's retransmission ends the hold.
   */
  | { do: 'drop'; proc: string; fd: FdRef; segment: DropSegment };

export type OutsideActionName = OutsideAction['do'];

/** One step of a plan: a process makes its next call, or something happens to it from outside. */
export type PlanStep = ({ proc: string } & ProcessAction) | OutsideAction;

export interface Plan {
  format: typeof PLAN_FORMAT;
  version: typeof PLAN_VERSION;
  /** For people: what the experiment asks. */
  title: string;
  /**
   * The steps in the order they run (the interleaving). The server `parent` exists from the start
   * (step 0); everyone else from the step that creates it (a `fork`, a `spawn`).
   */
  steps: PlanStep[];
}

/** Caps on what a plan may ask for (the companion runs it on the user's machine). */
export const PLAN_LIMITS = {
  steps: 200,
  /** Processes alive at once, as the runner's cap. */
  processes: 16,
  clients: 8,
  /** Bytes of one write's text. */
  text: 256,
  title: 200,
  backlog: 128,
  nofile: { min: 4, max: 64 },
  linger: 10,
  /** Highest descriptor number an action may name. */
  fd: 63,
  /** Bytes of a plan file (JSON). */
  bytes: 64 * 1024,
} as const;

/** Process roles, as the trace names them (src/trace/roles.ts). */
export const ROLE_PATTERN = /^(parent|parent#([2-9])|child#([1-9][0-9]?)|client#([1-9]))$/;

export type ProcessKind = 'server' | 'client';

/** Which program a role belongs to. */
export function kindOfRole(role: string): ProcessKind {
  return role.startsWith('client#') ? 'client' : 'server';
}

/** Whether a step is a process's own call (not something done to it from outside). */
export function isProcessStep(step: PlanStep): step is { proc: string } & ProcessAction {
  return step.do !== 'spawn' && step.do !== 'kill' && step.do !== 'drop';
}

/** The label of the plan's step `index` (0-based): its kernel snapshot's (or predicted step's) label. */
export function planStepLabel(index: number): string {
  return `step-${index + 1}`;
}

/** The file name the plan's C listing (source.ts) goes by in call events. */
export const PLAN_SOURCE_FILE = 'plan.c';
