// Random plans: random interleavings of the plan vocabulary over one to three clients — forks,
// closes, shutdowns, linger, reads and writes, exits and kills — for `npm run lab --
// --random-plans N --seed S`, which runs each one for real and holds the model against the
// kernel and the prediction against the real run.
//
// Every plan is valid and never stalls: a step is added only if the prediction says its process
// can make it (at a gate, not blocked inside a call, not ended); the prediction is computed again
// after each step, so a blocking read or accept simply takes that process out of the choice until
// something wakes it. The same seed gives the same plans (a disagreement can be replayed).

import { createReplay } from '../model/replay.ts';
import type { ModelSnapshot } from '../model/types.ts';
import { parseTrace } from '../trace/parse.ts';
import { predictPlan } from './predict.ts';
import { PLAN_FORMAT, PLAN_VERSION, type Plan, type PlanStep } from './types.ts';

/** A small, fast, seedable generator (mulberry32): the same seed, the same sequence. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Choice {
  weight: number;
  step: PlanStep;
}

const TEXTS = ['hello\n', 'ping\n', 'x', 'abc\n'];

/** The model at the end of `plan`'s prediction, or null if it stalled. */
export function predictedEnd(plan: Plan): ModelSnapshot | null {
  const predicted = predictPlan(plan);
  if (predicted.stalled) return null;
  const parsed = parseTrace(predicted.records.map((r) => JSON.stringify(r)).join('\n'));
  if (!parsed.ok) throw new Error(`the prediction of a random plan is not a valid trace: ${parsed.errors[0]?.message ?? 'unknown error'}`);
  const replay = createReplay(parsed.trace);
  return replay.atStep(replay.stepCount - 1);
}

/** What each process that can act now might do, with weights: mostly what the book's programs do, sometimes not. */
function choices(plan: Plan, end: ModelSnapshot, clientsSpawned: number, maxClients: number, rnd: () => number): Choice[] {
  const out: Choice[] = [];
  const add = (weight: number, step: PlanStep) => out.push({ weight, step });
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const endpointOf = (fileId: string) => {
    const file = end.openFiles.find((o) => o.id === fileId);
    return file ? end.endpoints.find((e) => e.id === file.endpointId) : undefined;
  };
  const listening = end.endpoints.some((e) => e.kind === 'listener' && e.state === 'LISTEN');
  const live = end.processes.filter((p) => p.status !== 'exited' && p.status !== 'zombie');
  const activeClients = live.filter((p) => p.role.startsWith('client#')).length;
  if (clientsSpawned < maxClients) add(activeClients === 0 ? 6 : 1.2, { do: 'spawn', proc: `client#${clientsSpawned + 1}` });
  for (const p of live) {
    const role = p.role;
    if (role !== 'parent') add(0.3, { do: 'kill', proc: role, signal: pick(['SIGTERM', 'SIGKILL'] as const) });
    // At the gate: before its next call, or parked (pause) because the plan has no more steps for it yet.
    if (p.status !== 'at-gate') continue;
    const mine = plan.steps.filter((s) => s.proc === role);
    const last = mine[mine.length - 1];
    const fds = p.fds.map((f) => ({ fd: f.fd, ep: endpointOf(f.fileId) }));
    const listener = fds.find((f) => f.ep?.kind === 'listener');
    const conns = fds.filter((f) => f.ep && f.ep.kind !== 'listener' && f.ep.remote !== null);
    const unconnected = fds.find((f) => f.ep?.kind === 'client' && f.ep.remote === null && f.ep.state === 'CLOSED');
    const isClient = role.startsWith('client#');
    if (isClient && !mine.some((s) => s.do === 'socket')) {
      add(20, { proc: role, do: 'socket' });
      continue;
    }
    if (unconnected && !mine.some((s) => s.do === 'connect')) add(listening ? 20 : 1, { proc: role, do: 'connect', fd: unconnected.fd });
    if (role === 'parent' && listener) {
      const queued = end.endpoints.some((e) => e.queuedOn !== null);
      add(queued ? 15 : 0.4, { proc: role, do: 'accept', fd: listener.fd });
      const children = end.processes.filter((c) => c.ppid === p.pid && c.status !== 'exited' && c.status !== 'zombie').length;
      if (conns.length > 0 && children < 3) add(last?.do === 'accept' ? 15 : 1.5, { proc: role, do: 'fork' });
      if (end.processes.some((c) => c.ppid === p.pid && c.status === 'zombie')) add(2, { proc: role, do: 'waitpid', nohang: false });
      add(0.3, { proc: role, do: 'waitpid', nohang: true });
    }
    if (listener && role !== 'parent') add(6, { proc: role, do: 'close', fd: listener.fd });
    if (listener && role === 'parent') add(0.2, { proc: role, do: 'close', fd: listener.fd });
    const server = !isClient;
    for (const { fd, ep } of conns) {
      const readable = (ep?.unread ?? 0) > 0 || ep?.eof === true;
      add(role === 'parent' ? 6 : 3, { proc: role, do: 'close', fd });
      add(role === 'parent' ? 0.8 : 3, { proc: role, do: 'write', fd, text: pick(TEXTS) });
      add(readable ? 6 : role === 'parent' ? 0.5 : 2, { proc: role, do: 'read', fd });
      add(server ? 1 : 1.5, { proc: role, do: 'shutdown', fd, how: pick(['SHUT_WR', 'SHUT_WR', 'SHUT_RD', 'SHUT_RDWR'] as const) });
      add(0.6, { proc: role, do: 'setsockopt', fd, opt: 'SO_LINGER', onoff: 1, linger: 0 });
    }
    if (last?.do === 'close' && typeof last.fd === 'number') add(0.4, { proc: role, do: 'close', fd: last.fd }); // the second close: EBADF
    add(role === 'parent' ? 0.1 : fds.length === 0 ? 5 : 0.8, { proc: role, do: 'exit', status: 0 });
  }
  return out;
}

