// Settling a step: wait until its effects are over before the kernel snapshot is taken. Every
// lab process waits at a gate, sleeps in the kernel inside its pending call, or has exited; TCP
// is in no transient state, no data is in flight or unacknowledged, and two samples agree. While a
// drop holds a socket (its segment lost, the retransmission still to come), that socket and its
// peer are left out of the first two checks: their held state is what the snapshot must show;
// every other socket is still waited for. Both are repeated until a round changes nothing, since a segment can wake a process (a FIN ends a
// read) and a process can send segments.

import { portOf } from '../../trace/address.ts';
import { TRANSIENT_TCP_STATES } from '../../trace/types.ts';
import type { HeldSocket } from './dropper.ts';
import { describeProc, waitsAtGate, type LabProc } from './labProcess.ts';
import type { ProcStat } from './procfs.ts';
import { dataInFlight, socketsKey, type ObservedSocket } from './sockets.ts';

/** How long a step may take to settle before the run fails. */
export const SETTLE_TIMEOUT_MS = 3000;
/** How long TCP may stay in a transient state (or keep changing) before the snapshot is taken anyway. */
const TCP_SETTLE_MS = 500;

/** What settling needs from the run (injected: the run owns the processes and the observers). */
export interface SettleWorld {
  /** The run's processes, in the order they appeared. */
  procs(): Iterable<LabProc>;
  /** Lines read from the lab so far (a round that read none changed nothing). */
  lineCount(): number;
  /** Throws if the run failed or is being stopped. */
  checkStillRunning(): void;
  /** Register children found in /proc that have not spoken yet. */
  discoverChildren(): void;
  /** Note a process that has ended (a zombie, or gone); true if it is settled. */
  noteEnded(p: LabProc, stat: ProcStat | null): boolean;
  readStat(pid: number): ProcStat | null;
  /** The run's sockets now. */
  sampleSockets(): Promise<ObservedSocket[]>;
  /**
   * The sockets a drop holds (its segment lost, the retransmission not through yet: dropper.ts),
   * or null when none: those stay in a transient state, or keep data unacknowledged, on purpose.
   */
  holding(): readonly HeldSocket[] | null;
  /** An error naming the step that did not settle, and why. */
  notSettled(label: string, what: string): Error;
}

const immediate = () => new Promise<void>((resolve) => setImmediate(resolve));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Let the event loop read whatever the lab has already written. Two turns: the first may land
 * in the check phase of the current loop iteration (whose poll phase may have run before the
 * caller looked at /proc); the second is after a full poll phase that started after it.
 */
export async function drain(): Promise<void> {
  await immediate();
  await immediate();
}

/** Short waits first (a step usually settles in well under a millisecond), longer ones later. */
async function backoff(iteration: number): Promise<void> {
  if (iteration < 20) return; // drain() between checks is the wait
  await sleep(iteration < 100 ? 1 : 5);
}

/** Wait until the step labelled `label` has settled; returns the last socket sample. */
export async function settle(world: SettleWorld, label: string): Promise<ObservedSocket[]> {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  let previous: string | null = null;
  for (let round = 0; ; round++) {
    const lines = world.lineCount();
    await settleProcesses(world, label, deadline);
    const tcp = await settleTcp(world, previous, deadline);
    if (round > 0 && world.lineCount() === lines && !tcp.changed) return tcp.sockets;
    previous = tcp.key;
    if (performance.now() > deadline) throw world.notSettled(label, 'TCP and the processes kept changing');
  }
}

async function settleProcesses(world: SettleWorld, label: string, deadline: number): Promise<void> {
  for (let i = 0; ; i++) {
    await drain();
    world.checkStillRunning();
    world.discoverChildren();
    let settled = true;
    const sleepers: { p: LabProc; events: number }[] = [];
    for (const p of world.procs()) {
      if (p.life === 'gone') continue;
      const stat = world.readStat(p.pid);
      if (stat === null || stat.state === 'Z' || stat.state === 'X') {
        if (!world.noteEnded(p, stat)) settled = false;
        continue;
      }
      if (stat.state !== 'S') {
        settled = false; // running (or stopped, or in D): not settled yet
        continue;
      }
      if (waitsAtGate(p)) continue;
      // Asleep, released, no return yet: blocked inside its call, or already asleep at its
      // next gate with lines we have not read. Decide after draining stdout once more.
      sleepers.push({ p, events: p.events });
    }
    world.checkStillRunning();
    if (settled && sleepers.length > 0) {
      await drain();
      for (const { p, events } of sleepers) {
        if (p.events !== events || waitsAtGate(p) || world.readStat(p.pid)?.state !== 'S') settled = false;
      }
    }
    if (settled) return;
    if (performance.now() > deadline) throw world.notSettled(label, stragglers(world));
    await backoff(i);
  }
}

function stragglers(world: SettleWorld): string {
  const out: string[] = [];
  for (const p of world.procs()) {
    if (p.life !== 'alive') continue;
    const stat = world.readStat(p.pid);
    if (stat && stat.state === 'S' && waitsAtGate(p)) continue;
    out.push(`${p.role} (pid ${p.pid}, state ${stat?.state ?? 'gone'}) is ${describeProc(p)}`);
  }
  return out.join('; ') || 'no process is unsettled';
}

/** Re-sample TCP until no socket is in a transient state, no data is in flight, and two samples in a row agree. */
async function settleTcp(world: SettleWorld, previous: string | null, deadline: number): Promise<{ sockets: ObservedSocket[]; key: string; changed: boolean }> {
  const until = Math.min(deadline, performance.now() + TCP_SETTLE_MS);
  let changed = false;
  for (let i = 0; ; i++) {
    const sockets = await world.sampleSockets();
    world.checkStillRunning();
    const key = socketsKey(sockets);
    if (previous !== null && key !== previous) changed = true;
    // A held socket is settled in its held state (docs/drops.md); every other one is waited for.
    const held = world.holding();
    const exempt = held === null ? null : heldSockets(sockets, held);
    const watched = exempt === null || exempt.size === 0 ? sockets : sockets.filter((s) => !exempt.has(s));
    const transient = watched.some((s) => TRANSIENT_TCP_STATES.includes(s.state)) || dataInFlight(watched);
    if ((!transient && key === previous) || performance.now() > until) return { sockets, key, changed };
    previous = key;
    await backoff(i);
    if (i < 20) await immediate();
  }
}

/**
 * The sockets of a sample that drops hold: each drop's own socket, by inode (or, once closed and an
 * orphan with inode 0, by the addresses it had), and its peer's end (the addresses reversed: the
 * sender of the lost segment waits for its retransmission). A listener's drop holds the connections
 * on its port, and their peers: the sockets a listener creates share its filter, and which one
 * lost the segment is not known.
 */
export function heldSockets(sockets: readonly ObservedSocket[], held: readonly HeldSocket[]): Set<ObservedSocket> {
  const out = new Set<ObservedSocket>();
  for (const h of held) {
    const own = h.inode !== 0 ? sockets.find((s) => s.inode === h.inode) : undefined;
    const ends = own ? { local: own.local, remote: own.remote } : h.ends;
    if (ends === null) continue;
    if (own?.state === 'LISTEN') {
      const port = portOf(ends.local);
      for (const s of sockets) if (port !== null && (portOf(s.local) === port || portOf(s.remote) === port)) out.add(s);
      continue;
    }
    for (const s of sockets) {
      if ((s.local === ends.local && s.remote === ends.remote) || (s.local === ends.remote && s.remote === ends.local)) out.add(s);
    }
  }
  return out;
}
