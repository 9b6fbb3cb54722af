// The lessons, and the pure lookups the web app needs: which lesson and part, which step entry,
// which question precedes a step, and narration with its placeholders filled from a snapshot.

import { portOf } from '../trace/address.ts';
import type { ModelSnapshot } from '../model/types.ts';
import type { Scenario } from '../scenarios/types.ts';
import { LESSON_CATALOG } from './catalog.ts';
import type { LessonInfo, LessonPartContent, LessonPartInfo, LessonStep, Question } from './types.ts';

export type * from './types.ts';
export { LESSON_CATALOG } from './catalog.ts';

export function findLessonInfo(id: string): LessonInfo | undefined {
  return LESSON_CATALOG.find((l) => l.id === id);
}

/** The part with this id; the first part when `partId` is null. */
export function findPart(lesson: LessonInfo, partId: string | null): LessonPartInfo | undefined {
  return partId === null ? lesson.parts[0] : lesson.parts.find((p) => p.id === partId);
}

/** The part after `partId` in its lesson, or null after the last. */
export function nextPart(lesson: LessonInfo, partId: string): LessonPartInfo | null {
  const i = lesson.parts.findIndex((p) => p.id === partId);
  return i >= 0 ? (lesson.parts[i + 1] ?? null) : null;
}

/** The lesson after this one in the course, or null after the last. */
export function nextLesson(lesson: LessonInfo): LessonInfo | null {
  const i = LESSON_CATALOG.findIndex((l) => l.id === lesson.id);
  return i >= 0 ? (LESSON_CATALOG[i + 1] ?? null) : null;
}

/** Number of steps of a scenario: step 0 ('start') and one per schedule entry. */
export function stepTotal(scenario: Scenario): number {
  return scenario.schedule.length + 1;
}

/** The key a lesson uses for step n: 'start' for 0, else the schedule entry's id; null when out of range. */
export function stepKey(scenario: Scenario, step: number): string | null {
  if (!Number.isInteger(step) || step < 0) return null;
  if (step === 0) return 'start';
  return scenario.schedule[step - 1]?.id ?? null;
}

/** The step number of a key ('start' is 0), or -1 when the scenario has no such step. */
export function stepOfKey(scenario: Scenario, key: string): number {
  if (key === 'start') return 0;
  const i = scenario.schedule.findIndex((e) => e.id === key);
  return i < 0 ? -1 : i + 1;
}

/** The role whose gate step n releases (or whose program it spawns); null for step 0. */
export function stepRole(scenario: Scenario, step: number): string | null {
  if (step <= 0) return null;
  return scenario.schedule[step - 1]?.role ?? null;
}

const templates = new WeakMap<object, { re: RegExp; key: string }[]>();

/**
 * A part's entry for a step key: the exact key, else a template key with {n} standing for a
 * number (the entry 'client{n}-connect' narrates client1-connect, client2-connect …), with every
 * {n} in its text replaced by that number.
 */
export function stepEntry(steps: Record<string, LessonStep>, key: string): LessonStep | null {
  if (Object.hasOwn(steps, key)) return steps[key] ?? null;
  let list = templates.get(steps);
  if (!list) {
    const escape = (x: string) => x.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
    list = Object.keys(steps)
      .filter((k) => k.includes('{n}'))
      .map((k) => ({ key: k, re: new RegExp(`^${k.split('{n}').map(escape).join('(\\d+)')}$`) }));
    templates.set(steps, list);
  }
  for (const t of list) {
    const m = t.re.exec(key);
    if (!m) continue;
    const n = m[1]!;
    const entry = steps[t.key]!;
    const fill = (text: string) => text.replaceAll('{n}', n);
    return { ...entry, title: fill(entry.title), narration: fill(entry.narration) };
  }
  return null;
}

/** The part's text for step n, or a plain fallback naming the step when the part has none. */
export function lessonStep(part: LessonPartContent, scenario: Scenario, step: number): LessonStep {
  const key = stepKey(scenario, step);
  if (key !== null) return stepEntry(part.steps, key) ?? { title: key, narration: '' };
  return { title: `Step ${step}`, narration: '' };
}

/** The question asked before step n is shown (keyed by step n's key), or null. */
export function questionBefore(part: LessonPartContent, scenario: Scenario, step: number): { key: string; question: Question } | null {
  const key = stepKey(scenario, step);
  if (key === null || step === 0) return null;
  const question = Object.hasOwn(part.questions, key) ? part.questions[key] : undefined;
  return question ? { key, question } : null;
}

/** Schedule entries (and 'start') that a part does not narrate. Empty for a complete part. */
export function unnarratedSteps(part: LessonPartContent, scenario: Scenario): string[] {
  const keys = ['start', ...scenario.schedule.map((e) => e.id)];
  return keys.filter((k) => !stepEntry(part.steps, k)?.narration);
}

/** Step keys of a part that no step of its scenario has (exact keys, and templates that match none). */
export function unusedStepKeys(part: LessonPartContent, scenario: Scenario): string[] {
  const keys = ['start', ...scenario.schedule.map((e) => e.id)];
  return Object.keys(part.steps).filter((k) => {
    if (!k.includes('{n}')) return !keys.includes(k);
    const only = { [k]: part.steps[k]! };
    return !keys.some((key) => stepEntry(only, key) !== null);
  });
}

