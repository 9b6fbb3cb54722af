import type { ProgressSummary } from '../progress/progress.ts';

/** Steps seen as a bar, then questions answered and the score, in words. */
export function ProgressLine({ summary, testId }: { summary: ProgressSummary; testId: string }) {
  const { stepsSeen, steps, answered, questions, correct } = summary;
  const pct = steps > 0 ? Math.round((100 * stepsSeen) / steps) : 0;
  return (
    <div
      className="progress-line"
      data-testid={testId}
      data-seen={stepsSeen}
      data-answered={answered}
      data-correct={correct}
    >
      <span className="progress-bar" role="progressbar" aria-label="Steps seen" aria-valuemin={0} aria-valuemax={steps} aria-valuenow={stepsSeen}>
        <span style={{ width: `${pct}%` }} />
      </span>
      <span>
        {stepsSeen}/{steps} steps seen
      </span>
      <span className="progress-sep" aria-hidden="true">
        ·
      </span>
      <span>
        {answered}/{questions} {questions === 1 ? 'question' : 'questions'} answered
      </span>
      {answered > 0 && (
        <>
          <span className="progress-sep" aria-hidden="true">
            ·
          </span>
          <b className="progress-score">{correct} right</b>
        </>
      )}
    </div>
  );
}
