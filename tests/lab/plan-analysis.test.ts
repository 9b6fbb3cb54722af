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

function lessonPlan(name: string): Plan {
  const parsed = parseTrace(readFileSync(fileURLToPath(new URL(`../../public/traces/${name}.jsonl`, import.meta.url)), 'utf8'));
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
