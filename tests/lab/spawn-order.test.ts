// A spawn's order does not depend on how the scheduler treats the reaper, with every core kept
// busy by other processes: the reaper stamps a launch before anything the program does, and in
// the trace each spawned program's `spawn` begins its step and comes before all its events.
//
// It once came after a client's first call (1 of 215 spawns in many-clients): the reaper stamped
// the launch after fork, and now and then ran again only after the client had exec'd and
// written its call. On this 2-core machine that happened to 1 launch in 70 to 500 (fewer under
// this load than without it); so the reaper is launched a thousand times, which caught the old
// reaper every time it was tried, and the runner steps a scenario of spawns and many-clients.

import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manyClients } from '../../src/scenarios/many-clients.ts';
import type { Scenario } from '../../src/scenarios/types.ts';
import { labPath } from '../../src/server/lab/availability.ts';
import { readStat } from '../../src/server/lab/procfs.ts';
import type { KernelEvent, SpawnEvent, TraceEvent } from '../../src/trace/types.ts';
import { runScenario, type Recorder } from './helpers.ts';

/** Busy loops per core, for the duration of the file: one keeps each core busy (more only slow the runs). */
const HOGS_PER_CORE = 1;
/** A busy loop ends by itself after this long, should the test die before killing it. */
const HOG_LIMIT_MS = 120_000;
/** Launches of the reaper, and how many at a time. */
const LAUNCHES = 1000;
const AT_ONCE = 8;
/** Clients the runner spawns in one run. */
const CLIENTS = 20;

// Clients spawned one after another, each killed at its first gate (so the run stays under its
// cap of live processes), every tenth released once first; then a second server.
const spawns: Scenario = {
  id: 'spawn-order',
  title: 'Spawns while the machine is busy',
  server: {},
  client: { message: 'hello, world\n' },
  schedule: [
    ...Array.from({ length: CLIENTS }, (_, i) => [
      { id: `client${i + 1}-start`, do: 'spawn' as const, program: 'client' as const, role: `client#${i + 1}` },
      ...(i % 10 === 0 ? [{ id: `client${i + 1}-socket`, do: 'release' as const, role: `client#${i + 1}`, call: 'socket' as const }] : []),
      { id: `client${i + 1}-killed`, do: 'kill' as const, role: `client#${i + 1}`, signal: 'SIGKILL' as const },
    ]).flat(),
    { id: 'parent2-start', do: 'spawn', program: 'server', role: 'parent#2' },
  ],
};

const hogs: ChildProcess[] = [];

async function startHogs(): Promise<void> {
  for (let i = 0; i < HOGS_PER_CORE * availableParallelism(); i++) {
    const hog = spawn(process.execPath, ['-e', `const end = Date.now() + ${HOG_LIMIT_MS}; while (Date.now() < end) {}`], { stdio: 'ignore' });
    hogs.push(hog);
    await new Promise<void>((resolve, reject) => {
      hog.once('spawn', resolve);
      hog.once('error', reject);
    });
  }
}

async function stopHogs(): Promise<void> {
  await Promise.all(
    hogs.map((hog) => {
      if (hog.exitCode !== null || hog.signalCode !== null) return undefined;
      const exited = new Promise((resolve) => hog.once('exit', resolve));
      hog.kill('SIGKILL');
      return exited;
    }),
  );
}

/** The hogs still spinning (not ended by their own limit): the load lasted. */
const spinning = () => hogs.filter((hog) => hog.pid !== undefined && readStat(hog.pid)?.state === 'R').length;

/**
 * Launch a client through the reaper as the runner does, read the reaper's launch line and the
 * client's first event, and kill the client (it waits at its first gate). Their stamps.
 */
