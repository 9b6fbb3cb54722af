// The sandbox's analyses on real runs: each example plan, and a plan made from a lesson's trace,
// run for real (build/lab/sandbox) and predicted by the model alone, must agree at every step
// (comparePlanRuns finds no difference) and come to the same outcome.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { comparePlanRuns } from '../../src/plan/compare.ts';
import { EXAMPLE_PLANS } from '../../src/plan/examples.ts';
import { planFromTrace } from '../../src/plan/fromTrace.ts';
import { summarizeOutcome } from '../../src/plan/outcome.ts';
import { predictPlan } from '../../src/plan/predict.ts';
import type { Plan } from '../../src/plan/types.ts';
import { runPlan } from '../../src/server/lab/runPlan.ts';
import { parseTrace } from '../../src/trace/parse.ts';
import type { Trace, TraceRecord } from '../../src/trace/types.ts';

function traceOf(records: TraceRecord[]): Trace {
  const parsed = parseTrace(records.map((r) => JSON.stringify(r)).join('\n'));
  if (!parsed.ok) throw new Error(parsed.errors.map((e) => e.message).join('; '));
  return parsed.trace;
}

async function realAndPredicted(plan: Plan): Promise<{ real: Trace; predicted: Trace }> {
  const run = await runPlan(plan);
  expect(run.error).toBeNull();
  expect(run.leftBehind).toEqual([]);
  const real = traceOf(run.records);
  const predicted = traceOf(predictPlan(plan, { port: real.header.scenario.port }).records);
  return { real, predicted };
}

const TRACES = fileURLToPath(new URL('../../public/traces/', import.meta.url));
/**
 * The lessons whose plans need fromTrace's care (each plan runs in about a second or two; all
 * fourteen agreed when measured, but take half a minute): a handler without SA_RESTART, a
 * handler's waitpid calls, a kill and restarted servers with SO_REUSEADDR, SO_LINGER.
 * (parent-keeps-connfd, with its err_sys exit and setrlimit, has a test of its own above.)
 */
const LESSONS = ['accept-eintr', 'sigchld-waitpid', 'restart-reuseaddr', 'linger-rst'];

function lessonPlan(name: string): Plan {
  const parsed = parseTrace(readFileSync(`${TRACES}${name}.jsonl`, 'utf8'));
  if (!parsed.ok) throw new Error(`${name} does not parse`);
  const steps = parsed.trace.events.filter((e) => e.kind === 'kernel').length;
  return planFromTrace(parsed.trace, steps - 1);
}

describe('a plan run for real and predicted', () => {
  for (const plan of EXAMPLE_PLANS) {
    it(`agrees step by step and in its outcome: ${plan.title}`, async () => {
      const { real, predicted } = await realAndPredicted(plan);
      expect(comparePlanRuns(predicted, real).flatMap((s) => s.differences)).toEqual([]);
      expect(summarizeOutcome(real)).toEqual(summarizeOutcome(predicted));
    });
  }

  it('from a lesson (the parent keeps connfd): the sandbox comes to the lesson\'s outcome', async () => {
    const { real, predicted } = await realAndPredicted(lessonPlan('parent-keeps-connfd'));
    expect(comparePlanRuns(predicted, real).flatMap((s) => s.differences)).toEqual([]);
    const o = summarizeOutcome(real);
    expect(o.failedCalls.map((f) => [f.role, f.call, f.errno])).toEqual([
      ['parent', 'accept(3)', 'EMFILE'],
      ['client#2', 'write(3)', 'ECONNRESET'],
    ]);
    expect(o.signals.map((s) => [s.flag, s.reason])).toEqual([
      ['FIN', 'exit'],
      ['RST', 'listener-closed'],
      ['FIN', 'close'],
    ]);
  });
});

describe('the plan of a recorded lesson ("experiment from here" at its last step)', () => {
  for (const name of LESSONS) {
    it(`${name}: run for real, agrees with its prediction at every step`, async () => {
      const { real, predicted } = await realAndPredicted(lessonPlan(name));
      expect(comparePlanRuns(predicted, real).flatMap((s) => s.differences)).toEqual([]);
    });
  }
});
