// Validating a plan: the one gate every plan passes, from the browser (import, a shared link),
// the command line (`--plan FILE`) and the companion (`start-plan`). A plan that passes is
// well-formed: every step names a process that exists at that point and a call its program
// makes, every descriptor was opened by that process (or its parent before the fork), and the
// caps hold. It may still fail when it runs (a double close, a write after an RST): that is an
// experiment, not a bad plan.

import { applyStep, resolveFd, startTable } from './descriptors.ts';
import {
  DROP_SEGMENTS,
  FD_NAMES,
  KILL_SIGNALS,
  kindOfRole,
  PLAN_FORMAT,
  PLAN_LIMITS,
  PLAN_VERSION,
  ROLE_PATTERN,
  SHUTDOWN_HOWS,
  SIGCHLD_DISPOSITIONS,
  type FdRef,
  type Plan,
  type PlanStep,
  type ProcessKind,
} from './types.ts';

export type PlanParseResult = { ok: true; plan: Plan } | { ok: false; error: string };

/** The calls each program may make. */
export const ACTIONS_OF: Record<ProcessKind, readonly string[]> = {
  server: ['socket', 'setsockopt', 'bind', 'listen', 'accept', 'fork', 'close', 'shutdown', 'read', 'write', 'signal', 'waitpid', 'setrlimit', 'exit'],
  client: ['socket', 'setsockopt', 'connect', 'write', 'read', 'shutdown', 'close', 'exit'],
};

class PlanError extends Error {}

function fail(where: string, what: string): never {
  throw new PlanError(`${where}: ${what}`);
}

type Obj = Record<string, unknown>;

function onlyKeys(where: string, o: Obj, keys: readonly string[]): void {
  for (const k of Object.keys(o)) if (!keys.includes(k)) fail(where, `unknown field "${k}" (expected ${keys.map((x) => `"${x}"`).join(', ')})`);
}

function int(where: string, o: Obj, key: string, min: number, max: number): number {
  const v = o[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) fail(where, `"${key}" must be a whole number from ${min} to ${max}`);
  return v;
}

function oneOf<T extends string>(where: string, o: Obj, key: string, values: readonly T[]): T {
  const v = o[key];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) fail(where, `"${key}" must be one of ${values.join(', ')}`);
  return v as T;
}

function fdRef(where: string, o: Obj): FdRef {
  const v = o.fd;
  if (typeof v === 'string' && (FD_NAMES as readonly string[]).includes(v)) return v as FdRef;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 3 && v <= PLAN_LIMITS.fd) return v;
  // 0–2 are the standard streams, and the lab's event channel is one of them: never a plan's.
  fail(where, `"fd" must be a descriptor number from 3 to ${PLAN_LIMITS.fd} (0–2 are the standard streams) or a name (${FD_NAMES.join(', ')})`);
}

