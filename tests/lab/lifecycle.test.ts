// Runs end cleanly: stop(), a killed runner, failures, caps, and the CLI's exit status.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { concurrent } from '../../src/scenarios/concurrent.ts';
import type { Scenario } from '../../src/scenarios/types.ts';
import { LabError, LabRun } from '../../src/server/lab/run.ts';
import type { EndEvent, KernelEvent, TraceRecord } from '../../src/trace/types.ts';
import { allGone, alive, Recorder, startRun, stepThrough } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const CLI = join(ROOT, 'src/cli/lab.ts');

function cli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('close', (code, signal) => res({ code, signal })));
  return {
    child,
    done,
    get stdout() {
      return stdout;
    },
    get stderr() {
      return stderr;
    },
  };
}

function parseLines(text: string): TraceRecord[] {
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as TraceRecord);
}

function pidsIn(records: TraceRecord[]): number[] {
  const pids = new Set<number>();
  for (const r of records) if ('pid' in r && typeof r.pid === 'number' && r.pid > 0) pids.add(r.pid);
  return [...pids];
}

async function waitUntil(what: string, cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('stopping a run', () => {
  it('kills the parent, the child and the client mid-run and leaves no process', async () => {
    const { run, rec } = await startRun({ scenario: concurrent });
    await stepThrough(run, rec, 'parent-fork');
    const pids = rec.pids();
    expect(pids).toHaveLength(3);
    expect(pids.every(alive)).toBe(true);
    const reapers = rec.events.filter((e) => e.kind === 'spawn').map((e) => (e as { ppid: number }).ppid);
    await run.stop();
    expect(pids.filter(alive)).toEqual([]);
    expect(await allGone(reapers, 2000)).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'stopped' });
    const exits = rec.events.filter((e) => e.kind === 'exit');
    expect(exits.map((e) => (e as { role: string }).role).sort()).toEqual(['child#1', 'client#1', 'parent']);
    expect(exits.every((e) => (e as { signal: string }).signal === 'SIGKILL')).toBe(true);
  });

  it('is idempotent, and a stopped run takes no more steps', async () => {
    const { run, rec } = await startRun({ scenario: concurrent });
    await Promise.all([run.stop(), run.stop()]);
    await run.stop();
    expect(rec.records.filter((r) => r.kind === 'end')).toHaveLength(1);
    await expect(run.next()).rejects.toThrow(LabError);
  });

  it('stopAllRuns() ends every run', async () => {
    const { stopAllRuns } = await import('../../src/server/lab/run.ts');
    const a = await startRun({ scenario: concurrent });
    const b = await startRun({ scenario: concurrent });
    await stepThrough(b.run, b.rec, 'client-start');
    const pids = [...a.rec.pids(), ...b.rec.pids()];
    await stopAllRuns();
    expect(pids.filter(alive)).toEqual([]);
    expect(a.rec.records.at(-1)).toMatchObject({ kind: 'end' });
    expect(b.rec.records.at(-1)).toMatchObject({ kind: 'end' });
  });
});

describe('a second run on the same port', () => {
  it('shows only its own sockets, not the TIME_WAIT the first run left', async () => {
    const first = await startRun({ scenario: concurrent });
    while (!first.run.done) await first.run.next();
    await first.run.stop();
    const port = first.run.port;
    const second = await startRun({ scenario: concurrent, port });
    while (!second.run.done) await second.run.next();
    await second.run.stop();
    const clientPort = (rec: Recorder) => {
      const ret = rec.events.find((e) => e.kind === 'return' && e.fn === 'connect') as { local: string };
      return Number(ret.local.split(':')[1]);
    };
    const [old, mine] = [clientPort(first.rec), clientPort(second.rec)];
    // (The kernel may give the new client the old one's port only after a second: tcp_tw_reuse.)
    if (old === mine) return;
    for (const k of second.rec.events.filter((e): e is KernelEvent => e.kind === 'kernel')) {
      for (const s of k.sockets) expect([port, mine, 0]).toContain(Number(s.local.split(':')[1]));
    }
    const last = second.rec.kernel('client-exit');
    expect(last.sockets.map((s) => s.state)).toEqual(['LISTEN', 'TIME_WAIT']);
  });
});

