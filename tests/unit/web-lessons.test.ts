import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  fillPlaceholders,
  findLessonInfo,
  findPart,
  LESSON_CATALOG,
  lessonStep,
  nextLesson,
  nextPart,
  questionBefore,
  questionProblems,
  snapshotResolver,
  stepEntry,
  stepKey,
  stepOfKey,
  stepRole,
  stepTotal,
  unnarratedSteps,
  unusedStepKeys,
  type LessonContent,
} from '../../src/lessons/index.ts';
import { numberedClients, oneClient } from '../../src/lessons/common.ts';
import { CONTENT_IDS, loadLessonContent } from '../../src/lessons/load.ts';
import { createReplay, parseTrace, type Replay } from '../../src/model/index.ts';
import { findScenario } from '../../src/scenarios/index.ts';
import { recordedConcurrent, stepAfter } from './web-recorded.ts';

const scenario = findScenario('concurrent')!;
const SHARED = new Set([...Object.keys(oneClient), ...Object.keys(numberedClients)]);
const contents = new Map<string, LessonContent>();
for (const id of CONTENT_IDS) contents.set(id, await loadLessonContent(id));
const flagship = contents.get('concurrent')!.parts['concurrent']!;

/** Every part of every lesson, with its scenario and text. */
const parts = LESSON_CATALOG.flatMap((lesson) =>
  lesson.parts.map((part) => ({ lesson, part, scenario: findScenario(part.scenario)!, content: contents.get(lesson.id)?.parts[part.id] })),
);

function recorded(id: string): Replay | null {
  const path = fileURLToPath(new URL(`../../public/traces/${id}.jsonl`, import.meta.url));
  if (!existsSync(path)) return null;
  const parsed = parseTrace(readFileSync(path, 'utf8'));
  if (!parsed.ok) throw new Error(`${id}: recorded trace does not parse`);
  return createReplay(parsed.trace);
}