/** One step's shape (not yet whether it makes sense where it is). */
function readStep(where: string, raw: unknown): PlanStep {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(where, 'a step must be an object such as {"proc": "parent", "do": "socket"}');
  const o = raw as Obj;
  if (typeof o.do !== 'string') fail(where, '"do" must name the call or action');
  if (typeof o.proc !== 'string' || !ROLE_PATTERN.test(o.proc)) {
    fail(where, '"proc" must name a process: parent, child#N (made by the parent\'s N-th fork), client#N, or parent#N (N ≥ 2, a restarted server)');
  }
  const proc = o.proc;
  const k = (...keys: string[]) => onlyKeys(where, o, ['proc', 'do', ...keys]);
  switch (o.do) {
    case 'socket':
    case 'fork':
      k();
      return { proc, do: o.do };
    case 'setsockopt': {
      const opt = oneOf(where, o, 'opt', ['SO_REUSEADDR', 'SO_LINGER'] as const);
      if (opt === 'SO_REUSEADDR') {
        k('fd', 'opt');
        return { proc, do: 'setsockopt', fd: fdRef(where, o), opt };
      }
      k('fd', 'opt', 'onoff', 'linger');
      return { proc, do: 'setsockopt', fd: fdRef(where, o), opt, onoff: int(where, o, 'onoff', 0, 1) as 0 | 1, linger: int(where, o, 'linger', 0, PLAN_LIMITS.linger) };
    }
    case 'bind':
    case 'accept':
    case 'connect':
    case 'close':
    case 'read':
      k('fd');
      return { proc, do: o.do, fd: fdRef(where, o) };
    case 'listen':
      k('fd', 'backlog');
      return { proc, do: 'listen', fd: fdRef(where, o), backlog: int(where, o, 'backlog', 0, PLAN_LIMITS.backlog) };
    case 'shutdown':
      k('fd', 'how');
      return { proc, do: 'shutdown', fd: fdRef(where, o), how: oneOf(where, o, 'how', SHUTDOWN_HOWS) };
    case 'write': {
      k('fd', 'text');
      if (typeof o.text !== 'string' || o.text.length === 0) fail(where, '"text" must be the text to write (not empty)');
      if (new TextEncoder().encode(o.text).length > PLAN_LIMITS.text) fail(where, `"text" is longer than ${PLAN_LIMITS.text} bytes`);
      return { proc, do: 'write', fd: fdRef(where, o), text: o.text };
    }
    case 'signal': {
      k('sig', 'disposition', 'restart');
      oneOf(where, o, 'sig', ['SIGCHLD'] as const);
      const disposition = oneOf(where, o, 'disposition', SIGCHLD_DISPOSITIONS);
      if (o.restart !== undefined && typeof o.restart !== 'boolean') fail(where, '"restart" must be true or false');
      if (o.restart !== undefined && disposition !== 'handler') fail(where, '"restart" applies only to a handler');
      return o.restart === undefined ? { proc, do: 'signal', sig: 'SIGCHLD', disposition } : { proc, do: 'signal', sig: 'SIGCHLD', disposition, restart: o.restart as boolean };
    }
    case 'waitpid':
      k('nohang');
      if (typeof o.nohang !== 'boolean') fail(where, '"nohang" must be true (WNOHANG) or false (0)');
      return { proc, do: 'waitpid', nohang: o.nohang };
    case 'setrlimit':
      k('nofile');
      return { proc, do: 'setrlimit', nofile: int(where, o, 'nofile', PLAN_LIMITS.nofile.min, PLAN_LIMITS.nofile.max) };
    case 'exit':
      k('status');
      return { proc, do: 'exit', status: int(where, o, 'status', 0, 255) };
    case 'spawn':
      k();
      if (!/^(client#|parent#)/.test(proc)) fail(where, 'only a client (client#N) or a restarted server (parent#N) can be spawned');
      return { do: 'spawn', proc };
    case 'kill':
      k('signal');
      return { do: 'kill', proc, signal: oneOf(where, o, 'signal', KILL_SIGNALS) };
    case 'drop':
      k('fd', 'segment');
      return { do: 'drop', proc, fd: fdRef(where, o), segment: oneOf(where, o, 'segment', DROP_SEGMENTS) };
    default:
      fail(where, `unknown action "${String(o.do).slice(0, 40)}"; a process can ${ACTIONS_OF.server.join(', ')} (server) or ${ACTIONS_OF.client.join(', ')} (client); from outside: spawn, kill, drop`);
  }
}

/** Check that the steps make sense in order: processes exist, descriptors were opened, caps hold. */
function checkOrder(steps: PlanStep[]): void {
  const procs = startTable();
  let clients = 0;
  steps.forEach((step, i) => {
    const where = `step ${i + 1}`;
    const p = procs.get(step.proc);
    if (step.do === 'spawn') {
      if (p?.alive) fail(where, `${step.proc} is already running`);
      if (p && !p.alive) fail(where, `${step.proc} has already run; spawn a new one (client#${clients + 1})`);
      if (step.proc.startsWith('client#') && ++clients > PLAN_LIMITS.clients) fail(where, `more than ${PLAN_LIMITS.clients} clients`);
    } else {
      if (!p) fail(where, `${step.proc} does not exist yet (${step.proc.startsWith('child#') ? 'the parent has not forked it' : 'spawn it first'})`);
      if (!p.alive) fail(where, `${step.proc} has already ended`);
      const kind = kindOfRole(step.proc);
      if (step.do !== 'kill' && step.do !== 'drop' && !ACTIONS_OF[kind].includes(step.do)) fail(where, `a ${kind} does not ${step.do} here (a ${kind} can ${ACTIONS_OF[kind].join(', ')})`);
      if ('fd' in step) {
        const n = resolveFd(p, step.fd);
        if (n === undefined) fail(where, `${step.proc} has no descriptor named ${step.fd} yet`);
        if (!p.ever.has(n)) fail(where, `${step.proc}'s descriptor ${n} was never opened`);
      }
      if (step.do === 'fork' && step.proc !== 'parent') fail(where, 'only the server\'s parent forks in a plan (its children are child#1, child#2 …)');
    }
    applyStep(procs, step);
    const alive = [...procs.values()].filter((k) => k.alive).length;
    if (alive > PLAN_LIMITS.processes) fail(where, `more than ${PLAN_LIMITS.processes} processes at once`);
  });
}

/** Validate a plan given as JSON text or as parsed data. Never throws. */
export function parsePlan(input: unknown): PlanParseResult {
  try {
    let data = input;
    if (typeof input === 'string') {
      if (input.length > PLAN_LIMITS.bytes) fail('plan', `larger than ${PLAN_LIMITS.bytes / 1024} KiB`);
      try {
        data = JSON.parse(input);
      } catch (err) {
        fail('plan', `not JSON (${(err as Error).message})`);
      }
    }
    if (typeof data !== 'object' || data === null || Array.isArray(data)) fail('plan', 'must be a JSON object with format, version, title and steps');
    const o = data as Obj;
    onlyKeys('plan', o, ['format', 'version', 'title', 'steps']);
    if (o.format !== PLAN_FORMAT) fail('plan', `"format" must be "${PLAN_FORMAT}"`);
    if (o.version !== PLAN_VERSION) fail('plan', `"version" ${JSON.stringify(o.version)} is not supported (this forkscope reads version ${PLAN_VERSION})`);
    if (typeof o.title !== 'string' || o.title.length > PLAN_LIMITS.title) fail('plan', `"title" must be a text of at most ${PLAN_LIMITS.title} characters`);
    if (!Array.isArray(o.steps)) fail('plan', '"steps" must be a list');
    if (o.steps.length > PLAN_LIMITS.steps) fail('plan', `${o.steps.length} steps; a plan has at most ${PLAN_LIMITS.steps}`);
    const steps = o.steps.map((s, i) => readStep(`step ${i + 1}`, s));
    checkOrder(steps);
    return { ok: true, plan: { format: PLAN_FORMAT, version: PLAN_VERSION, title: o.title, steps } };
  } catch (err) {
    if (err instanceof PlanError) return { ok: false, error: err.message };
    return { ok: false, error: `plan: ${(err as Error).message}` };
  }
}
