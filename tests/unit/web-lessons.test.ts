import { describe, expect, it } from 'vitest';
import {
  fillPlaceholders,
  findLesson,
  LESSONS,
  lessonStep,
  snapshotResolver,
  stepKey,
  stepRole,
  stepTotal,
  unnarratedSteps,
} from '../../src/lessons/index.ts';
import { findScenario } from '../../src/scenarios/index.ts';
import { recordedConcurrent, stepAfter } from './web-recorded.ts';

const scenario = findScenario('concurrent')!;
const lesson = findLesson('concurrent')!;

describe('web lessons: narration as data', () => {
  it('has the flagship lesson, titled as the book is cited', () => {
    expect(lesson.title).toBe('The concurrent server (Figures 4.13–4.17)');
    expect(lesson.scenario).toBe('concurrent');
    expect(LESSONS.every((l) => findScenario(l.scenario))).toBe(true);
  });

  it('narrates every step of its scenario and no step it does not have', () => {
    for (const l of LESSONS) {
      const s = findScenario(l.scenario)!;
      expect(unnarratedSteps(l, s)).toEqual([]);
      const keys = new Set(['start', ...s.schedule.map((e) => e.id)]);
      expect(Object.keys(l.steps).filter((k) => !keys.has(k))).toEqual([]);
    }
  });

  it('tags the steps that are the book’s figures', () => {
    const fig = (id: string) => lesson.steps[id]?.figure;
    expect(fig('client-connect')).toBe('4.14');
    expect(fig('parent-accept-returns')).toBe('4.15');
    expect(fig('parent-fork')).toBe('4.16');
    expect(fig('child-close-listenfd')).toBe('4.17');
  });

  it('explains the points the lesson is for', () => {
    expect(lesson.steps['parent-close-connfd']!.narration).toMatch(/2 → 1/);
    expect(lesson.steps['parent-close-connfd']!.narration).toMatch(/FIN/);
    expect(lesson.steps['client-exit']!.narration).toMatch(/TIME_WAIT/);
    expect(lesson.steps['child-exit']!.narration).toMatch(/zombie/);
  });

  it('maps step numbers to schedule entries', () => {
    expect(stepTotal(scenario)).toBe(scenario.schedule.length + 1);
    expect(stepKey(scenario, 0)).toBe('start');
    expect(stepKey(scenario, 1)).toBe(scenario.schedule[0]!.id);
    expect(stepKey(scenario, stepTotal(scenario))).toBeNull();
    expect(stepKey(scenario, -1)).toBeNull();
    expect(stepRole(scenario, 0)).toBeNull();
    expect(stepRole(scenario, stepAfter('child-close-listenfd'))).toBe('child#1');
    expect(lessonStep(lesson, scenario, stepAfter('parent-fork')).title).toMatch(/fork/);
    expect(lessonStep(lesson, scenario, 999).title).toBe('Step 999');
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
    for (let n = 0; n < replay.stepCount; n++) {
      const text = fillPlaceholders(lessonStep(lesson, scenario, n).narration, snapshotResolver(replay.atStep(n), port));
      expect(text, `step ${n}`).not.toMatch(/\{[a-z]+(:[^}]*)?\}/);
      expect(text, `step ${n}`).not.toMatch(/ of (parent|child#\d|client#\d)/);
    }
  });
});
