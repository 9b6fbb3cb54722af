// The lessons, and the pure lookups the web app needs: which lesson, which step entry,
// and narration with its placeholders filled from a snapshot.

import type { ModelSnapshot } from '../model/types.ts';
import type { Scenario } from '../scenarios/types.ts';
import { concurrentLesson } from './concurrent.ts';
import type { Lesson, LessonStep } from './types.ts';

export type { FigureRef, Lesson, LessonStep } from './types.ts';

export const LESSONS: readonly Lesson[] = [concurrentLesson];

export function findLesson(id: string): Lesson | undefined {
  return LESSONS.find((l) => l.id === id);
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

/** The role whose gate step n releases (or whose program it spawns); null for step 0. */
export function stepRole(scenario: Scenario, step: number): string | null {
  if (step <= 0) return null;
  return scenario.schedule[step - 1]?.role ?? null;
}

/** The lesson's text for step n, or a plain fallback naming the step when the lesson has none. */
export function lessonStep(lesson: Lesson, scenario: Scenario, step: number): LessonStep {
  const key = stepKey(scenario, step);
  if (key !== null) {
    const entry = lesson.steps[key];
    if (entry) return entry;
    return { title: key, narration: '' };
  }
  return { title: `Step ${step}`, narration: '' };
}

/** Schedule entries (and 'start') that a lesson does not narrate. Empty for a complete lesson. */
export function unnarratedSteps(lesson: Lesson, scenario: Scenario): string[] {
  const keys = ['start', ...scenario.schedule.map((e) => e.id)];
  return keys.filter((k) => !lesson.steps[k]?.narration);
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

function portOf(address: string | null): string | null {
  if (!address) return null;
  const i = address.lastIndexOf(':');
  return i >= 0 ? address.slice(i + 1) : null;
}

/** A resolver for the placeholders documented in LessonStep, reading one snapshot. */
export function snapshotResolver(snapshot: ModelSnapshot | null, serverPort: number | null): PlaceholderResolver {
  return (name, args) => {
    if (name === 'port') return serverPort === null ? null : String(serverPort);
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
          if (ep?.kind === 'client') return portOf(ep.local);
        }
        return null;
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
