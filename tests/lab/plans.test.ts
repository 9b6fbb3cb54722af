// Sandbox plans run for real (src/lab/sandbox.c through the runner's plan mode): the example
// plans, a SIGCHLD handler, a kill, a restarted server, a stall; the model replays every trace.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createReplay } from '../../src/model/index.ts';
import { CONNECT_ACCEPT_FORK, concurrentPlan, doubleClosePlan, lingerZeroPlan, parentKeepsConnfdPlan, SERVER_START } from '../../src/plan/examples.ts';
import { PLAN_FORMAT, PLAN_VERSION, planStepLabel, type Plan, type PlanStep } from '../../src/plan/types.ts';
import { planSource } from '../../src/plan/source.ts';
import { LabError } from '../../src/server/lab/errors.ts';
import { runPlan, type PlanRunResult } from '../../src/server/lab/runPlan.ts';
import { parseTrace } from '../../src/trace/parse.ts';
import type { CallEvent, ExitEvent, KernelEvent, ReturnEvent, SpawnEvent, TraceRecord } from '../../src/trace/types.ts';

function plan(title: string, steps: PlanStep[]): Plan {
  return { format: PLAN_FORMAT, version: PLAN_VERSION, title, steps };
}

/** Run a plan; it must leave nothing behind, and the model must agree with every snapshot. */
async function run(p: Plan): Promise<PlanRunResult & Trace> {
  const result = await runPlan(p);
  expect(result.error?.message ?? null).toBeNull();
  expect(result.leftBehind).toEqual([]);
  const parsed = parseTrace(result.records.map((r) => JSON.stringify(r)).join('\n'));
  if (!parsed.ok) throw new Error(`the trace does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  expect(createReplay(parsed.trace).disagreementCount()).toBe(0);
  return { ...result, ...traceOf(result.records) };
}

interface Trace {
  kernel(step: number): KernelEvent;
  returns(role: string, fn: string): ReturnEvent[];
  pid(role: string): number;
  clientPort(role?: string): string;
}

function traceOf(records: TraceRecord[]): Trace {
  const roles = new Map<number, string>();
  for (const r of records) if ('role' in r && 'pid' in r) roles.set(r.pid, r.role);
  return {
    kernel(step) {
      const k = records.find((r): r is KernelEvent => r.kind === 'kernel' && r.label === planStepLabel(step - 1));
      if (!k) throw new Error(`no snapshot of step ${step}`);
      return k;
    },
    returns: (role, fn) => records.filter((r): r is ReturnEvent => r.kind === 'return' && r.role === role && r.fn === fn),
    pid(role) {
      const pid = [...roles].find(([, r]) => r === role)?.[0];
      if (pid === undefined) throw new Error(`no ${role}`);
      return pid;
    },
    clientPort(role = 'client#1') {
      const local = (records.find((r) => r.kind === 'return' && r.role === role && r.fn === 'connect') as { local?: string } | undefined)?.local;
      if (!local) throw new Error(`${role} never connected`);
      return local;
    },
  };
}

function processIn(k: KernelEvent, pid: number) {
  return k.processes.find((p) => p.pid === pid);
}

describe('the example plans, for real', () => {
  it('concurrentPlan: every call at its line of plan.c, and the client ends in TIME_WAIT', async () => {
    const t = await run(concurrentPlan);
    expect(t.completed).toBe(true);
    const source = planSource(concurrentPlan);
    const calls = t.records.filter((r): r is CallEvent => r.kind === 'call' && r.fn !== 'pause');
    expect(calls.every((c) => c.file === 'plan.c')).toBe(true);
    const byLine = (a: number, b: number) => a - b;
    expect(calls.map((c) => c.line).sort(byLine)).toEqual(source.stepLines.filter((l) => l !== null).sort(byLine));
    const spawns = t.records.filter((r): r is SpawnEvent => r.kind === 'spawn');
    expect(spawns.map((s) => [s.role, s.program])).toEqual([['parent', 'server'], ['client#1', 'client']]);
    const last = t.kernel(concurrentPlan.steps.length);
    expect(last.sockets.find((s) => s.local === t.clientPort())?.state).toBe('TIME_WAIT');
  });

  it('parentKeepsConnfdPlan: the child\'s close sends no FIN, and the client\'s read is left blocked', async () => {
    const t = await run(parentKeepsConnfdPlan);
    expect(t.completed).toBe(true);
    const childClose = parentKeepsConnfdPlan.steps.findIndex((s) => s.proc === 'child#1' && s.do === 'close' && s.fd === 'connfd') + 1;
    expect(t.returns('child#1', 'close').map((r) => r.ret)).toEqual([0, 0]);
    const afterClose = t.kernel(childClose);
    expect(afterClose.sockets.find((s) => s.local === t.clientPort())?.state).toBe('ESTABLISHED');
    const last = t.kernel(parentKeepsConnfdPlan.steps.length);
    expect(last.sockets.find((s) => s.local === t.clientPort())?.state).toBe('ESTABLISHED');
    expect(processIn(last, t.pid('client#1'))).toMatchObject({ place: 'kernel', blockedIn: 'read' });
    // (Stopping the run kills the parent, whose close of connfd then ends the read: after the last snapshot.)
    expect(t.returns('client#1', 'read').filter((r) => r.seq < last.seq)).toEqual([]);
  });

  it('doubleClosePlan: the second close returns -1 EBADF and the parent goes on to wait at its last line', async () => {
    const t = await run(doubleClosePlan);
    expect(t.completed).toBe(true);
    expect(t.returns('parent', 'close').map((r) => [r.ret, r.errno])).toEqual([[0, null], [-1, 'EBADF']]);
    const last = t.kernel(doubleClosePlan.steps.length);
    expect(processIn(last, t.pid('parent'))).toMatchObject({ place: 'gate', blockedIn: 'pause' });
    const parks = t.records.filter((r): r is CallEvent => r.kind === 'call' && r.role === 'parent' && r.fn === 'pause');
    expect(parks.map((c) => c.line)).toEqual([planSource(doubleClosePlan).parkLines.parent]);
  });

  it('lingerZeroPlan: the client\'s close aborts with RST, nobody is in TIME_WAIT, and the child\'s read fails ECONNRESET', async () => {
    const t = await run(lingerZeroPlan);
    expect(t.completed).toBe(true);
    const last = t.kernel(lingerZeroPlan.steps.length);
    expect(last.sockets.some((s) => s.state === 'TIME_WAIT')).toBe(false);
    expect(t.returns('child#1', 'read').map((r) => [r.ret, r.errno])).toEqual([[-1, 'ECONNRESET']]);
  });
});

describe('signals and processes', () => {
  it('a SIGCHLD handler reaps the child within the child\'s exit step, with waitpid calls that wait at no gate', async () => {
    const p = plan('sig_chld reaps', [
      ...SERVER_START,
      { proc: 'parent', do: 'signal', sig: 'SIGCHLD', disposition: 'handler' },
      ...CONNECT_ACCEPT_FORK,
      { proc: 'child#1', do: 'exit', status: 3 },
    ]);
    const t = await run(p);
    expect(t.completed).toBe(true);
    const child = t.pid('child#1');
    expect(t.returns('parent', 'waitpid').map((r) => [r.ret, r.errno])).toEqual([[child, null], [-1, 'ECHILD']]);
    expect(t.returns('parent', 'waitpid')[0]).toMatchObject({ status: 3 });
    expect(t.records.some((r) => r.kind === 'release' && r.fn === 'waitpid')).toBe(false);
    const exit = t.records.find((r): r is ExitEvent => r.kind === 'exit' && r.pid === child)!;
    expect(exit.status).toBe(3);
    const last = t.kernel(p.steps.length);
    expect(processIn(last, child)).toBeUndefined();
    expect(processIn(last, t.pid('parent'))).toMatchObject({ place: 'gate', blockedIn: 'pause' });
  });

  it('without SA_RESTART, the handler interrupts a real accept: -1 EINTR, and the parent goes on', async () => {
    const p = plan('Signal_intr', [
      ...SERVER_START,
      { proc: 'parent', do: 'signal', sig: 'SIGCHLD', disposition: 'handler', restart: false },
      ...CONNECT_ACCEPT_FORK,
      { proc: 'parent', do: 'accept', fd: 'listenfd' }, // blocks in accept(2): no client is queued
      { proc: 'child#1', do: 'exit', status: 0 },
      { proc: 'parent', do: 'close', fd: 4 },
    ]);
    const t = await run(p);
    expect(t.completed).toBe(true);
    const blocked = t.kernel(p.steps.length - 2);
    expect(processIn(blocked, t.pid('parent'))).toMatchObject({ place: 'kernel', blockedIn: 'accept' });
    expect(t.returns('parent', 'accept').map((r) => [r.ret, r.errno])).toEqual([[4, null], [-1, 'EINTR']]);
    expect(t.returns('parent', 'waitpid')[0]?.ret).toBe(t.pid('child#1'));
    expect(t.returns('parent', 'close').map((r) => r.ret)).toEqual([0]);
  });

  it('a kill ends the process (its kernel closes the socket: the child reads end of file)', async () => {
    const p = plan('kill the client', [
      ...SERVER_START,
      ...CONNECT_ACCEPT_FORK,
      { proc: 'client#1', do: 'read', fd: 'sockfd' },
      { do: 'kill', proc: 'client#1', signal: 'SIGTERM' },
      { proc: 'child#1', do: 'read', fd: 'connfd' },
    ]);
    const t = await run(p);
    expect(t.completed).toBe(true);
    const exit = t.records.find((r): r is ExitEvent => r.kind === 'exit' && r.role === 'client#1')!;
    expect(exit.signal).toBe('SIGTERM');
    expect(t.records.find((r) => r.kind === 'signal' && r.role === 'client#1')).toMatchObject({ signal: 'SIGTERM', from: 'runner' });
    expect(t.returns('child#1', 'read').map((r) => r.ret)).toEqual([0]);
  });

  it('forty children, forked and killed one after another: every one the program can park (the plan is as long as parsePlan allows)', async () => {
    const steps: PlanStep[] = [{ proc: 'parent', do: 'socket' }];
    for (let n = 1; n <= 40; n++) steps.push({ proc: 'parent', do: 'fork' }, { do: 'kill', proc: `child#${n}`, signal: 'SIGKILL' });
    const t = await run(plan('forty children', steps));
    expect(t.completed).toBe(true);
    expect(t.records.filter((r) => r.kind === 'exit' && r.signal === 'SIGKILL' && r.role.startsWith('child#'))).toHaveLength(40);
  });

  it('a restarted server cannot bind while a TIME_WAIT holds the port, until it sets SO_REUSEADDR', async () => {
    // Linux shares a port with a TIME_WAIT only when the socket that left it had SO_REUSEADDR too.
    const p = plan('restart', [
      { proc: 'parent', do: 'socket' },
      { proc: 'parent', do: 'setsockopt', fd: 'listenfd', opt: 'SO_REUSEADDR' },
      ...SERVER_START.slice(1),
      ...CONNECT_ACCEPT_FORK,
      { proc: 'parent', do: 'close', fd: 'connfd' },
      { proc: 'child#1', do: 'close', fd: 'listenfd' },
      { proc: 'child#1', do: 'close', fd: 'connfd' }, // the server closes first: its end will hold TIME_WAIT
      { proc: 'client#1', do: 'read', fd: 'sockfd' },
      { proc: 'client#1', do: 'close', fd: 'sockfd' },
      { do: 'kill', proc: 'parent', signal: 'SIGKILL' },
      { do: 'spawn', proc: 'parent#2' },
      { proc: 'parent#2', do: 'socket' },
      { proc: 'parent#2', do: 'bind', fd: 'listenfd' },
      { proc: 'parent#2', do: 'setsockopt', fd: 'listenfd', opt: 'SO_REUSEADDR' },
      { proc: 'parent#2', do: 'bind', fd: 'listenfd' },
      { proc: 'parent#2', do: 'listen', fd: 'listenfd', backlog: 5 },
    ]);
    const t = await run(p);
    expect(t.completed).toBe(true);
    const port = (t.records[0] as { scenario: { port: number } }).scenario.port;
    const beforeRestart = t.kernel(p.steps.findIndex((s) => s.do === 'spawn' && s.proc === 'parent#2') + 1);
    expect(beforeRestart.sockets.find((s) => s.local === `127.0.0.1:${port}` && s.state === 'TIME_WAIT')).toBeDefined();
    expect(t.returns('parent#2', 'bind').map((r) => [r.ret, r.errno])).toEqual([[-1, 'EADDRINUSE'], [0, null]]);
    const last = t.kernel(p.steps.length);
    expect(last.sockets.find((s) => s.state === 'LISTEN')?.holders.map((h) => h.pid)).toEqual([t.pid('parent#2')]);
  });
});

