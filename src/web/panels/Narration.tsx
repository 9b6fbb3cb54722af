import { type ReactNode } from 'react';
import { fillPlaceholders, type LessonStep, type PlaceholderResolver } from '../../lessons/index.ts';

export interface NarrationProps {
  step: LessonStep;
  resolve: PlaceholderResolver;
  /** Above the step's title: the reveal of the question this step answers. */
  before?: ReactNode;
  /** After the text: what comes next, at a part's last step. */
  after?: ReactNode;
}

export function Narration({ step, resolve, before, after }: NarrationProps) {
  const paragraphs = fillPlaceholders(step.narration, resolve)
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  // A new step starts at the top of its text: the caller keys this component by step, so each
  // step mounts a fresh panel (resetting the scroll by reading layout would cost a forced reflow).
  return (
    <section className="panel area-narr narration" data-testid="narration" aria-labelledby="step-title" tabIndex={0}>
      {before}
      <h2 className="step-title" id="step-title">
        {step.figure && <span className="figure-tag">Figure {step.figure}</span>}
        {fillPlaceholders(step.title, resolve)}
      </h2>
      <div className="narration-text" aria-live="polite">
        {paragraphs.map((p, i) => (
          <p key={i}>{p}</p>
        ))}
      </div>
      {after}
    </section>
  );
}
