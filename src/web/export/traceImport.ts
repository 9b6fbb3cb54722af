// Opening a trace file in the lesson view: is it a trace (parseTrace, with its line numbers), of a
// scenario a lesson plays, whose steps are that lesson part's steps? The answer is the lesson part
// to play it in, or the line and the reason it is refused. Nothing is changed before the answer is
// yes, so a refused file leaves the lesson as it was. Pure (no DOM): bytes in, a verdict out.

import { LESSON_CATALOG, stepKey, stepTotal, type LessonInfo, type LessonPartInfo } from '../../lessons/index.ts';
import { createReplay } from '../../model/index.ts';
import { findScenario } from '../../scenarios/index.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { parseTrace, TraceFormatError } from '../../trace/parse.ts';
import type { Trace } from '../../trace/types.ts';

/** The largest trace file opened (a 100,000-event trace is about 25 MiB). */
export const MAX_TRACE_BYTES = 32 * 1024 * 1024;

export interface TraceRefusal {
  /** 1-based line of the file, or null when the problem is the file as a whole (size, encoding). */
  line: number | null;
  reason: string;
}

export type TraceImport =
  | { ok: true; trace: Trace; lesson: LessonInfo; part: LessonPartInfo; scenario: Scenario; steps: number; complete: boolean }
  | ({ ok: false } & TraceRefusal);

/** "line 3: not valid JSON (…)" or the reason alone, for the alert. */
export function refusalText(fileName: string, refusal: TraceRefusal): string {
  return `“${fileName}” was not opened: ${refusal.line === null ? '' : `line ${refusal.line}: `}${refusal.reason}.`;
}

const refuse = (line: number | null, reason: string): TraceImport => ({ ok: false, line, reason: reason.replace(/\.$/, '') });

/** The lesson part that plays `scenarioId`: one of `current`'s parts first, else the first in the course. */
export function partForScenario(scenarioId: string, current: LessonInfo | null): { lesson: LessonInfo; part: LessonPartInfo } | null {
  const lessons = current ? [current, ...LESSON_CATALOG.filter((l) => l.id !== current.id)] : LESSON_CATALOG;
  for (const lesson of lessons) {
    const part = lesson.parts.find((p) => p.scenario === scenarioId);
    if (part) return { lesson, part };
  }
  return null;
}

/** 1-based line of each record (the header's, then each event's): parseTrace skips blank lines but counts them. */
function recordLines(text: string): number[] {
  const lines: number[] = [];
  text.split('\n').forEach((l, i) => {
    if (l.trim() !== '') lines.push(i + 1);
  });
  return lines;
}

/** Check a file's bytes as a trace to play in the lesson view (`current` is the lesson open now). Never throws. */
export function checkTraceFile(size: number, bytes: Uint8Array, current: LessonInfo | null): TraceImport {
  if (size > MAX_TRACE_BYTES) {
    return refuse(null, `it is ${(size / 1024 / 1024).toFixed(1)} MiB, more than the ${MAX_TRACE_BYTES / 1024 / 1024} MiB a trace may have here`);
  }
  if (size === 0 || bytes.length === 0) return refuse(1, 'the file is empty (a trace starts with its header)');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return refuse(null, 'it is not UTF-8 text (a trace is JSON Lines)');
  }
  const parsed = parseTrace(text);
  if (!parsed.ok) {
    const first = parsed.errors[0]!;
    const more = parsed.errors.length > 1 ? ` (and ${parsed.errors.length - 1} more ${parsed.errors.length === 2 ? 'problem' : 'problems'})` : '';
    return refuse(first.line, `${first.message.replace(/^line \d+: /, '')}${more}`);
  }
  const { trace } = parsed;
  const id = trace.header.scenario.id;
  if (trace.header.plan || trace.header.predicted || id === 'plan') {
    return refuse(1, 'this is a sandbox plan’s trace: open it in the sandbox (Sandbox, then Import), with its plan');
  }
  const where = partForScenario(id, current);
  const scenario = findScenario(id);
  if (!where || !scenario) return refuse(1, `no lesson plays the scenario “${id}”`);
  const lines = recordLines(text);
  const total = stepTotal(scenario);
  let steps = 0;
  for (let i = 0; i < trace.events.length; i++) {
    const e = trace.events[i]!;
    if (e.kind !== 'kernel') continue;
    const line = lines[i + 1] ?? null;
    if (steps >= total) return refuse(line, `the trace has more steps than “${where.part.title}” (${total})`);
    const expected = stepKey(scenario, steps);
    if (e.label !== expected) {
      return refuse(line, `step ${steps + 1} is “${e.label}”, but step ${steps + 1} of the scenario “${id}” is “${expected}” (a trace of another version of it?)`);
    }
    steps++;
  }
  if (steps === 0) return refuse(lines[lines.length - 1] ?? 1, 'the trace has no step (no kernel snapshot)');
  try {
    createReplay(trace);
  } catch (err) {
    if (err instanceof TraceFormatError) return refuse(err.line, err.detail);
    return refuse(null, `the model could not replay it (${err instanceof Error ? err.message : String(err)})`);
  }
  return { ok: true, trace, lesson: where.lesson, part: where.part, scenario, steps, complete: steps === total };
}
