// Predict, then reveal: the question asked before a step is shown. It takes the narration's
// place; the panels still show the step before. 1–4 answer, S skips, ← closes it.

import { useEffect, useRef } from 'react';
import { fillPlaceholders, type PlaceholderResolver, type Question } from '../../lessons/index.ts';

export interface QuestionCardProps {
  question: Question;
  /** The step number the question precedes. */
  step: number;
  resolve: PlaceholderResolver;
  onChoose: (choice: number) => void;
  onSkip: () => void;
}

export function QuestionCard({ question, step, resolve, onChoose, onSkip }: QuestionCardProps) {
  const self = useRef<HTMLElement>(null);
  useEffect(() => {
    self.current?.focus({ preventScroll: true });
  }, [question]);
  const n = question.choices.length;
  return (
    <section ref={self} className="panel area-narr narration question" role="region" aria-labelledby="q-title" data-testid="question" tabIndex={-1}>
      <p className="q-tag">Predict · before step {step + 1}</p>
      <h2 className="q-prompt" id="q-title">
        {fillPlaceholders(question.prompt, resolve)}
      </h2>
      <ol className="q-choices">
        {question.choices.map((c, i) => (
          <li key={i}>
            <button type="button" className="q-choice" data-testid="choice" aria-keyshortcuts={String(i + 1)} onClick={() => onChoose(i)}>
              <kbd aria-hidden="true">{i + 1}</kbd>
              <span>{fillPlaceholders(c, resolve)}</span>
            </button>
          </li>
        ))}
      </ol>
      <p className="q-foot">
        <button type="button" className="q-skip" aria-keyshortcuts="S" onClick={onSkip}>
          Skip
        </button>
        <span className="muted">
          Press <kbd>1</kbd>–<kbd>{n}</kbd> to answer, <kbd>S</kbd> to skip, <kbd>←</kbd> to go back.
        </span>
      </p>
    </section>
  );
}
