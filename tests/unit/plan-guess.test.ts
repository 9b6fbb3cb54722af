// The student's own prediction (src/plan/guess.ts): questions from a plan, scored by an Outcome.

import { describe, expect, it } from 'vitest';
import { concurrentPlan, doubleClosePlan, lingerZeroPlan, parentKeepsConnfdPlan } from '../../src/plan/examples.ts';
import { guessQuestions, scoreGuesses, serversOfPlan } from '../../src/plan/guess.ts';
import { summarizeOutcome, type Outcome } from '../../src/plan/outcome.ts';
import { predictPlan } from '../../src/plan/predict.ts';
import type { Plan } from '../../src/plan/types.ts';
import { parseTrace } from '../../src/trace/parse.ts';
import { recorded } from './plan-traces.ts';

const ids = (plan: typeof concurrentPlan) => guessQuestions(plan).map((q) => q.id);

describe('questions for the concurrent plan', () => {
  const questions = guessQuestions(concurrentPlan);

  it('asks about TIME_WAIT, end of file, each process\'s first close of a connection, zombies and failures', () => {
    expect(questions.map((q) => q.id)).toEqual(['timewait-client#1', 'eof-client#1', 'close-9', 'close-15', 'close-17', 'zombies', 'failures']);
  });

  it('names the sides by the processes the plan gives them', () => {
    const q = questions[0]!;
    expect(q.text).toBe('Which side of the connection client#1 ↔ child#1 ends in TIME_WAIT?');
    expect(q.options.map((o) => o.text)).toEqual(['client#1', 'child#1', 'both', 'neither']);
  });

  it('says which close, by step and by the names in the plan', () => {
    expect(questions.find((q) => q.id === 'close-9')!.text).toBe("What does step 9, parent's close(connfd), send?");
  });

  it('offers as many zombies as there are forks', () => {
    expect(questions.find((q) => q.id === 'zombies')!.options.map((o) => o.id)).toEqual(['0', '1']);
  });
});

describe('who serves a client, from the plan alone', () => {
  it('is the child forked after the accept that took its connection', () => {
    expect(serversOfPlan(concurrentPlan)).toEqual(new Map([['client#1', 'child#1']]));
  });
  it('is the accepting process when nobody forks after the accept', () => {
    const plan = { ...concurrentPlan, steps: concurrentPlan.steps.filter((s) => s.do !== 'fork' && s.proc !== 'child#1') };
    expect(serversOfPlan(plan).get('client#1')).toBe('parent');
  });
});

describe('no question about what a plan cannot show', () => {
  it('asks no end of file question of a client that never reads', () => {
    expect(ids(doubleClosePlan)).not.toContain('eof-client#1');
  });
  it('asks about listenfd\'s close never, only connections\'', () => {
    expect(ids(parentKeepsConnfdPlan)).toEqual(['timewait-client#1', 'eof-client#1', 'close-10', 'zombies', 'failures']);
  });
});

/** The outcome of a run of concurrentPlan, as the runner would give it (step labels step-N). */
function concurrentOutcome(over: Partial<Outcome> = {}): Outcome {
  return {
    signals: [
      { flag: 'FIN', step: 15, label: 'step-15', from: 'connection client#1 ↔ child#1 (client end)', to: 'connection client#1 ↔ child#1 (server end)', reason: 'close', role: 'client#1', call: 'close(3)', count: { before: 1, after: 0 }, why: 'close(3) in client#1: count 1 → 0' },
      { flag: 'FIN', step: 17, label: 'step-17', from: 'connection client#1 ↔ child#1 (server end)', to: 'connection client#1 ↔ child#1 (client end)', reason: 'close', role: 'child#1', call: 'close(4)', count: { before: 1, after: 0 }, why: 'close(4) in child#1: count 1 → 0' },
    ],
    closes: [
      { step: 9, label: 'step-9', role: 'parent', fd: 4, descriptor: 'parent connfd 4', countBefore: 2, countAfter: 1, sent: null },
      { step: 15, label: 'step-15', role: 'client#1', fd: 3, descriptor: 'client#1 sockfd 3', countBefore: 1, countAfter: 0, sent: 'FIN' },
      { step: 17, label: 'step-17', role: 'child#1', fd: 4, descriptor: 'child#1 connfd 4', countBefore: 1, countAfter: 0, sent: 'FIN' },
    ],
    connections: [{ name: 'connection client#1 ↔ child#1', client: 'client#1', server: 'child#1', clientState: 'TIME_WAIT', serverState: 'CLOSED', timeWait: [{ side: 'client', roles: ['client#1'] }] }],
    leaks: [],
    zombies: ['child#1'],
    failedCalls: [],
    endOfFile: [{ step: 16, label: 'step-16', role: 'child#1', descriptor: 'child#1 connfd 4' }],
    stalled: null,
    lastStep: 19,
    ...over,
  };
}

