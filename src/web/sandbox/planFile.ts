// A plan as a file: the plan's JSON alone, or, when a run exists, {plan, trace} with the trace
// as JSON Lines text (the format every trace is stored in). Reading one accepts both; the plan
// is judged by parsePlan and the trace by parseTrace, and a bad file is refused with the reason.
// Pure.

import { parsePlan } from '../../plan/parse.ts';
import type { Plan } from '../../plan/types.ts';
import { parseTrace } from '../../trace/parse.ts';
import { traceText } from '../../trace/text.ts';
import type { Trace } from '../../trace/types.ts';

export interface PlanFile {
  plan: Plan;
  /** The trace of a run of the plan, when the file carries one. */
  trace: Trace | null;
}

export type ReadPlanFileResult = ({ ok: true } & PlanFile) | { ok: false; error: string };

export function writePlanFile(plan: Plan, trace: Trace | null): string {
  if (!trace) return `${JSON.stringify(plan, null, 2)}\n`;
  return `${JSON.stringify({ plan, trace: traceText(trace) }, null, 2)}\n`;
}

/** A file's plan (and trace), or why it is refused. Never throws. */
export function readPlanFile(text: string): ReadPlanFileResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `plan: not JSON (${(err as Error).message})` };
  }
  const isEnvelope = typeof data === 'object' && data !== null && !Array.isArray(data) && 'plan' in data && !('steps' in data);
  if (!isEnvelope) {
    const parsed = parsePlan(data);
    return parsed.ok ? { ok: true, plan: parsed.plan, trace: null } : parsed;
  }
  const { plan: rawPlan, trace: rawTrace, ...rest } = data as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) return { ok: false, error: `file: unknown field "${extra[0]}" (expected "plan" and "trace")` };
  const parsed = parsePlan(rawPlan);
  if (!parsed.ok) return parsed;
  if (rawTrace === undefined || rawTrace === null) return { ok: true, plan: parsed.plan, trace: null };
  if (typeof rawTrace !== 'string') return { ok: false, error: 'file: "trace" must be the trace as JSON Lines text' };
  const trace = parseTrace(rawTrace);
  if (!trace.ok) {
    const first = trace.errors[0];
    return { ok: false, error: `file: its trace is not a valid trace (line ${first?.line ?? '?'}: ${first?.message ?? 'unknown problem'})` };
  }
  // The page shows it as this plan's real run and compares it with the plan's prediction: it must
  // be one (the runner writes the plan it ran in the header).
  if (trace.trace.header.predicted) return { ok: false, error: 'file: its trace is a prediction, not a real run' };
  const ran = parsePlan(trace.trace.header.plan); // both in parsePlan's own order of fields
  if (!ran.ok || JSON.stringify(ran.plan) !== JSON.stringify(parsed.plan)) return { ok: false, error: 'file: its trace is a run of another plan' };
  return { ok: true, plan: parsed.plan, trace: trace.trace };
}

/** A file name for the plan: its title, made safe. */
export function planFileName(plan: Plan): string {
  const base = plan.title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 48).replace(/^-|-$/g, '');
  return `${base || 'plan'}.forkscope-plan.json`;
}
