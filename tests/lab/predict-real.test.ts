// The prediction against reality: a plan run for real (the sandbox, through the runner) and the
// same plan predicted by the model alone (src/plan/predict.ts) write the same events, step by
// step — once pids, clients' ports and times are set aside. What follows the last step (the
// runner's final SIGKILLs, whose order is the reaper's) is not compared.

import { describe, expect, it } from 'vitest';
import { concurrentPlan, CONNECT_ACCEPT_FORK, doubleClosePlan, lingerZeroPlan, parentKeepsConnfdPlan, SERVER_START } from '../../src/plan/examples.ts';
import { predictPlan } from '../../src/plan/predict.ts';
import { PLAN_FORMAT, PLAN_VERSION, type Plan } from '../../src/plan/types.ts';
import { runPlan } from '../../src/server/lab/runPlan.ts';
import type { TraceHeader, TraceRecord } from '../../src/trace/types.ts';

/** The events as comparable lines: roles for pids, EPH1 … for clients' ports, a marker where a step ends. */
function comparable(records: TraceRecord[]): { lines: string[]; end: unknown } {
  const port = String((records[0] as TraceHeader).scenario.port);
  const roleOf = new Map<number, string>();
  for (const r of records) if ('pid' in r && 'role' in r) roleOf.set(r.pid, r.role);
  const ports = new Map<string, string>();
  const address = (a: unknown): unknown => {
    if (typeof a !== 'string') return a;
    const [host, p] = a.split(':');
    if (p === port) return a;
    if (!ports.has(p!)) ports.set(p!, `EPH${ports.size + 1}`);
    return `${host}:${ports.get(p!)}`;
  };
  const lines: string[] = [];
  let lastStepEnd = -1;
  for (const r of records.slice(1)) {
    if (r.kind === 'packet' || r.kind === 'output' || r.kind === 'end') continue;
    if (r.kind === 'kernel' || r.kind === 'step') {
      lines.push(`── step ${r.step} ${r.label}`);
      lastStepEnd = lines.length;
      continue;
    }
    const { seq: _seq, t: _t, pid: _pid, ...rest } = r as unknown as Record<string, unknown>;
    delete rest.ppid;
    delete rest.argv;
    if (rest.local !== undefined) rest.local = address(rest.local);
    if (rest.peer !== undefined) rest.peer = address(rest.peer);
    if (r.kind === 'return' && (r.fn === 'fork' || r.fn === 'waitpid') && r.ret > 0) rest.ret = roleOf.get(r.ret) ?? r.ret;
    if (r.kind === 'return' && r.fn === 'fork' && r.ppid !== undefined) rest.ppid = roleOf.get(r.ppid);
    lines.push(JSON.stringify(rest));
  }
  const end = records.findLast((r) => r.kind === 'end');
  return { lines: lines.slice(0, lastStepEnd), end: end && { reason: (end as { reason: string }).reason, message: (end as { message?: string }).message } };
}

async function compare(plan: Plan): Promise<void> {
  const real = await runPlan(plan);
  expect(real.error?.message ?? null).toBeNull();
  expect(real.leftBehind).toEqual([]);
  const port = (real.records[0] as TraceHeader).scenario.port;
  const predicted = predictPlan(plan, { port });
  const a = comparable(real.records);
  const b = comparable(predicted.records);
  expect(b.lines).toEqual(a.lines);
  expect(b.end).toEqual(a.end);
}

const handlerPlan: Plan = {
  format: PLAN_FORMAT,
  version: PLAN_VERSION,
  title: 'Figure 5.11 reaps a child while the parent waits in accept',
  steps: [
    { proc: 'parent', do: 'signal', sig: 'SIGCHLD', disposition: 'handler' },
    ...SERVER_START,
    ...CONNECT_ACCEPT_FORK,
    { proc: 'parent', do: 'close', fd: 'connfd' },
    { proc: 'parent', do: 'accept', fd: 'listenfd' },
    { proc: 'child#1', do: 'close', fd: 'listenfd' },
    { proc: 'client#1', do: 'write', fd: 'sockfd', text: 'hello\n' },
    { proc: 'child#1', do: 'read', fd: 'connfd' },
    { proc: 'child#1', do: 'exit', status: 0 },
    { proc: 'client#1', do: 'read', fd: 'sockfd' },
    { proc: 'client#1', do: 'write', fd: 'sockfd', text: 'again\n' },
    { proc: 'client#1', do: 'write', fd: 'sockfd', text: 'and again\n' },
  ],
};

describe('the prediction matches a real run, event by event', () => {
  for (const plan of [concurrentPlan, parentKeepsConnfdPlan, doubleClosePlan, lingerZeroPlan, handlerPlan]) {
    it(plan.title, async () => {
      await compare(plan);
    });
  }
});
