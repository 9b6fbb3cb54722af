// "Experiment from here": the plan that led a lesson's trace to a step, for the sandbox to start
// from. Each step of a lesson is one schedule entry, and the trace says which: a `release` (a
// process's call, whose arguments its `call` event gave), a `spawn`, or a runner's `signal` (a
// kill), or a `drop` (since 1.2). Each becomes one plan step, except where the lab's program does what a plan's step
// does not:
//   - a lesson's accept is released twice (into poll, then at `ready`): one plan accept, at the
//     second release when there is one (the sandbox's accept is a real accept(2), which returns at
//     once when a connection is queued: until then the connection waits in the queue, held by no
//     descriptor, as in the lesson), else at the first (the accept still waits, as in the lesson);
//   - the waitpid calls of a SIGCHLD handler (released inside sig_chld) are the handler's: the
//     plan's `signal` step installs the same handler, which makes them itself;
//   - a lesson's program that exits on an error of its own (err_sys: accept's EMFILE) exits
//     without an exit call: the plan says `exit` with its status, since a plan's process goes
//     on after a failed call;
//   - a call no plan step can say (pause, a setsockopt or setrlimit the plan format has no
//     words for) is left out;
//   - values beyond the plan's caps are brought within them (listen's backlog 1024 → 128).
// The server's knobs need nothing of their own: the lesson's server applied them with calls
// (setsockopt SO_REUSEADDR, sigaction, setrlimit), which are steps like the others.
// Descriptors are named as the book names them (listenfd, connfd, sockfd) where the name stands
// for that number at that point of the plan, else given by number. The result passes parsePlan.

import type { CallEvent, Trace } from '../trace/types.ts';
import { parsePlan } from './parse.ts';
import {
  DROP_SEGMENTS,
  KILL_SIGNALS,
  PLAN_FORMAT,
  PLAN_LIMITS,
  PLAN_VERSION,
  ROLE_PATTERN,
  SHUTDOWN_HOWS,
  type DropSegment,
  type FdRef,
  type KillSignal,
  type Plan,
  type PlanShutdownHow,
  type PlanStep,
  type ProcessAction,
} from './types.ts';
import { applyStep, startTable, type PlanDescriptors, type PlanTable } from './descriptors.ts';
import { endsStep } from './walk.ts';

const clamp = (n: number, min: number, max: number): number => Math.min(max, Math.max(min, n));

/** A lab call as a plan action, or null when no plan step says it. `fd` is the descriptor as the plan gives it. */
function actionOf(call: CallEvent, fd: FdRef): ProcessAction | null {
  switch (call.fn) {
    case 'socket':
      return { do: 'socket' };
    case 'setsockopt': {
      const a = call.args;
      if (a.optname === 'SO_REUSEADDR') return { do: 'setsockopt', fd, opt: 'SO_REUSEADDR' };
      if (a.optname === 'SO_LINGER') return { do: 'setsockopt', fd, opt: 'SO_LINGER', onoff: a.l_onoff ? 1 : 0, linger: clamp(a.l_linger, 0, PLAN_LIMITS.linger) };
      return null;
    }
    case 'bind':
    case 'accept':
    case 'connect':
    case 'close':
    case 'read':
      return { do: call.fn, fd };
    case 'listen':
      return { do: 'listen', fd, backlog: clamp(call.args.backlog, 0, PLAN_LIMITS.backlog) };
    case 'shutdown':
      return (SHUTDOWN_HOWS as readonly string[]).includes(call.args.how) ? { do: 'shutdown', fd, how: call.args.how as PlanShutdownHow } : null;
    case 'write': {
      const text = truncateUtf8(call.args.data, PLAN_LIMITS.text);
      return text.length > 0 ? { do: 'write', fd, text } : null;
    }
    case 'fork':
      return { do: 'fork' };
    case 'sigaction': {
      const a = call.args;
      if (a.sig !== 'SIGCHLD') return null;
      if (a.handler === 'SIG_DFL' || a.handler === 'SIG_IGN') return { do: 'signal', sig: 'SIGCHLD', disposition: a.handler };
      return a.flags === 'SA_RESTART' ? { do: 'signal', sig: 'SIGCHLD', disposition: 'handler' } : { do: 'signal', sig: 'SIGCHLD', disposition: 'handler', restart: false };
    }
    case 'waitpid':
      return { do: 'waitpid', nohang: call.args.options === 'WNOHANG' };
    case 'setrlimit': {
      const a = call.args;
      if (a.resource !== 'RLIMIT_NOFILE' || a.soft < 0) return null; // RLIM_INFINITY: no plan step says "no limit"
      return { do: 'setrlimit', nofile: clamp(a.soft, PLAN_LIMITS.nofile.min, PLAN_LIMITS.nofile.max) };
    }
    case 'exit':
      return { do: 'exit', status: clamp(call.args.status, 0, 255) };
    case 'pause':
      return null;
  }
}

/** The longest start of `text` that fits in `bytes` bytes of UTF-8. */
function truncateUtf8(text: string, bytes: number): string {
  const encoder = new TextEncoder();
  let out = '';
  for (const ch of text) {
    if (encoder.encode(out + ch).length > bytes) break;
    out += ch;
  }
  return out;
}

/**
 * The plan that takes a lesson's trace from its start to the end of step `upToStep` (clamped to
 * the trace's steps). Always valid (parsePlan accepts it); steps no plan can take are left out.
 */