function weighted(cs: Choice[], rnd: () => number): PlanStep {
  const total = cs.reduce((s, c) => s + c.weight, 0);
  let x = rnd() * total;
  for (const c of cs) {
    x -= c.weight;
    if (x <= 0) return c.step;
  }
  return cs[cs.length - 1]!.step;
}

export interface RandomPlanOptions {
  /** Steps after the server's start: at most this many (default 30). */
  maxSteps?: number;
}

/** One random plan, from a seed. */
export function randomPlan(seed: number, opts: RandomPlanOptions = {}): Plan {
  const rnd = seededRandom(seed);
  const maxClients = 1 + Math.floor(rnd() * 3);
  const maxSteps = opts.maxSteps ?? 30;
  const length = 8 + Math.floor(rnd() * (maxSteps - 7));
  const steps: PlanStep[] = [{ proc: 'parent', do: 'socket' }];
  if (rnd() < 0.5) steps.push({ proc: 'parent', do: 'setsockopt', fd: 'listenfd', opt: 'SO_REUSEADDR' });
  steps.push({ proc: 'parent', do: 'bind', fd: 'listenfd' }, { proc: 'parent', do: 'listen', fd: 'listenfd', backlog: 5 });
  const sig = rnd();
  if (sig < 0.25) steps.push({ proc: 'parent', do: 'signal', sig: 'SIGCHLD', disposition: 'SIG_IGN' });
  else if (sig < 0.5) steps.push({ proc: 'parent', do: 'signal', sig: 'SIGCHLD', disposition: 'handler', ...(rnd() < 0.4 ? { restart: false } : {}) });
  const plan: Plan = { format: PLAN_FORMAT, version: PLAN_VERSION, title: `random plan, seed ${seed}`, steps };
  let clients = 0;
  for (let tries = 0; plan.steps.length < length && tries < length * 8; tries++) {
    const end = predictedEnd(plan);
    if (!end) throw new Error(`random plan (seed ${seed}) stalls before it is complete: ${JSON.stringify(plan.steps)}`);
    const cs = choices(plan, end, clients, maxClients, rnd);
    if (cs.length === 0) break;
    const step = weighted(cs, rnd);
    const candidate: Plan = { ...plan, steps: [...plan.steps, step] };
    if (predictPlan(candidate).stalled) continue; // it would wait on something that never comes: choose again
    plan.steps = candidate.steps;
    if (step.do === 'spawn') clients++;
  }
  return plan;
}

/** N plans from one seed: plan i from seed·1000 + i, so any one can be made again alone. */
export function randomPlans(n: number, seed: number, opts?: RandomPlanOptions): { seed: number; plan: Plan }[] {
  return Array.from({ length: n }, (_, i) => {
    const s = seed * 1000 + i;
    return { seed: s, plan: randomPlan(s, opts) };
  });
}
