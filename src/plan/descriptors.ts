// What a plan's order says of each process's descriptors, before anything runs: the number
// socket() or accept() returns (the lowest free one, from 3: the kernel's rule, if every call
// succeeds), the names a program gives them (listenfd, connfd, sockfd), a forked child's copy of
// its parent's table. The one home of that reading: parsePlan checks a plan with it, the runner
// resolves a drop's descriptor name with it, the editor offers descriptors with it, and a
// lesson's trace becomes a plan with it. (What the calls really return is the kernel's, or the
// prediction's: kernelRules.ts.)

import { kindOfRole, type FdRef, type PlanStep } from './types.ts';

/** One process's descriptors, as the plan's order has them. */
export interface PlanDescriptors {
  alive: boolean;
  /** Descriptor numbers open now. */
  open: Set<number>;
  /** Every number it ever had (a second close of one is an experiment, not a bad plan). */
  ever: Set<number>;
  /** The names the program gave, to the number each stands for. */
  names: Map<string, number>;
  /** How many times it has forked: its next child is child#(forks + 1). */
  forks: number;
}

export type PlanTable = Map<string, PlanDescriptors>;

const fresh = (): PlanDescriptors => ({ alive: true, open: new Set(), ever: new Set(), names: new Map(), forks: 0 });

/** The table at the start of a plan: the server's parent, with nothing open but 0–2. */
export function startTable(): PlanTable {
  return new Map([['parent', fresh()]]);
}

/** The lowest free descriptor: 0–2 are the standard streams, and the reaper closes everything else. */
export function lowestFree(open: ReadonlySet<number>): number {
  let fd = 3;
  while (open.has(fd)) fd++;
  return fd;
}

/** The number a descriptor reference stands for in a process, or undefined for a name not given yet. */
export function resolveFd(p: PlanDescriptors, ref: FdRef): number | undefined {
  return typeof ref === 'number' ? ref : p.names.get(ref);
}

/** The name a call gives the descriptor it returns. */
function nameOf(role: string, call: 'socket' | 'accept'): string {
  return call === 'accept' ? 'connfd' : kindOfRole(role) === 'client' ? 'sockfd' : 'listenfd';
}

/** Take one step into the table. A step that names a process the table does not have changes nothing. */
export function applyStep(table: PlanTable, step: PlanStep): void {
  if (step.do === 'spawn') {
    table.set(step.proc, fresh());
    return;
  }
  const p = table.get(step.proc);
  if (!p) return;
  switch (step.do) {
    case 'socket':
    case 'accept': {
      const fd = lowestFree(p.open);
      p.open.add(fd);
      p.ever.add(fd);
      p.names.set(nameOf(step.proc, step.do), fd);
      break;
    }
    case 'close': {
      const fd = resolveFd(p, step.fd);
      if (fd !== undefined) p.open.delete(fd);
      break;
    }
    case 'fork':
      p.forks++;
      table.set(`child#${p.forks}`, { alive: true, open: new Set(p.open), ever: new Set(p.ever), names: new Map(p.names), forks: 0 });
      break;
    case 'exit':
    case 'kill':
      p.alive = false;
      break;
  }
}
