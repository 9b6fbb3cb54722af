import { fillPlaceholders, type PlaceholderResolver, type Question } from '../../lessons/index.ts';
import type { AnswerRecord } from '../progress/progress.ts';

/** The answer to the question asked before this step: right or not, and why. */
export function Reveal({ question, answer, resolve }: { question: Question; answer: AnswerRecord | null; resolve: PlaceholderResolver }) {
  const right = fillPlaceholders(question.choices[question.answer] ?? '', resolve);
  const verdict = answer === null ? 'skipped' : answer.correct ? 'right' : 'wrong';
  const chosen = answer ? fillPlaceholders(question.choices[answer.choice] ?? '', resolve) : '';
  return (
    <div className={`reveal ${verdict}`} data-testid="reveal" data-verdict={verdict} role="status">
      <p className="reveal-head">
        {verdict === 'right' && (
          <>
            <span className="reveal-mark" aria-hidden="true">✓</span> Right: {right}
          </>
        )}
        {verdict === 'wrong' && (
          <>
            <span className="reveal-mark" aria-hidden="true">✗</span> Not quite. You chose “{chosen}”; the answer is “{right}”.
          </>
        )}
        {verdict === 'skipped' && <>Skipped. The answer: {right}</>}
      </p>
      <p className="reveal-why">{fillPlaceholders(question.explanation, resolve)}</p>
    </div>
  );
}