describe('scoring', () => {
  const questions = guessQuestions(concurrentPlan);
  const answers = { 'timewait-client#1': 'server', 'eof-client#1': 'no', 'close-9': 'FIN', 'close-15': 'FIN', zombies: '1' };
  const scores = scoreGuesses(questions, answers, concurrentOutcome());
  const score = (id: string) => scores.find((s) => s.id === id)!;

  it('finds the client in TIME_WAIT and says why: it closed first', () => {
    expect(score('timewait-client#1')).toMatchObject({ answer: 'server', actual: 'client', correct: false });
    expect(score('timewait-client#1').explanation).toContain('The first FIN came from the client#1 side (close(3) in client#1: count 1 → 0)');
  });

  it('explains that the parent\'s close only lowered the count', () => {
    expect(score('close-9')).toMatchObject({ answer: 'FIN', actual: 'nothing', correct: false });
    expect(score('close-9').explanation).toContain('from 2 to 1');
  });

  it('scores a right answer right, and an unanswered question as not answered', () => {
    expect(score('close-15')).toMatchObject({ actual: 'FIN', correct: true });
    expect(score('zombies')).toMatchObject({ actual: '1', correct: true });
    expect(score('failures')).toMatchObject({ answer: null, actual: 'no', correct: false });
  });

  it('answers end of file from the client\'s reads only', () => {
    expect(score('eof-client#1')).toMatchObject({ actual: 'no', correct: true });
  });

  it('says the run stopped early in every explanation', () => {
    const stalled = scoreGuesses(questions, {}, concurrentOutcome({ stalled: 'plan stalled at step 12: client#1 is blocked in read()' }));
    for (const s of stalled) expect(s.explanation).toContain('plan stalled at step 12');
  });
});

describe('scoring with the outcome of a recorded run', () => {
  it('sees an RST, and no TIME_WAIT, after a linger-0 close', () => {
    const q = guessQuestions(lingerZeroPlan).filter((x) => x.id.startsWith('timewait'));
    const [s] = scoreGuesses(q, { 'timewait-client#1': 'neither' }, summarizeOutcome(recorded('linger-rst')));
    expect(s).toMatchObject({ actual: 'neither', correct: true });
    expect(s!.explanation).toContain('An RST ended it');
  });
});

describe('scoring with the prediction of each example plan', () => {
  const outcomeOf = (plan: Plan) => {
    const parsed = parseTrace(predictPlan(plan).records.map((r) => JSON.stringify(r)).join('\n'));
    if (!parsed.ok) throw new Error('the prediction does not parse');
    return summarizeOutcome(parsed.trace);
  };

  it('answers the concurrent plan as the book does', () => {
    const q = guessQuestions(concurrentPlan);
    const actual = Object.fromEntries(scoreGuesses(q, {}, outcomeOf(concurrentPlan)).map((s) => [s.id, s.actual]));
    expect(actual).toEqual({ 'timewait-client#1': 'client', 'eof-client#1': 'no', 'close-9': 'nothing', 'close-15': 'FIN', 'close-17': 'FIN', zombies: '1', failures: 'no' });
  });

  it('answers the parent-keeps-connfd plan: the child\'s close sends nothing', () => {
    const q = guessQuestions(parentKeepsConnfdPlan);
    const [close] = scoreGuesses(q, { 'close-10': 'nothing' }, outcomeOf(parentKeepsConnfdPlan)).filter((s) => s.id === 'close-10');
    expect(close).toMatchObject({ actual: 'nothing', correct: true });
    expect(close!.explanation).toContain('from 2 to 1');
  });

  it('answers the double close: it fails with EBADF', () => {
    const scores = scoreGuesses(guessQuestions(doubleClosePlan), {}, outcomeOf(doubleClosePlan));
    expect(scores.find((s) => s.id === 'failures')).toMatchObject({ actual: 'yes' });
    expect(scores.find((s) => s.id === 'failures')!.explanation).toContain("parent's close(4) at step 10 (EBADF)");
  });
});
