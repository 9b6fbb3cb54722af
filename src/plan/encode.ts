// A plan as the sandbox program's argv (src/lab/sandbox.c, read by src/lab/planstep.c): for each
// launch — the server `parent`, a restarted server `parent#N`, a client `client#N` — the steps of
// every role that launch may play, in the plan's order, each with its line of plan.c (source.ts),
// and where each of those roles parks once its steps run out.
//
//   --role=ROLE --port=N --step=ROLE,LINE,ACTION[,ARG…] … --park=ROLE,LINE …
//
// Fields are separated by commas and contain none: roles, numbers, fixed words, and a write's
// text as lower-case hex. The C side checks every field again. Outside steps (spawn, kill, drop)
// are the runner's, not the program's: they are not encoded.

import { planSource, type PlanSource } from './source.ts';
import { isProcessStep, kindOfRole, type FdRef, type Plan, type ProcessAction } from './types.ts';

/** The roles a launch of the sandbox plays: the server `parent` and the children it forks; any other role only itself. */
export function playsRole(launchRole: string, role: string): boolean {
  return role === launchRole || (launchRole === 'parent' && role.startsWith('child#'));
}

/** The roles the runner launches: `parent` at step 0, then each `spawn`ed role, in plan order. */
export function launchedRoles(plan: Plan): string[] {
  const roles = ['parent'];
  for (const step of plan.steps) if (step.do === 'spawn' && !roles.includes(step.proc)) roles.push(step.proc);
  return roles;
}

function hex(text: string): string {
  return [...new TextEncoder().encode(text)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

function fd(ref: FdRef): string {
  return String(ref);
}

/** One action as ACTION[,ARG…]. */
export function encodeAction(a: ProcessAction): string {
  switch (a.do) {
    case 'socket':
    case 'fork':
      return a.do;
    case 'setsockopt':
      return a.opt === 'SO_REUSEADDR' ? `reuseaddr,${fd(a.fd)}` : `linger,${fd(a.fd)},${a.onoff},${a.linger}`;
    case 'bind':
    case 'accept':
    case 'connect':
    case 'close':
    case 'read':
      return `${a.do},${fd(a.fd)}`;
    case 'listen':
      return `listen,${fd(a.fd)},${a.backlog}`;
    case 'shutdown':
      return `shutdown,${fd(a.fd)},${a.how}`;
    case 'write':
      return `write,${fd(a.fd)},${hex(a.text)}`;
    case 'signal':
      return `signal,${a.disposition === 'handler' && a.restart === false ? 'handler-intr' : a.disposition}`;
    case 'waitpid':
      return `waitpid,${a.nohang ? 'WNOHANG' : '0'}`;
    case 'setrlimit':
      return `setrlimit,${a.nofile}`;
    case 'exit':
      return `exit,${a.status}`;
  }
}

/**
 * The argv (after the program's path) of the sandbox launched as `launchRole` on `port`. The plan
 * must have passed parsePlan; `source` is planSource(plan), passed when the caller has it.
 */
export function sandboxArgs(plan: Plan, launchRole: string, port: number, source: PlanSource = planSource(plan)): string[] {
  const args = [`--role=${launchRole}`, `--port=${port}`];
  plan.steps.forEach((step, i) => {
    if (!isProcessStep(step) || !playsRole(launchRole, step.proc)) return;
    const line = source.stepLines[i];
    if (line === null || line === undefined) throw new Error(`step ${i + 1} (${step.proc} ${step.do}) has no line in plan.c`);
    args.push(`--step=${step.proc},${line},${encodeAction(step)}`);
  });
  // Every role this launch may become parks somewhere (a forked child with no steps too).
  for (const [role, line] of Object.entries(source.parkLines)) {
    if (playsRole(launchRole, role)) args.push(`--park=${role},${line}`);
  }
  return args;
}

/** The program a launched role is, as spawn events name it (the sandbox binary runs every role). */
export function programOfRole(role: string): 'server' | 'client' {
  return kindOfRole(role);
}
