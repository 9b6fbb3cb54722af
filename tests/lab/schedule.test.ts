// Schedule entries beyond releasing a gate: a process a step ends on purpose, a restarted
// server, a kill; and a child that outlives its parent still dies with its session.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acceptEintr } from '../../src/scenarios/accept-eintr.ts';
import { concurrent } from '../../src/scenarios/concurrent.ts';
import type { Scenario, ScheduleEntry } from '../../src/scenarios/types.ts';
import { LabError, LabRun } from '../../src/server/lab/run.ts';
import type { TraceRecord } from '../../src/trace/types.ts';
import { alive, allGone, Recorder, startRun } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('a step that should end a process', () => {
  it('fails, naming the entry, when the process does not end', async () => {
    const scenario: Scenario = { ...concurrent, id: 'no-exit', schedule: [{ id: 'parent-socket-ends', do: 'release', role: 'parent', call: 'socket', exits: ['parent'] }] };
    const { run, rec } = await startRun({ scenario });
    const err = await run.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).message).toMatch(/"parent-socket-ends" should have ended parent \(pid \d+\), but it is waiting at the gate before bind\(\)/);
    expect(rec.pids().filter(alive)).toEqual([]);
  });

  it('is needed: an err_sys exit that no entry expects fails the run', async () => {
    const schedule: ScheduleEntry[] = acceptEintr.schedule.map((e) => (e.do === 'release' && e.exits ? { ...e, exits: undefined } : e));
    const { run, rec } = await startRun({ scenario: { ...acceptEintr, id: 'unexpected-exit', schedule } });
    const err = await (async () => {
      while (!run.done) await run.next();
    })().catch((e: unknown) => e);
    expect((err as LabError).message).toMatch(/parent \(pid \d+\) exited with status 1 unexpectedly: server\.c:\d+: accept error: Interrupted system call/);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'error' });
    expect(rec.pids().filter(alive)).toEqual([]);
  });
});

describe('a release entry names the call it releases', () => {
  it('fails the run, naming the entry and both calls, when the process waits at another call', async () => {
    const schedule: ScheduleEntry[] = concurrent.schedule.map((e) => (e.id === 'child-close-listenfd' ? { id: e.id, do: 'release', role: 'child#1', call: 'read', fd: 4 } : e));
    const { run, rec } = await startRun({ scenario: { ...concurrent, id: 'wrong-call', schedule } });
    const err = await (async () => {
      while (!run.done) await run.next();
    })().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).code).toBe('lab-failed');
    expect((err as LabError).message).toBe(
      `schedule entry "child-close-listenfd" (step 11 of ${concurrent.schedule.length}) releases child#1 into read(fd 4), but child#1 waits at close(fd 3)`,
    );
    expect(run.step).toBe(10); // nothing was released: the step before is the last one carried out
    expect(rec.events.filter((e) => e.kind === 'release' && e.role === 'child#1')).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'error' });
    expect(rec.pids().filter(alive)).toEqual([]);
  });

  it('is refused before anything starts when it names no call', async () => {
    const schedule = [{ id: 'parent-socket', do: 'release', role: 'parent' }] as unknown as ScheduleEntry[];
    const err = await LabRun.start({ scenario: { ...concurrent, id: 'no-call', schedule }, onRecord: new Recorder().onRecord }).catch((e: unknown) => e);
    expect((err as LabError).message).toMatch(/schedule entry "parent-socket" releases parent but names no call/);
  });
});

describe('spawning a server', () => {
  it('refuses a second "parent": a restarted server is parent#2', async () => {
    const scenario: Scenario = { ...concurrent, id: 'two-parents', schedule: [{ id: 'again', do: 'spawn', program: 'server', role: 'parent' }] };
    const err = await LabRun.start({ scenario, onRecord: new Recorder().onRecord }).catch((e: unknown) => e);
    expect((err as LabError).message).toMatch(/spawns a second "parent"; name a restarted server parent#2/);
  });

  it('gives it the scenario’s server knobs, the entry’s args over them, and its role', async () => {
    const scenario: Scenario = {
      ...concurrent,
      id: 'restart',
      server: { reuseaddr: true },
      schedule: [{ id: 'parent2-start', do: 'spawn', program: 'server', role: 'parent#2', args: { iterative: true } }],
    };
    const { run, rec } = await startRun({ scenario });
    await run.next();
    const spawns = rec.events.filter((e) => e.kind === 'spawn');
    expect(spawns.map((s) => (s as { role: string }).role)).toEqual(['parent', 'parent#2']);
    expect((spawns[1] as { argv: string[] }).argv).toEqual([`--port=${run.port}`, '--role=parent#2', '--reuseaddr=yes', '--iterative=yes']);
    expect(rec.kernel('parent2-start').processes.map((p) => [p.role, p.blockedIn])).toEqual([
      ['parent', 'socket'],
      ['parent#2', 'socket'],
    ]);
    await run.stop();
    expect(rec.pids().filter(alive)).toEqual([]);
  });
});

describe('a child that outlives its parent', () => {
  it('still dies with the session when the runner itself is killed (SIGKILL)', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'forkscope-lab-')), 'trace.jsonl');
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'src/cli/lab.ts'), '--scenario', 'child-keeps-listenfd', '--to-step', '16', '--hold', '--out', out], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const done = new Promise<void>((res) => child.on('close', () => res()));
    const deadline = Date.now() + 20_000;
    while (!stderr.includes('holding at step 16') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(stderr).toContain('holding at step 16');
    const records = readFileSync(out, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as TraceRecord);
    const roles = new Map<number, string>();
    for (const r of records) if ('pid' in r && 'role' in r && typeof r.pid === 'number') roles.set(r.pid, String(r.role));
    const child1 = [...roles].find(([, role]) => role === 'child#1')![0];
    const parent = [...roles].find(([, role]) => role === 'parent')![0];
    expect(alive(child1)).toBe(true);
    expect(alive(parent)).toBe(false);
    child.kill('SIGKILL');
    await done;
    expect(await allGone([...roles.keys()], 5000)).toEqual([]);
  });
});
