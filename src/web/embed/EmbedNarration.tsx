// The step's text in an embedded lesson: its title and narration, the reveal of the question it
// answers before them and, at the part's end, what comes next. One element for every step, so
// its live region announces each step's title and text; it scrolls (and so takes focus) when the
// frame is short, and a new step starts at its top.

import { useLayoutEffect, useRef, type ReactNode } from 'react';
import type { LessonStep, PlaceholderResolver } from '../../lessons/index.ts';
import { narrationParagraphs, StepTitle } from '../panels/Narration.tsx';

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
  const paragraphs = narrationParagraphs(step, resolve);
  return (
    <section ref={self} className="panel area-narr narration embed-narration" data-testid="narration" aria-labelledby="step-title" tabIndex={0}>
      {before}
      <div aria-live="polite">
        <StepTitle step={step} resolve={resolve} />
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