export function planFromTrace(trace: Trace, upToStep: number): Plan {
  const steps: PlanStep[] = [];
  const known = startTable();
  /** Each process's calls not yet returned, innermost last (a handler's call sits on the one it interrupted). */
  const pending = new Map<number, CallEvent[]>();
  /** Processes whose accept said `ready`: its second release is the same plan step. */
  const ready = new Set<number>();
  /** A process's accept released into poll: the index of its plan step, moved to the second release. */
  const polling = new Map<number, number>();
  let label = 'start';
  let step = 0;
  let clients = 0;

  const add = (s: PlanStep): void => {
    if (steps.length < PLAN_LIMITS.steps) steps.push(s);
  };

  for (const e of trace.events) {
    if (endsStep(e)) {
      label = e.label;
      step = e.step;
      if (e.step >= upToStep) break;
      continue;
    }
    switch (e.kind) {
      case 'spawn':
        if (e.role === 'parent' || !ROLE_PATTERN.test(e.role) || known.has(e.role)) break;
        if (e.role.startsWith('client#') && ++clients > PLAN_LIMITS.clients) break;
        add(taken(known, { do: 'spawn', proc: e.role }));
        break;
      case 'signal':
        if (e.from === 'runner' && (KILL_SIGNALS as readonly string[]).includes(e.signal) && known.has(e.role)) {
          add({ do: 'kill', proc: e.role, signal: e.signal as KillSignal });
        }
        break;
      case 'call':
        pending.set(e.pid, [...(pending.get(e.pid) ?? []), e]);
        break;
      case 'ready':
        ready.add(e.pid);
        break;
      case 'return': {
        const stack = pending.get(e.pid) ?? [];
        const at = stack.map((c) => c.fn).lastIndexOf(e.fn);
        if (at >= 0) pending.set(e.pid, [...stack.slice(0, at), ...stack.slice(at + 1)]);
        if (e.fn === 'accept') ready.delete(e.pid);
        break;
      }
      case 'exit': {
        const exitCall = (pending.get(e.pid) ?? []).some((c) => c.fn === 'exit');
        pending.delete(e.pid);
        // Killed: the kill step (or the same signal in the sandbox, SIGPIPE) says it. Exited by an
        // exit call: its release did. Exited on its own (err_sys): the plan must say it.
        if (e.signal === null && !exitCall && known.has(e.role)) {
          add({ proc: e.role, do: 'exit', status: clamp(e.status ?? 0, 0, 255) });
        }
        break;
      }
      case 'release': {
        const stack = pending.get(e.pid) ?? [];
        const call = stack[stack.length - 1];
        if (!call || call.fn !== e.fn) break;
        if (e.fn === 'accept' && ready.has(e.pid)) {
          // The second half of the lab's accept: the plan's accept happens now.
          const at = polling.get(e.pid);
          polling.delete(e.pid);
          if (at !== undefined) steps.push(...steps.splice(at, 1));
          break;
        }
        if (stack.length > 1) break; // a signal handler's call (sig_chld's waitpid): the plan's handler makes it
        const s = stepOf(e.role, call, known);
        if (s && steps.length < PLAN_LIMITS.steps) {
          if (call.fn === 'accept' && call.waitsIn === 'poll') polling.set(e.pid, steps.length);
          steps.push(s);
        }
        break;
      }
      default:
        // A schedule's drop (trace 1.2, docs/drops.md): the plan's drop step, on the same descriptor.
        if ((e.kind as string) === 'drop') {
          const d = e as unknown as { role: string; fd: number; segment: string };
          const k = known.get(d.role);
          if (k && k.ever.has(d.fd) && (DROP_SEGMENTS as readonly string[]).includes(d.segment)) {
            add({ do: 'drop', proc: d.role, fd: fdRefOf(k, d.fd), segment: d.segment as DropSegment });
          }
        }
        break;
    }
  }
  const title = `${trace.header.scenario.title}, up to ${label === 'start' ? 'its start' : `step ${step} (${label})`}`.slice(0, PLAN_LIMITS.title);
  const plan: Plan = { format: PLAN_FORMAT, version: PLAN_VERSION, title, steps };
  const checked = parsePlan(plan);
  if (!checked.ok) throw new Error(`planFromTrace made a plan parsePlan refuses (${checked.error}): a bug in fromTrace.ts`);
  return checked.plan;
}

/** A step, once the plan's descriptor table has taken it (descriptors.ts). */
function taken(table: PlanTable, step: PlanStep): PlanStep {
  applyStep(table, step);
  return step;
}

/** A descriptor as the plan says it: the book's name when that name stands for this number, else the number. */
function fdRefOf(k: PlanDescriptors, n: number): FdRef {
  return ([...k.names].find(([, v]) => v === n)?.[0] as FdRef | undefined) ?? n;
}

/**
 * The plan step for `role`'s call, and what it does to the plan's descriptor numbers and names
 * (as parsePlan counts them); null when the plan cannot say it (no such process in the plan, a
 * descriptor the plan never opened, a call without a plan step).
 */
function stepOf(role: string, call: CallEvent, known: PlanTable): PlanStep | null {
  const k = known.get(role);
  if (!k || !ROLE_PATTERN.test(role)) return null;
  let fd: FdRef = -1;
  if ('fd' in call.args && typeof call.args.fd === 'number') {
    const n = call.args.fd;
    if (!k.ever.has(n) || n > PLAN_LIMITS.fd) return null;
    fd = fdRefOf(k, n);
  }
  const action = actionOf(call, fd);
  if (!action) return null;
  if (action.do === 'fork' && role !== 'parent') return null;
  return taken(known, { proc: role, ...action } as PlanStep);
}
