// The sandbox editor's rules, pure: which processes exist before a step, which descriptors each
// has, which actions make sense next (no accept before listen, no read on a listening socket),
// and the edits themselves (insert, remove, move). The editor offers only what these allow; a
// plan may still fail when it runs (a double close is offered, since the student may want
// to see EBADF), and parsePlan stays the one judge of whether a plan is well-formed.

import {
  isProcessStep,
  kindOfRole,
  PLAN_LIMITS,
  type DropSegment,
  type FdName,
  type PlanShutdownHow,
  type FdRef,
  type KillSignal,
  type Plan,
  type PlanStep,
  type ProcessAction,
  type ProcessKind,
} from './types.ts';

/** What the editor believes of one descriptor, as if every call before it succeeded. */
interface FdState {
  fd: number;
  open: boolean;
  /** socket() made it; accept() made a connected one. */
  origin: 'socket' | 'accept';
  bound: boolean;
  listening: boolean;
  connected: boolean;
}

interface ProcState {
  role: string;
  kind: ProcessKind;
  alive: boolean;
  fds: Map<number, FdState>;
  names: Map<FdName, number>;
  forks: number;
}

export interface DescriptorChoice {
  fd: number;
  /** The book's name for it in this process, when the name still means this descriptor. */
  name: FdName | null;
  open: boolean;
  /** How a step names it: the name when there is one, else the number. */
  ref: FdRef;
  /** For a chooser: "4 (connfd)", "4 (connfd, closed)". */
  label: string;
}

export interface ProcessView {
  role: string;
  kind: ProcessKind;
  alive: boolean;
  descriptors: DescriptorChoice[];
}

function lowestFree(fds: Map<number, FdState>): number {
  let fd = 3; // 0–2 are stdio; the reaper closes everything else
  while (fds.get(fd)?.open) fd++;
  return fd;
}

function newProc(role: string): ProcState {
  return { role, kind: kindOfRole(role), alive: true, fds: new Map(), names: new Map(), forks: 0 };
}

function resolve(p: ProcState, ref: FdRef): FdState | undefined {
  const n = typeof ref === 'number' ? ref : p.names.get(ref);
  return n === undefined ? undefined : p.fds.get(n);
}

/** Every process's state before step `index` (all steps when index is the plan's length). */
function simulate(steps: readonly PlanStep[], index: number): Map<string, ProcState> {
  const procs = new Map<string, ProcState>([['parent', newProc('parent')]]);
  for (const step of steps.slice(0, index)) {
    const p = procs.get(step.proc);
    if (step.do === 'spawn') {
      procs.set(step.proc, newProc(step.proc));
      continue;
    }
    if (!p || !p.alive) continue;
    if (step.do === 'kill' || step.do === 'exit') {
      p.alive = false;
      continue;
    }
    if (!isProcessStep(step)) continue;
    const target = 'fd' in step ? resolve(p, step.fd) : undefined;
    switch (step.do) {
      case 'socket':
      case 'accept': {
        const fd = lowestFree(p.fds);
        const accepted = step.do === 'accept';
        p.fds.set(fd, { fd, open: true, origin: accepted ? 'accept' : 'socket', bound: accepted, listening: false, connected: accepted });
        p.names.set(accepted ? 'connfd' : p.kind === 'client' ? 'sockfd' : 'listenfd', fd);
        break;
      }
      case 'bind':
        if (target) target.bound = true;
        break;
      case 'listen':
        if (target) target.listening = true;
        break;
      case 'connect':
        if (target) target.connected = true;
        break;
      case 'close':
        if (target) target.open = false;
        break;
      case 'fork': {
        p.forks++;
        const child = newProc(`child#${p.forks}`);
        for (const [n, f] of p.fds) child.fds.set(n, { ...f });
        child.names = new Map(p.names);
        procs.set(child.role, child);
        break;
      }
    }
  }
  return procs;
}

function choices(p: ProcState): DescriptorChoice[] {
  return [...p.fds.values()]
    .sort((a, b) => Number(b.open) - Number(a.open) || a.fd - b.fd)
    .map((f) => {
      const name = ([...p.names].find(([, n]) => n === f.fd)?.[0] ?? null) as FdName | null;
      const what = [name, f.open ? null : 'closed'].filter(Boolean).join(', ');
      return { fd: f.fd, name, open: f.open, ref: name ?? f.fd, label: what ? `${f.fd} (${what})` : String(f.fd) };
    });
}