describe('a plan that cannot go on', () => {
  it('stalls at a step whose process is blocked: the run ends there, with no snapshot of that step, and nothing left behind', async () => {
    const p = plan('stall', [...parentKeepsConnfdPlan.steps, { proc: 'client#1', do: 'close', fd: 'sockfd' }, { proc: 'parent', do: 'close', fd: 'connfd' }]);
    const t = await run(p);
    const n = parentKeepsConnfdPlan.steps.length + 1;
    expect(t.completed).toBe(false);
    expect(t.stalled).toBe(`plan stalled at step ${n}: client#1 is blocked in read()`);
    expect(t.records.at(-1)).toMatchObject({ kind: 'end', reason: 'stopped', message: t.stalled });
    expect(t.records.some((r) => r.kind === 'kernel' && r.label === planStepLabel(n - 1))).toBe(false);
  });

  it('stalls at a step of a process that has ended (SIGPIPE: a write after the peer\'s RST)', async () => {
    const p = plan('after SIGPIPE', [
      ...lingerZeroPlan.steps, // the client aborts (RST); the child's read fails ECONNRESET
      { proc: 'child#1', do: 'write', fd: 'connfd', text: 'late\n' }, // EPIPE, and SIGPIPE ends the child
      { proc: 'child#1', do: 'read', fd: 'connfd' },
    ]);
    const t = await run(p);
    expect(t.records.find((r): r is ExitEvent => r.kind === 'exit' && r.role === 'child#1')).toMatchObject({ signal: 'SIGPIPE' });
    expect(t.returns('child#1', 'write')).toEqual([]);
    expect(t.stalled).toBe(`plan stalled at step ${p.steps.length}: child#1 has ended`);
  });

  it.runIf(process.getuid?.() === 0)('loses the last ACK as root: LAST_ACK is held until the FIN comes again and TIME_WAIT answers it', async () => {
    const p = plan('Lose the last ACK', [
      ...SERVER_START,
      ...CONNECT_ACCEPT_FORK,
      { proc: 'parent', do: 'close', fd: 'connfd' },
      { proc: 'client#1', do: 'close', fd: 'sockfd' }, // the client closes first: the child's end in CLOSE_WAIT
      { do: 'drop', proc: 'child#1', fd: 'connfd', segment: 'ACK' },
      { proc: 'child#1', do: 'close', fd: 'connfd' }, // LAST_ACK, held: its FIN's ACK is lost
      { proc: 'client#1', do: 'exit', status: 0 }, // after the FIN again, answered by the client's TIME_WAIT
    ]);
    const t = await run(p);
    const port = (t.records[0] as { scenario: { port: number } }).scenario.port;
    const held = t.kernel(p.steps.length - 1).sockets;
    expect(held.find((s) => s.local.endsWith(`:${port}`) && s.state !== 'LISTEN')?.state).toBe('LAST_ACK');
    expect(held.find((s) => s.local === t.clientPort())?.state).toBe('TIME_WAIT');
    const after = t.kernel(p.steps.length).sockets;
    expect(after.some((s) => s.state === 'LAST_ACK')).toBe(false);
    expect(t.records.filter((r) => r.kind === 'drop' || r.kind === 'lost' || r.kind === 'retransmit').map((r) => `${r.kind} ${r.role}`)).toEqual(['drop child#1', 'lost child#1', 'retransmit child#1']);
  });

  it.runIf(process.getuid?.() === 0)('loses data, then a FIN, as root: the reader sleeps through each loss, and wakes at its retransmission', async () => {
    const p = plan('Lose data, then a FIN', [
      ...SERVER_START,
      ...CONNECT_ACCEPT_FORK,
      { proc: 'parent', do: 'close', fd: 'connfd' },
      { proc: 'child#1', do: 'read', fd: 'connfd' }, // blocks
      { do: 'drop', proc: 'child#1', fd: 'connfd', segment: 'data' },
      { proc: 'client#1', do: 'write', fd: 'sockfd', text: 'hello\n' }, // lost: the child still sleeps
      { proc: 'child#1', do: 'read', fd: 'connfd' }, // after the data again, its first read returned; this one blocks
      { do: 'drop', proc: 'child#1', fd: 'connfd', segment: 'FIN' },
      { proc: 'client#1', do: 'close', fd: 'sockfd' }, // FIN_WAIT_1, held
      { proc: 'client#1', do: 'exit', status: 0 }, // after the FIN again: FIN_WAIT_2 and CLOSE_WAIT, end of file
    ]);
    const t = await run(p);
    const reads = t.returns('child#1', 'read');
    expect(reads.map((r) => r.ret)).toEqual([6, 0]);
    const state = (step: number, client: boolean) => t.kernel(step).sockets.find((s) => (client ? s.local === t.clientPort() : s.remote === t.clientPort()))?.state;
    expect([state(p.steps.length - 1, true), state(p.steps.length - 1, false)]).toEqual(['FIN_WAIT_1', 'ESTABLISHED']);
    expect([state(p.steps.length, true), state(p.steps.length, false)]).toEqual(['FIN_WAIT_2', 'CLOSE_WAIT']);
  });

  it('refuses a drop at a descriptor name the plan never bound, before it starts anything', async () => {
    const p = plan('drop', [...SERVER_START, { do: 'drop', proc: 'parent', fd: 'connfd', segment: 'ACK' }]);
    const result = await runPlan(p);
    expect(result.error).toBeInstanceOf(LabError);
    expect(result.records).toEqual([]);
  });
});

describe('npm run lab -- --plan', () => {
  const cli = (file: string) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/lab.ts', '--plan', file, '--out', join(tmpdir(), `forkscope-plan-${process.pid}.jsonl`)], { encoding: 'utf8' });

  it('refuses a bad plan file with status 2, naming the step and field', () => {
    const file = join(tmpdir(), `forkscope-bad-plan-${process.pid}.json`);
    writeFileSync(file, JSON.stringify({ ...concurrentPlan, steps: [{ proc: 'parent', do: 'listen', fd: 'listenfd', backlog: 100000 }] }));
    const result = cli(file);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/is not a plan: step 1: "backlog"/);
  });

  it('runs a plan that stalls and exits 0, saying where it stalled', () => {
    const file = join(tmpdir(), `forkscope-stall-plan-${process.pid}.json`);
    writeFileSync(file, JSON.stringify(plan('stall', [...parentKeepsConnfdPlan.steps, { proc: 'client#1', do: 'exit', status: 0 }])));
    const result = cli(file);
    expect(result.stderr).toContain(`plan stalled at step ${parentKeepsConnfdPlan.steps.length + 1}: client#1 is blocked in read()`);
    expect(result.status).toBe(0);
  });
});