describe('a run that goes wrong', () => {
  it('fails with an error naming the schedule entry when the process is not at a gate', async () => {
    const scenario: Scenario = {
      ...concurrent,
      id: 'bad-schedule',
      schedule: [...concurrent.schedule.slice(0, 4), { id: 'release-blocked-parent', do: 'release', role: 'parent', call: 'accept', fd: 3 }],
    };
    const { run, rec } = await startRun({ scenario });
    for (let i = 0; i < 4; i++) await run.next();
    const err = await run.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).code).toBe('lab-failed');
    expect((err as LabError).message).toMatch(/"release-blocked-parent".*parent.*not waiting at a gate.*inside accept\(\)/);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'error' });
    expect(rec.pids().filter(alive)).toEqual([]);
  });

  it('fails when a role has no process', async () => {
    const scenario: Scenario = { ...concurrent, id: 'no-client', schedule: [{ id: 'release-nobody', do: 'release', role: 'client#1', call: 'socket' }] };
    const { run } = await startRun({ scenario });
    await expect(run.next()).rejects.toThrow(/"release-nobody".*client#1.*no process with that role/);
  });

  it('fails, naming the process and the signal, when a lab process is killed', async () => {
    const { run, rec } = await startRun({ scenario: concurrent });
    await stepThrough(run, rec, 'parent-fork');
    process.kill(rec.pidOf('child#1'), 'SIGKILL');
    await waitUntil('the end record', () => rec.records.at(-1)?.kind === 'end');
    const end = rec.records.at(-1) as EndEvent;
    expect(end.reason).toBe('error');
    expect(end.message).toMatch(/child#1 \(pid \d+\) was killed by SIGKILL unexpectedly/);
    await expect(run.next()).rejects.toThrow(/child#1.*SIGKILL/);
    expect(rec.pids().filter(alive)).toEqual([]);
  });

  it('stops with too-many-processes when the run has more lab processes than allowed', async () => {
    const { run, rec } = await startRun({ scenario: concurrent, maxProcesses: 2 });
    const err = await stepThrough(run, rec, 'parent-fork').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LabError);
    expect((err as LabError).code).toBe('too-many-processes');
    expect(rec.pids().filter(alive)).toEqual([]);
  });

  it('refuses a port that is in use', async () => {
    const { run } = await startRun({ scenario: concurrent });
    await run.next();
    await run.next();
    await run.next(); // listening
    const rec = new Recorder();
    const err = await LabRun.start({ scenario: concurrent, port: run.port, onRecord: rec.onRecord }).catch((e: unknown) => e);
    expect((err as LabError).message).toMatch(/in use/);
    await run.stop();
  });
});

describe('the CLI', () => {
  it('runs a scenario to the end, exits 0, and writes a trace that ends with end completed', async () => {
    const p = cli(['--scenario', 'concurrent']);
    const { code } = await p.done;
    expect(p.stderr).toBe('');
    expect(code).toBe(0);
    const records = parseLines(p.stdout);
    expect(records[0]).toMatchObject({ kind: 'header', scenario: { id: 'concurrent' } });
    expect(records.filter((r) => r.kind === 'kernel')).toHaveLength(concurrent.schedule.length + 1);
    expect(records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
    expect(pidsIn(records).filter(alive)).toEqual([]);
  });

  it('exits non-zero on an unknown scenario, listing the known ones', async () => {
    const p = cli(['--scenario', 'no-such-thing']);
    const { code } = await p.done;
    expect(code).not.toBe(0);
    expect(p.stdout).toBe('');
    expect(p.stderr).toMatch(/unknown scenario "no-such-thing"; known scenarios: concurrent/);
  });

  it('ends the run cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forkscope-lab-'));
    const out = join(dir, 'trace.jsonl');
    const p = cli(['--scenario', 'concurrent', '--to-step', '10', '--hold', '--out', out]);
    await waitUntil('the CLI to hold', () => p.stderr.includes('holding at step 10'));
    const pids = pidsIn(parseLines(readFileSync(out, 'utf8')));
    expect(pids.filter(alive)).toHaveLength(3);
    p.child.kill('SIGTERM');
    const { code } = await p.done;
    expect(code).toBe(143);
    const records = parseLines(readFileSync(out, 'utf8'));
    expect(records.at(-1)).toMatchObject({ kind: 'end', reason: 'stopped' });
    expect(pids.filter(alive)).toEqual([]);
  });

  it('leaves no lab process when the runner itself is killed (SIGKILL)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forkscope-lab-'));
    const out = join(dir, 'trace.jsonl');
    const p = cli(['--scenario', 'concurrent', '--to-step', '10', '--hold', '--out', out]);
    await waitUntil('the CLI to hold', () => p.stderr.includes('holding at step 10'));
    const pids = pidsIn(parseLines(readFileSync(out, 'utf8')));
    expect(pids.filter(alive)).toHaveLength(3);
    p.child.kill('SIGKILL');
    await p.done;
    // No stop() ran: the reapers get SIGTERM from PR_SET_PDEATHSIG, kill the process groups and reap.
    expect(await allGone(pids, 5000)).toEqual([]);
  });
});
