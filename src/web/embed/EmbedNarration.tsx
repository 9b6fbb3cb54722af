// The step's text in an embedded lesson: its title and narration, the reveal of the question it
// answers before them and, at the part's end, what comes next. One element for every step, so
// its live region announces each step's title and text; it scrolls (and so takes focus) when the
// frame is short, and a new step starts at its top.

import { useLayoutEffect, useRef, type ReactNode } from 'react';
import { fillPlaceholders, type LessonStep, type PlaceholderResolver } from '../../lessons/index.ts';

export interface EmbedNarrationProps {
  step: LessonStep;
  /** The step's number (a new one scrolls back to the top). */
  at: number;
  resolve: PlaceholderResolver;
  before?: ReactNode;
  after?: ReactNode;
}

export function EmbedNarration({ step, at, resolve, before, after }: EmbedNarrationProps) {
  const self = useRef<HTMLElement>(null);
  useLayoutEffect(() => {
    if (self.current) self.current.scrollTop = 0;
  }, [at]);
  const paragraphs = fillPlaceholders(step.narration, resolve)
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  return (
    <section ref={self} className="panel area-narr narration embed-narration" data-testid="narration" aria-labelledby="step-title" tabIndex={0}>
      {before}
      <div aria-live="polite">
        <h2 className="step-title" id="step-title">
          {step.figure && <span className="figure-tag">Figure {step.figure}</span>}
          {fillPlaceholders(step.title, resolve)}
        </h2>
        <div className="narration-text">
          {paragraphs.map((p, i) => (
            <p key={i}>{p}</p>
          ))}
        </div>
      </div>
      {after}
    </section>
  );
}
