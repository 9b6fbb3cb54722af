// The student's own prediction, before running (guessQuestions), and its score afterwards
// (scoreGuesses against the run's outcome).

import type { GuessQuestion, GuessScore } from '../../plan/guess.ts';

export type Answers = Readonly<Record<string, string>>;

export function GuessCard({ questions, answers, onAnswer }: { questions: readonly GuessQuestion[]; answers: Answers; onAnswer: (id: string, option: string) => void }) {
  if (questions.length === 0) return null;
  return (
    <section className="guesses" data-testid="guesses" aria-labelledby="guess-h">
      <h3 id="guess-h">Your guess, before running</h3>
      {questions.map((q) => (
        <fieldset key={q.id} data-testid="guess" data-id={q.id}>
          <legend>{q.text}</legend>
          {q.options.map((o) => (
            <label key={o.id}>
              <input type="radio" name={`guess-${q.id}`} value={o.id} checked={answers[q.id] === o.id} onChange={() => onAnswer(q.id, o.id)} /> {o.text}
            </label>
          ))}
        </fieldset>
      ))}
    </section>
  );
}

export function GuessScores({ questions, scores, against }: { questions: readonly GuessQuestion[]; scores: readonly GuessScore[]; against: 'real' | 'predicted' }) {
  const answered = scores.filter((s) => s.answer !== null);
  if (answered.length === 0) return null;
  const right = answered.filter((s) => s.correct).length;
  const textOf = (id: string, option: string | null) => questions.find((q) => q.id === id)?.options.find((o) => o.id === option)?.text ?? '—';
  return (
    <section className="guess-scores" data-testid="guess-scores" aria-label="Your guesses, scored">
      <h3>
        Your guesses: {right} of {answered.length} right{against === 'predicted' ? ' (against the prediction)' : ''}
      </h3>
      <ul>
        {answered.map((s) => (
          <li key={s.id} className={s.correct ? 'right' : 'wrong'}>
            {questions.find((q) => q.id === s.id)?.text} You said {textOf(s.id, s.answer)}; {s.correct ? 'right' : `it was ${textOf(s.id, s.actual)}`}. {s.explanation}
          </li>
        ))}
      </ul>
    </section>
  );
}
