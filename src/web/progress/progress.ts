// The learner's progress, kept in localStorage (no server): which steps of each lesson part
// they have seen and how they answered its questions. Pure: parse, update, summarize.
// A stored value that is not exactly this shape is dropped, entry by entry, never trusted.

import type { LessonInfo } from '../../lessons/types.ts';

/** Versioned: a later shape gets a new key, and this one is left alone. */
export const PROGRESS_KEY = 'forkscope.progress.v1';
const MAX_STEP = 100_000;

export interface AnswerRecord {
  /** Index of the choice made. */
  choice: number;
  correct: boolean;
}

export interface PartProgress {
  /** Step numbers seen, ascending, no duplicates. */
  seen: number[];
  /** Keyed by the question's key (the step it precedes). */
  answers: Record<string, AnswerRecord>;
}

export interface Progress {
  version: 1;
  /** Keyed by partKey(lesson, part). */
  parts: Record<string, PartProgress>;
}

export const EMPTY_PROGRESS: Progress = Object.freeze({ version: 1, parts: Object.freeze({}) }) as Progress;

export function partKey(lesson: string, part: string): string {
  return `${lesson}/${part}`;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parsePart(v: unknown): PartProgress | null {
  if (!isObject(v)) return null;
  const seen = Array.isArray(v.seen)
    ? [...new Set(v.seen.filter((n): n is number => Number.isInteger(n) && n >= 0 && n <= MAX_STEP))].sort((a, b) => a - b)
    : [];
  const answers: Record<string, AnswerRecord> = {};
  if (isObject(v.answers)) {
    for (const [k, a] of Object.entries(v.answers)) {
      if (isObject(a) && Number.isInteger(a.choice) && (a.choice as number) >= 0 && typeof a.correct === 'boolean') {
        answers[k] = { choice: a.choice as number, correct: a.correct };
      }
    }
  }
  return { seen, answers };
}

/** The progress in a stored string; empty when there is none or it is not ours. Never throws. */
export function parseProgress(raw: string | null): Progress {
  if (!raw) return EMPTY_PROGRESS;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return EMPTY_PROGRESS;
  }
  if (!isObject(data) || data.version !== 1 || !isObject(data.parts)) return EMPTY_PROGRESS;
  const parts: Record<string, PartProgress> = {};
  for (const [k, v] of Object.entries(data.parts)) {
    const p = parsePart(v);
    if (p && /^[^/]+\/[^/]+$/.test(k)) parts[k] = p;
  }
  return { version: 1, parts };
}

export function serializeProgress(p: Progress): string {
  return JSON.stringify(p);
}

function part(p: Progress, key: string): PartProgress {
  return p.parts[key] ?? { seen: [], answers: {} };
}

/** Progress with step `step` of a part marked seen (the same object when it already was). */
export function withSeen(p: Progress, lesson: string, partId: string, step: number): Progress {
  if (!Number.isInteger(step) || step < 0 || step > MAX_STEP) return p;
  const key = partKey(lesson, partId);
  const cur = part(p, key);
  if (cur.seen.includes(step)) return p;
  const seen = [...cur.seen, step].sort((a, b) => a - b);
  return { version: 1, parts: { ...p.parts, [key]: { ...cur, seen } } };
}

/** Progress with an answer recorded (replacing an earlier answer to the same question). */
export function withAnswer(p: Progress, lesson: string, partId: string, question: string, answer: AnswerRecord): Progress {
  const key = partKey(lesson, partId);
  const cur = part(p, key);
  return { version: 1, parts: { ...p.parts, [key]: { ...cur, answers: { ...cur.answers, [question]: { ...answer } } } } };
}

export function answerOf(p: Progress, lesson: string, partId: string, question: string): AnswerRecord | null {
  const answers = p.parts[partKey(lesson, partId)]?.answers;
  return answers && Object.hasOwn(answers, question) ? (answers[question] ?? null) : null;
}

export interface ProgressSummary {
  stepsSeen: number;
  steps: number;
  answered: number;
  questions: number;
  correct: number;
}

/**
 * How far a learner is in a lesson: steps seen of all its parts' steps, questions answered and
 * answered right. Only steps and questions the lesson has now are counted.
 * `stepCount(scenario)` is the number of steps of a scenario (0 when it is unknown).
 */
export function lessonSummary(p: Progress, lesson: LessonInfo, stepCount: (scenario: string) => number): ProgressSummary {
  const out: ProgressSummary = { stepsSeen: 0, steps: 0, answered: 0, questions: 0, correct: 0 };
  for (const pt of lesson.parts) {
    const total = stepCount(pt.scenario);
    const cur = p.parts[partKey(lesson.id, pt.id)];
    out.steps += total;
    out.questions += pt.questions.length;
    if (!cur) continue;
    out.stepsSeen += cur.seen.filter((n) => n < total).length;
    for (const q of pt.questions) {
      const a = Object.hasOwn(cur.answers, q) ? cur.answers[q] : undefined;
      if (!a) continue;
      out.answered += 1;
      if (a.correct) out.correct += 1;
    }
  }
  return out;
}

/** The sum of several summaries (the whole course). */
export function addSummaries(list: readonly ProgressSummary[]): ProgressSummary {
  return list.reduce(
    (a, b) => ({
      stepsSeen: a.stepsSeen + b.stepsSeen,
      steps: a.steps + b.steps,
      answered: a.answered + b.answered,
      questions: a.questions + b.questions,
      correct: a.correct + b.correct,
    }),
    { stepsSeen: 0, steps: 0, answered: 0, questions: 0, correct: 0 },
  );
}

/** "2 of 3 right" / "no answers yet". */
export function scoreText(s: Pick<ProgressSummary, 'answered' | 'correct'>): string {
  if (s.answered === 0) return 'no answers yet';
  return `${s.correct} of ${s.answered} right`;
}