function launchOnce(): Promise<{ launched: number; first: number }> {
  return new Promise((resolve, reject) => {
    const reaper = spawn(labPath('reaper'), [labPath('client'), 'client', '--port=9', '--role=client#1'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', FORKSCOPE_STEP: '1', FORKSCOPE_PPID: String(process.pid) },
    });
    let buffer = '';
    let launched: number | null = null;
    let first: number | null = null;
    let group = 0;
    reaper.stdout.setEncoding('utf8');
    reaper.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
        const line = JSON.parse(buffer.slice(0, nl)) as { kind: string; t: number; pgid?: number };
        buffer = buffer.slice(nl + 1);
        if (line.kind === 'lab-launched') {
          launched = line.t;
          group = line.pgid ?? 0;
        } else if (first === null) first = line.t;
        if (launched !== null && first !== null && group > 0) {
          process.kill(-group, 'SIGKILL');
          group = 0;
        }
      }
    });
    reaper.on('error', reject);
    reaper.on('close', () => (launched !== null && first !== null ? resolve({ launched, first }) : reject(new Error('the reaper ended before the client spoke'))));
  });
}

const launches: { launched: number; first: number }[] = [];
const traces: { id: string; rec: Recorder; left: number[] }[] = [];
let spinningAfterLaunches = 0;
let spinningAfterRuns = 0;

beforeAll(async () => {
  try {
    await startHogs();
    let started = 0;
    const worker = async () => {
      while (started < LAUNCHES) {
        started++;
        launches.push(await launchOnce());
      }
    };
    await Promise.all(Array.from({ length: AT_ONCE }, worker));
    spinningAfterLaunches = spinning();
    traces.push({ id: spawns.id, ...(await runScenario(spawns)) });
    traces.push({ id: manyClients.id, ...(await runScenario(manyClients)) });
    spinningAfterRuns = spinning();
  } finally {
    await stopHogs();
  }
}, 240_000);

afterAll(stopHogs);

/** The events of each step: after one kernel snapshot, up to and including the next. */
function steps(events: TraceEvent[]): TraceEvent[][] {
  const out: TraceEvent[][] = [[]];
  for (const e of events) {
    out.at(-1)!.push(e);
    if (e.kind === 'kernel') out.push([]);
  }
  return out.filter((s) => s.length > 0);
}

describe('spawns while busy loops keep every core busy', () => {
  it('kept the cores busy throughout', () => {
    expect(hogs).toHaveLength(HOGS_PER_CORE * availableParallelism());
    expect(spinningAfterLaunches).toBeGreaterThan(0);
    expect(spinningAfterRuns).toBeGreaterThan(0);
  });

  it('the reaper stamps every launch before the program’s first event', () => {
    expect(launches).toHaveLength(LAUNCHES);
    expect(launches.filter((l) => l.first <= l.launched).map((l) => `first event ${l.launched - l.first} ns before the launch`)).toEqual([]);
  });

  it('the runner completes the runs', () => {
    expect(traces).toHaveLength(2);
    for (const t of traces) {
      expect(t.left).toEqual([]);
      expect(t.rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
    }
  });

  it('every spawned process’s spawn comes before any of its events, in the trace and by t', () => {
    const wrong: string[] = [];
    let spawned = 0;
    for (const { id, rec } of traces) {
      const events = rec.events;
      for (const s of events.filter((e): e is SpawnEvent => e.kind === 'spawn')) {
        spawned++;
        for (const e of events) {
          if (e.kind === 'spawn' || e.kind === 'kernel' || e.kind === 'step' || e.kind === 'end' || e.kind === 'packet' || e.pid !== s.pid) continue;
          if (e.seq < s.seq) wrong.push(`${id}: ${s.role}: ${e.kind} (seq ${e.seq}) before its spawn (seq ${s.seq})`);
          if (e.t <= s.t) wrong.push(`${id}: ${s.role}: ${e.kind} stamped ${s.t - e.t} ns before its spawn`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(spawned).toBe(CLIENTS + 2 + 6); // the server, the clients, parent#2; many-clients: the server and 5 clients
  });

  it('every spawn step begins with its spawn', () => {
    const wrong: string[] = [];
    let spawnSteps = 0;
    for (const { id, rec } of traces) {
      for (const step of steps(rec.events)) {
        if (!step.some((e) => e.kind === 'spawn')) continue;
        spawnSteps++;
        if (step[0]!.kind !== 'spawn') wrong.push(`${id}: step "${(step.at(-1) as KernelEvent).label}" begins with ${step[0]!.kind}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(spawnSteps).toBe(CLIENTS + 2 + 6);
  });
});