/** What is wrong with a part's questions (for tests): unknown keys, a question before step 0, bad choices. */
export function questionProblems(part: LessonPartContent, scenario: Scenario): string[] {
  const out: string[] = [];
  for (const [key, q] of Object.entries(part.questions)) {
    const step = stepOfKey(scenario, key);
    if (step < 0) out.push(`${key}: no such step`);
    if (step === 0) out.push(`${key}: nothing precedes step 0`);
    if (q.choices.length < 2 || q.choices.length > 4) out.push(`${key}: ${q.choices.length} choices (2–4)`);
    if (!Number.isInteger(q.answer) || q.answer < 0 || q.answer >= q.choices.length) out.push(`${key}: answer ${q.answer} is not a choice`);
    if (new Set(q.choices).size !== q.choices.length) out.push(`${key}: two choices are the same`);
    if (!q.prompt.trim() || !q.explanation.trim()) out.push(`${key}: empty prompt or explanation`);
  }
  return out;
}

export type PlaceholderResolver = (name: string, args: string[]) => string | null;

/**
 * Replace {name} and {name:arg:arg} placeholders. A placeholder the resolver cannot fill
 * becomes a readable stand-in ("pid of client#1"), never the raw braces.
 */
export function fillPlaceholders(text: string, resolve: PlaceholderResolver): string {
  return text.replace(/\{([a-z]+)((?::[^:{}]+)*)\}/g, (_match, name: string, rest: string) => {
    const args = rest ? rest.slice(1).split(':') : [];
    const value = resolve(name, args);
    if (value !== null) return value;
    return args.length > 0 ? `${name} of ${args.join(' ')}` : name;
  });
}


/** Where the trace being shown comes from: a live run now, a recorded one, or not known yet. */
export type TraceMode = 'live' | 'recorded' | 'connecting';

/** {observed}: how the kernel's view in the panels was obtained, said truly for the trace's mode. */
const OBSERVED: Record<'live' | 'recorded' | 'unknown', string> = {
  live: 'After every step the companion reads the real kernel (/proc, and sock_diag as ss does), and the page compares what it reports with the model.',
  recorded:
    'This trace was recorded from the real kernel: after every step the companion read /proc and sock_diag (as ss does), and the page compares what it read with the model.',
  unknown:
    'After every step the companion reads the real kernel (/proc, and sock_diag as ss does), in a live run or when a trace is recorded, and the page compares what it read with the model.',
};

/** A resolver for the placeholders documented in LessonStep, reading one snapshot of a trace in `mode`. */
export function snapshotResolver(snapshot: ModelSnapshot | null, serverPort: number | null, mode: TraceMode | null = null): PlaceholderResolver {
  return (name, args) => {
    if (name === 'port') return serverPort === null ? null : String(serverPort);
    if (name === 'observed') return OBSERVED[mode === 'live' || mode === 'recorded' ? mode : 'unknown'];
    if (!snapshot) return null;
    const proc = args[0] ? snapshot.processes.find((p) => p.role === args[0]) : undefined;
    switch (name) {
      case 'pid':
        return proc ? String(proc.pid) : null;
      case 'ppid':
        return proc ? String(proc.ppid) : null;
      case 'cport': {
        if (!proc) return null;
        for (const { fileId } of proc.fds) {
          const file = snapshot.openFiles.find((f) => f.id === fileId);
          const ep = file && snapshot.endpoints.find((e) => e.id === file.endpointId);
          if (ep?.kind === 'client' && ep.local) return String(portOf(ep.local) ?? '?');
        }
        return null;
      }
      case 'timewait':
      case 'timer': {
        // What the kernel says is left of the timer of a closing socket: {timewait} is TIME_WAIT's 2MSL,
        // {timer:FIN_WAIT_2} an orphaned FIN_WAIT_2's timeout (Linux reports both as its time-wait timer). "59.9 s"
        const state = name === 'timewait' ? 'TIME_WAIT' : args[0];
        const sock = snapshot.kernel?.sockets.find((k) => k.state === state && k.timer?.kind === 'timewait');
        return sock?.timer ? `${(Math.max(0, Math.floor(sock.timer.remainingMs / 100)) / 10).toFixed(1)} s` : null;
      }
      case 'rto': {
        // What the kernel says is left before a socket held by a lost segment retransmits: {rto:SYN_SENT}. "0.98 s"
        const sock = snapshot.kernel?.sockets.find((k) => k.state === args[0] && k.timer?.kind === 'retransmit');
        return sock?.timer ? `${(Math.max(0, Math.floor(sock.timer.remainingMs / 10)) / 100).toFixed(2)} s` : null;
      }
      case 'fd': {
        if (!proc || !args[1]) return null;
        for (const { fd, fileId } of proc.fds) {
          const file = snapshot.openFiles.find((f) => f.id === fileId);
          const ep = file && snapshot.endpoints.find((e) => e.id === file.endpointId);
          if (ep?.kind === args[1]) return String(fd);
        }
        return null;
      }
      default:
        return null;
    }
  };
}