describe('web lessons: the course as data', () => {
  it('has thirteen lessons, numbered in order, each part a scenario of the lab', () => {
    expect(LESSON_CATALOG.map((l) => l.number)).toEqual(LESSON_CATALOG.map((_, i) => i + 1));
    expect(new Set(LESSON_CATALOG.map((l) => l.id)).size).toBe(LESSON_CATALOG.length);
    for (const l of LESSON_CATALOG) {
      expect(l.parts.length, l.id).toBeGreaterThan(0);
      expect(new Set(l.parts.map((p) => p.id)).size, l.id).toBe(l.parts.length);
      expect(l.summary.length, l.id).toBeGreaterThan(120);
      for (const p of l.parts) expect(findScenario(p.scenario), `${l.id}/${p.id}`).toBeDefined();
    }
    expect(findLessonInfo('concurrent')!.title).toBe('The concurrent server (Figures 4.13–4.17)');
  });

  it('has the text of every lesson and of no other, part for part', () => {
    expect([...CONTENT_IDS].sort()).toEqual(LESSON_CATALOG.map((l) => l.id).sort());
    for (const l of LESSON_CATALOG) {
      const c = contents.get(l.id)!;
      expect(c.id).toBe(l.id);
      expect(Object.keys(c.parts).sort(), l.id).toEqual(l.parts.map((p) => p.id).sort());
    }
  });

  it('lists each part’s questions in the catalog, in step order', () => {
    for (const { lesson, part, scenario: s, content } of parts) {
      const keys = Object.keys(content!.questions).sort((a, b) => stepOfKey(s, a) - stepOfKey(s, b));
      expect(part.questions, `${lesson.id}/${part.id}`).toEqual(keys);
      expect(questionProblems(content!, s), `${lesson.id}/${part.id}`).toEqual([]);
    }
    const asked = parts.reduce((n, p) => n + p.part.questions.length, 0);
    expect(asked).toBeGreaterThanOrEqual(LESSON_CATALOG.length);
    for (const l of LESSON_CATALOG) expect(l.parts.some((p) => p.questions.length > 0), l.id).toBe(true);
  });

  it('narrates every step of every part, and no step a scenario does not have', () => {
    for (const { lesson, part, scenario: s, content } of parts) {
      expect(unnarratedSteps(content!, s), `${lesson.id}/${part.id}`).toEqual([]);
      // A key of the lesson's own (not of a shared set) that its scenario lacks is a typo.
      expect(unusedStepKeys(content!, s).filter((k) => !SHARED.has(k)), `${lesson.id}/${part.id}`).toEqual([]);
    }
  });

  it('fills every placeholder from the recorded real trace of each part', () => {
    for (const { lesson, part, scenario: s, content } of parts) {
      const replay = recorded(s.id);
      if (!replay) continue;
      const port = replay.trace.header.scenario.port;
      expect(replay.stepCount, `${s.id}: steps in the trace`).toBe(stepTotal(s));
      for (let n = 0; n < replay.stepCount; n++) {
        const snap = replay.atStep(n);
        const resolve = snapshotResolver(snap, port);
        const texts = [lessonStep(content!, s, n).narration, lessonStep(content!, s, n).title];
        const q = questionBefore(content!, s, n);
        if (q) texts.push(q.question.prompt, q.question.explanation, ...q.question.choices);
        for (const text of texts) {
          const filled = fillPlaceholders(text, resolve);
          expect(filled, `${lesson.id}/${part.id} step ${n}`).not.toMatch(/\{[a-z]+(:[^}]*)?\}/);
          expect(filled, `${lesson.id}/${part.id} step ${n}`).not.toMatch(/ of (parent|child#\d|client#\d)/);
          expect(filled, `${lesson.id}/${part.id} step ${n}`).not.toMatch(/\b(timewait|timer of [A-Z_0-9]+|port)\b left|\bport port\b/);
        }
      }
    }
  });

  it('finds parts, the next part and the next lesson', () => {
    const zombies = findLessonInfo('zombies')!;
    expect(findPart(zombies, null)!.id).toBe('zombies');
    expect(findPart(zombies, 'sigchld-ignore')!.scenario).toBe('sigchld-ignore');
    expect(findPart(zombies, 'nope')).toBeUndefined();
    expect(nextPart(zombies, 'zombies')!.id).toBe('sigchld-ignore');
    expect(nextPart(zombies, zombies.parts.at(-1)!.id)).toBeNull();
    expect(nextLesson(LESSON_CATALOG[0]!)).toBe(LESSON_CATALOG[1]);
    expect(nextLesson(LESSON_CATALOG.at(-1)!)).toBeNull();
  });
});

describe('web lessons: the flagship lesson', () => {
  it('tags the steps that are the book’s figures', () => {
    const fig = (id: string) => flagship.steps[id]?.figure;
    expect(fig('client-connect')).toBe('4.14');
    expect(fig('parent-accept-returns')).toBe('4.15');
    expect(fig('parent-fork')).toBe('4.16');
    expect(fig('child-close-listenfd')).toBe('4.17');
  });

  it('explains the points the lesson is for', () => {
    expect(flagship.steps['parent-close-connfd']!.narration).toMatch(/2 → 1/);
    expect(flagship.steps['parent-close-connfd']!.narration).toMatch(/FIN/);
    expect(flagship.steps['client-exit']!.narration).toMatch(/TIME_WAIT/);
    expect(flagship.steps['child-exit']!.narration).toMatch(/zombie/);
    expect(flagship.questions['parent-fork']!.choices[flagship.questions['parent-fork']!.answer]).toBe('2');
  });

  it('maps step numbers to schedule entries and questions to the step they precede', () => {
    expect(stepTotal(scenario)).toBe(scenario.schedule.length + 1);
    expect(stepKey(scenario, 0)).toBe('start');
    expect(stepKey(scenario, 1)).toBe(scenario.schedule[0]!.id);
    expect(stepKey(scenario, stepTotal(scenario))).toBeNull();
    expect(stepKey(scenario, -1)).toBeNull();
    expect(stepOfKey(scenario, 'start')).toBe(0);
    expect(stepOfKey(scenario, 'parent-fork')).toBe(stepAfter('parent-fork'));
    expect(stepOfKey(scenario, 'nope')).toBe(-1);
    expect(stepRole(scenario, 0)).toBeNull();
    expect(stepRole(scenario, stepAfter('child-close-listenfd'))).toBe('child#1');
    expect(lessonStep(flagship, scenario, stepAfter('parent-fork')).title).toMatch(/fork/);
    expect(lessonStep(flagship, scenario, 999).title).toBe('Step 999');
    expect(questionBefore(flagship, scenario, stepAfter('parent-fork'))!.key).toBe('parent-fork');
    expect(questionBefore(flagship, scenario, stepAfter('parent-fork') - 1)).toBeNull();
    expect(questionBefore(flagship, scenario, 0)).toBeNull();
  });

  it('narrates numbered steps from one template', () => {
    const steps = {
      'client{n}-connect': { title: 'Client {n} connects', narration: 'client#{n} is pid {pid:client#{n}}.' },
      'client2-connect': { title: 'The second client', narration: 'Exact keys win.' },
      'a.b': { title: 'dot', narration: 'x' },
    };
    expect(stepEntry(steps, 'client12-connect')).toEqual({ title: 'Client 12 connects', narration: 'client#12 is pid {pid:client#12}.' });
    expect(stepEntry(steps, 'client2-connect')!.title).toBe('The second client');
    expect(stepEntry(steps, 'clientx-connect')).toBeNull();
    expect(stepEntry(steps, 'aXb')).toBeNull();
  });

  it('fills placeholders, and never leaves braces when a value is missing', () => {
    const resolve = (name: string, args: string[]) => (name === 'pid' && args[0] === 'parent' ? '42' : null);
    expect(fillPlaceholders('pid {pid:parent}', resolve)).toBe('pid 42');
    expect(fillPlaceholders('pid {pid:child#1}', resolve)).toBe('pid pid of child#1');
    expect(fillPlaceholders('port {port}', resolve)).toBe('port port');
    expect(fillPlaceholders('a {b c} d', resolve)).toBe('a {b c} d');
  });

  it('fills placeholders from the recorded trace', () => {
    const replay = recordedConcurrent();
    const port = replay.trace.header.scenario.port;
    const fork = replay.atStep(stepAfter('parent-fork'));
    const resolve = snapshotResolver(fork, port);
    const parent = fork.processes.find((p) => p.role === 'parent')!;
    const child = fork.processes.find((p) => p.role === 'child#1')!;
    expect(resolve('pid', ['parent'])).toBe(String(parent.pid));
    expect(resolve('ppid', ['child#1'])).toBe(String(parent.pid));
    expect(resolve('pid', ['child#1'])).toBe(String(child.pid));
    expect(resolve('port', [])).toBe(String(port));
    expect(resolve('fd', ['parent', 'listener'])).toBe('3');
    expect(resolve('fd', ['child#1', 'server-conn'])).toBe('4');
    const connect = replay.atStep(stepAfter('client-connect'));
    expect(snapshotResolver(connect, port)('cport', ['client#1'])).toMatch(/^\d+$/);
  });

  it('says truly where the kernel’s view came from: read now in a live run, or when the trace was recorded', () => {
    const start = flagship.steps['start']!.narration;
    const said = (mode: 'live' | 'recorded' | 'connecting' | null) => fillPlaceholders(start, snapshotResolver(null, null, mode));
    expect(said('recorded')).toMatch(/This trace was recorded from the real kernel/);
    expect(said('recorded')).not.toMatch(/companion reads/);
    expect(said('live')).toMatch(/the companion reads the real kernel/);
    expect(said('live')).not.toMatch(/recorded/);
    for (const mode of ['connecting', null] as const) {
      expect(said(mode)).toMatch(/in a live run or when a trace is recorded/);
      expect(said(mode)).not.toMatch(/observed/);
    }
  });
});