/** The processes that exist before step `index` (alive or ended), in the editor's column order. */
export function processesAt(plan: Plan, index: number): ProcessView[] {
  return [...simulate(plan.steps, index).values()].map((p) => ({ role: p.role, kind: p.kind, alive: p.alive, descriptors: choices(p) }));
}

/** Column order: the servers (parent, parent#2 …), then the children, then the clients, each by number. */
function columnRank(role: string): number {
  const n = Number(/#(\d+)$/.exec(role)?.[1] ?? 1);
  if (role.startsWith('parent')) return n;
  if (role.startsWith('child#')) return 100 + n;
  return 200 + n;
}

/** Every process the plan ever has, in column order: the servers, the children, the clients. */
export function planRoles(plan: Plan): string[] {
  return [...simulate(plan.steps, plan.steps.length).keys()].sort((a, b) => columnRank(a) - columnRank(b));
}

export type ActionName = ProcessAction['do'];

/** Which descriptors of `role` (before step `index`) an action may name: those it makes sense on. A drop (from outside) may name any socket the process has open: a fresh one before connect (to lose the SYN-ACK), a listener, a connected one. */
export function descriptorsFor(plan: Plan, index: number, role: string, action: ActionName | 'drop'): DescriptorChoice[] {
  const p = simulate(plan.steps, index).get(role);
  if (!p) return [];
  const fits = (f: FdState): boolean => {
    switch (action) {
      case 'setsockopt':
      case 'drop':
        return f.open;
      case 'bind':
        return f.open && f.origin === 'socket' && !f.bound;
      case 'listen':
        return f.open && f.bound && !f.listening && f.origin === 'socket';
      case 'accept':
        return f.open && f.listening;
      case 'connect':
        return f.open && f.origin === 'socket' && !f.connected && !f.bound;
      case 'read':
      case 'write':
      case 'shutdown':
        return f.open && f.connected;
      case 'close':
        return true; // a closed one too: closing it again is an experiment (EBADF)
      default:
        return false;
    }
  };
  const ok = new Set([...p.fds.values()].filter(fits).map((f) => f.fd));
  return choices(p).filter((c) => ok.has(c.fd));
}

const NEEDS_FD: ReadonlySet<ActionName> = new Set(['setsockopt', 'bind', 'listen', 'accept', 'connect', 'read', 'write', 'shutdown', 'close']);

const SERVER_ORDER: readonly ActionName[] = ['socket', 'setsockopt', 'bind', 'listen', 'accept', 'fork', 'read', 'write', 'shutdown', 'close', 'signal', 'waitpid', 'setrlimit', 'exit'];
const CLIENT_ORDER: readonly ActionName[] = ['socket', 'setsockopt', 'connect', 'write', 'read', 'shutdown', 'close', 'exit'];

/** The calls that make sense for `role` as step `index`: only a live process acts, only the parent forks, a call that needs a descriptor needs a fitting one. */
export function offeredActions(plan: Plan, index: number, role: string): ActionName[] {
  const p = simulate(plan.steps, index).get(role);
  if (!p || !p.alive) return [];
  const order = p.kind === 'client' ? CLIENT_ORDER : SERVER_ORDER;
  return order.filter((a) => {
    if (a === 'fork') return role === 'parent';
    if (NEEDS_FD.has(a)) return descriptorsFor(plan, index, role, a).length > 0;
    return true;
  });
}

/** A step for `action` with sensible arguments (the first fitting descriptor, the book's backlog …), or null if it makes no sense there. */
export function defaultStep(plan: Plan, index: number, role: string, action: ActionName): PlanStep | null {
  if (!offeredActions(plan, index, role).includes(action)) return null;
  const fd = descriptorsFor(plan, index, role, action)[0]?.ref ?? 0;
  switch (action) {
    case 'socket':
    case 'fork':
      return { proc: role, do: action };
    case 'setsockopt':
      return { proc: role, do: 'setsockopt', fd, opt: 'SO_REUSEADDR' };
    case 'bind':
    case 'accept':
    case 'connect':
    case 'read':
    case 'close':
      return { proc: role, do: action, fd };
    case 'listen':
      return { proc: role, do: 'listen', fd, backlog: 5 };
    case 'write':
      return { proc: role, do: 'write', fd, text: 'hello\n' };
    case 'shutdown':
      return { proc: role, do: 'shutdown', fd, how: 'SHUT_WR' };
    case 'signal':
      return { proc: role, do: 'signal', sig: 'SIGCHLD', disposition: 'handler' };
    case 'waitpid':
      return { proc: role, do: 'waitpid', nohang: false };
    case 'setrlimit':
      return { proc: role, do: 'setrlimit', nofile: 8 };
    case 'exit':
      return { proc: role, do: 'exit', status: 0 };
  }
}

/** The adder's argument fields, as its inputs hold them: text, unchecked (a write's text with `\\n` typed for a newline). */
export interface StepForm {
  /** The chosen descriptor: its name or its number, as text; '' keeps the action's default. */
  fd: string;
  backlog: string;
  text: string;
  how: PlanShutdownHow;
  option: 'SO_REUSEADDR' | 'SO_LINGER 1 0';
  /** SIGCHLD's disposition; 'handler-intr' is the handler without SA_RESTART (restart: false). */
  disposition: 'handler' | 'handler-intr' | 'SIG_IGN' | 'SIG_DFL';
  nohang: boolean;
  nofile: string;
  status: string;
  /** A kill's signal. */
  signal: KillSignal;
  /** Which segment a drop loses. */
  segment: DropSegment;
}

export const START_FORM: StepForm = { fd: '', backlog: '5', text: 'hello\\n', how: 'SHUT_WR', option: 'SO_REUSEADDR', disposition: 'handler', nohang: false, nofile: '8', status: '0', signal: 'SIGTERM', segment: 'FIN' };

/** A whole number from a field, kept within [min, max]; `fallback` when the field holds none. */
function whole(s: string, min: number, max: number, fallback: number): number {
  const n = Number.parseInt(s, 10);
  return Number.isInteger(n) ? Math.min(max, Math.max(min, n)) : fallback;
}

/** The step the form describes, from `base` (defaultStep's step for the action): numbers clamped to the plan's caps, `\\n` in a text a newline. */
export function stepFromForm(base: PlanStep, form: StepForm): PlanStep {
  const step = { ...base } as PlanStep & Record<string, unknown>;
  if ('fd' in step && form.fd !== '') step.fd = /^\d+$/.test(form.fd) ? Number(form.fd) : form.fd;
  switch (step.do) {
    case 'listen':
      return { ...step, backlog: whole(form.backlog, 0, PLAN_LIMITS.backlog, 5) };
    case 'write':
      return { ...step, text: form.text.replace(/\\n/g, '\n') || 'hello\n' };
    case 'shutdown':
      return { ...step, how: form.how };
    case 'setsockopt':
      return form.option === 'SO_REUSEADDR'
        ? { proc: step.proc, do: 'setsockopt', fd: step.fd, opt: 'SO_REUSEADDR' }
        : { proc: step.proc, do: 'setsockopt', fd: step.fd, opt: 'SO_LINGER', onoff: 1, linger: 0 };
    case 'signal':
      if (form.disposition === 'handler-intr') return { proc: step.proc, do: 'signal', sig: 'SIGCHLD', disposition: 'handler', restart: false };
      return { proc: step.proc, do: 'signal', sig: 'SIGCHLD', disposition: form.disposition };
    case 'waitpid':
      return { ...step, nohang: form.nohang };
    case 'setrlimit':
      return { ...step, nofile: whole(form.nofile, PLAN_LIMITS.nofile.min, PLAN_LIMITS.nofile.max, 8) };
    case 'exit':
      return { ...step, status: whole(form.status, 0, 255, 0) };
    case 'kill':
      return { ...step, signal: form.signal };
    case 'drop':
      return { ...step, segment: form.segment };
    default:
      return step;
  }
}

/**
 * What can be done from outside as step `index`: start the next client or a restarted server, kill
 * a live process, drop a segment at a socket a live process has open. A kill and a drop come with
 * defaults (SIGTERM; a FIN at the first open socket): the form chooses the signal
 * (KILL_SIGNALS), the socket (descriptorsFor … 'drop') and the segment (DROP_SEGMENTS).
 */
export function offeredOutside(plan: Plan, index: number): PlanStep[] {
  const procs = simulate(plan.steps, index);
  const all = planRoles(plan);
  const out: PlanStep[] = [];
  const clients = all.filter((r) => r.startsWith('client#')).length;
  if (clients < PLAN_LIMITS.clients) {
    let n = 1;
    while (all.includes(`client#${n}`)) n++;
    out.push({ do: 'spawn', proc: `client#${n}` });
  }
  const servers = [...procs.values()].filter((p) => p.role === 'parent' || p.role.startsWith('parent#'));
  if (servers.every((p) => !p.alive)) {
    let n = 2;
    while (all.includes(`parent#${n}`)) n++;
    if (n <= 9) out.push({ do: 'spawn', proc: `parent#${n}` });
  }
  for (const p of procs.values()) {
    if (!p.alive) continue;
    out.push({ do: 'kill', proc: p.role, signal: 'SIGTERM' });
  }
  for (const p of procs.values()) {
    if (!p.alive) continue;
    const socket = choices(p).find((c) => c.open);
    if (socket) out.push({ do: 'drop', proc: p.role, fd: socket.ref, segment: 'FIN' });
  }
  return out;
}

/** How an outside step reads in the adder's action menu, before its signal or segment is chosen: "start client#2", "kill child#1", "drop a segment at client#1". */
export function outsideChoiceText(step: PlanStep): string {
  switch (step.do) {
    case 'kill':
      return `kill ${step.proc}`;
    case 'drop':
      return `drop a segment at ${step.proc}`;
    default:
      return stepText(step);
  }
}

/** The segments a drop can lose, as the adder names them (the handshake's last ACK and a FIN's ACK are 'ACK'). */
export const DROP_SEGMENT_TEXT: Readonly<Record<DropSegment, string>> = {
  'SYN-ACK': 'SYN-ACK (the answer to connect)',
  ACK: 'ACK (an acknowledgment only)',
  FIN: 'FIN',
  data: 'data',
};

// ---------- edits: each returns a new plan ----------

function withSteps(plan: Plan, steps: PlanStep[]): Plan {
  return { ...plan, steps };
}

export function insertStep(plan: Plan, index: number, step: PlanStep): Plan {
  const steps = [...plan.steps];
  steps.splice(Math.max(0, Math.min(index, steps.length)), 0, step);
  return withSteps(plan, steps);
}

export function removeStep(plan: Plan, index: number): Plan {
  return withSteps(plan, plan.steps.filter((_, i) => i !== index));
}

export function replaceStep(plan: Plan, index: number, step: PlanStep): Plan {
  return withSteps(plan, plan.steps.map((s, i) => (i === index ? step : s)));
}

/** Move step `from` so that it ends up at position `to` (both 0-based, `to` in the resulting order). */
export function moveStep(plan: Plan, from: number, to: number): Plan {
  if (from < 0 || from >= plan.steps.length) return plan;
  const steps = [...plan.steps];
  const [step] = steps.splice(from, 1);
  steps.splice(Math.max(0, Math.min(to, steps.length)), 0, step!);
  return withSteps(plan, steps);
}

// ---------- how a step reads in the editor ----------

/** A short text for a step: "close(connfd)", "write(sockfd, "hello\n")", "spawn client#1". */
export function stepText(step: PlanStep): string {
  switch (step.do) {
    case 'spawn':
      return `start ${step.proc}`;
    case 'kill':
      return `kill ${step.proc} (${step.signal})`;
    case 'drop':
      return `drop the next ${step.segment} at ${step.proc}'s ${step.fd}`;
    case 'socket':
    case 'fork':
      return `${step.do}()`;
    case 'setsockopt':
      return step.opt === 'SO_REUSEADDR' ? `setsockopt(${step.fd}, SO_REUSEADDR)` : `setsockopt(${step.fd}, SO_LINGER {${step.onoff}, ${step.linger}})`;
    case 'listen':
      return `listen(${step.fd}, ${step.backlog})`;
    case 'write':
      return `write(${step.fd}, ${JSON.stringify(step.text)})`;
    case 'shutdown':
      return `shutdown(${step.fd}, ${step.how})`;
    case 'signal':
      return `signal(SIGCHLD, ${step.disposition === 'handler' ? `sig_chld${step.restart === false ? ', no restart' : ''}` : step.disposition})`;
    case 'waitpid':
      return `waitpid(-1, ${step.nohang ? 'WNOHANG' : '0'})`;
    case 'setrlimit':
      return `setrlimit(NOFILE, ${step.nofile})`;
    case 'exit':
      return `exit(${step.status})`;
    default:
      return `${step.do}(${step.fd})`;
  }
}
