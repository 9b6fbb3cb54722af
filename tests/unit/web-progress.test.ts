import { describe, expect, it } from 'vitest';
import type { LessonInfo } from '../../src/lessons/types.ts';
import {
  addSummaries,
  answerOf,
  EMPTY_PROGRESS,
  lessonSummary,
  parseProgress,
  PROGRESS_KEY,
  serializeProgress,
  withAnswer,
  withSeen,
} from '../../src/web/progress/progress.ts';

const lesson: LessonInfo = {
  id: 'zombies',
  number: 10,
  title: 'SIGCHLD and zombies',
  summary: '…',
  parts: [
    { id: 'zombies', scenario: 'zombies', title: 'Default', questions: ['child1-exit', 'child3-exit'] },
    { id: 'sigchld-ignore', scenario: 'sigchld-ignore', title: 'SIG_IGN', questions: ['child1-exit'] },
  ],
};
const steps = (scenario: string) => ({ zombies: 56, 'sigchld-ignore': 40 })[scenario] ?? 0;

describe('web progress: answers and steps seen, kept in localStorage', () => {
  it('uses a versioned key', () => {
    expect(PROGRESS_KEY).toMatch(/\.v1$/);
  });

  it('discards a missing, broken or foreign value without throwing', () => {
    for (const raw of [null, '', '{', 'null', '[]', '42', '"x"', '{"version":2,"parts":{}}', '{"version":1}', '{"version":1,"parts":[]}']) {
      expect(parseProgress(raw), String(raw)).toEqual(EMPTY_PROGRESS);
    }
  });

  it('keeps the good entries of a partly broken value', () => {
    const raw = JSON.stringify({
      version: 1,
      parts: {
        'zombies/zombies': { seen: [3, 1, 1, 'x', -2, 2.5], answers: { 'child1-exit': { choice: 1, correct: true }, bad: { choice: '1', correct: true } } },
        'no-slash': { seen: [1], answers: {} },
        'zombies/sigchld-ignore': 'nonsense',
      },
    });
    const p = parseProgress(raw);
    expect(Object.keys(p.parts)).toEqual(['zombies/zombies']);
    expect(p.parts['zombies/zombies']).toEqual({ seen: [1, 3], answers: { 'child1-exit': { choice: 1, correct: true } } });
  });

  it('records steps seen (once) and answers (the last one counts), and round-trips', () => {
    let p = withSeen(EMPTY_PROGRESS, 'zombies', 'zombies', 4);
    p = withSeen(p, 'zombies', 'zombies', 0);
    expect(withSeen(p, 'zombies', 'zombies', 4)).toBe(p);
    expect(withSeen(p, 'zombies', 'zombies', -1)).toBe(p);
    p = withAnswer(p, 'zombies', 'zombies', 'child1-exit', { choice: 0, correct: false });
    p = withAnswer(p, 'zombies', 'zombies', 'child1-exit', { choice: 1, correct: true });
    expect(answerOf(p, 'zombies', 'zombies', 'child1-exit')).toEqual({ choice: 1, correct: true });
    expect(answerOf(p, 'zombies', 'zombies', 'toString')).toBeNull();
    expect(answerOf(p, 'zombies', 'sigchld-ignore', 'child1-exit')).toBeNull();
    expect(parseProgress(serializeProgress(p))).toEqual(p);
    expect(EMPTY_PROGRESS.parts).toEqual({});
  });

  it('sums a lesson’s parts: steps seen, questions answered and answered right', () => {
    let p = EMPTY_PROGRESS;
    for (const n of [0, 1, 2, 999]) p = withSeen(p, 'zombies', 'zombies', n);
    p = withSeen(p, 'zombies', 'sigchld-ignore', 5);
    p = withAnswer(p, 'zombies', 'zombies', 'child1-exit', { choice: 1, correct: true });
    p = withAnswer(p, 'zombies', 'zombies', 'gone-question', { choice: 1, correct: true });
    p = withAnswer(p, 'zombies', 'sigchld-ignore', 'child1-exit', { choice: 0, correct: false });
    const s = lessonSummary(p, lesson, steps);
    expect(s).toEqual({ stepsSeen: 4, steps: 96, answered: 2, questions: 3, correct: 1 });
    expect(addSummaries([s, s])).toEqual({ stepsSeen: 8, steps: 192, answered: 4, questions: 6, correct: 2 });
    expect(lessonSummary(EMPTY_PROGRESS, lesson, steps)).toEqual({ stepsSeen: 0, steps: 96, answered: 0, questions: 3, correct: 0 });
  });
});
