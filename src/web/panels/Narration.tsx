import { useLayoutEffect, type ReactNode } from 'react';
import { fillPlaceholders, type LessonStep, type PlaceholderResolver } from '../../lessons/index.ts';
import './enlarge.css';
import { EnlargeButton } from './Panel.tsx';
import { useEnlarge } from './useEnlarge.ts';

export interface NarrationProps {
  step: LessonStep;
  /** The step's number: a new step starts at the top of its text. */
  at: number;
  resolve: PlaceholderResolver;
  /** Above the step's title: the reveal of the question this step answers. */
  before?: ReactNode;
  /** After the text: what comes next, at a part's last step. */
  after?: ReactNode;
}

/** The narration's paragraphs, placeholders filled. Pure. */
export function narrationParagraphs(step: LessonStep, resolve: PlaceholderResolver): string[] {
  return fillPlaceholders(step.narration, resolve)
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
}

// Not a live region: the view's one StepAnnouncer says each step's title and narration (this
// panel stays mounted from step to step, so it can stay enlarged while the instructor steps).
export function Narration({ step, at, resolve, before, after }: NarrationProps) {
  const paragraphs = narrationParagraphs(step, resolve);
  const enlarge = useEnlarge();
  const { big, frame } = enlarge;
  // A new step starts at the top of its text (a write, no layout read).
  useLayoutEffect(() => {
    if (frame.current) frame.current.scrollTop = 0;
  }, [at, frame]);
  return (
    <section
      ref={enlarge.frame}
      className={`panel area-narr narration${big ? ' enlarged' : ''}`}
      data-testid="narration"
      aria-labelledby="step-title"
      tabIndex={0}
      role={big ? 'dialog' : undefined}
      aria-modal={big ? true : undefined}
      onKeyDown={enlarge.onKeyDown}
    >
      <div className="narration-head">
        <EnlargeButton big={big} onClick={enlarge.toggle} what="narration" buttonRef={enlarge.button} />
      </div>
      <div className="narration-body">
        {before}
        <StepTitle step={step} resolve={resolve} />
        <div className="narration-text">
          {paragraphs.map((p, i) => (
            <p key={i}>{p}</p>
          ))}
        </div>
        {after}
      </div>
    </section>
  );
}

/** A step's title, with its figure's number (the heading every drawing of the narration names itself by). */
export function StepTitle({ step, resolve }: { step: LessonStep; resolve: PlaceholderResolver }) {
  return (
    <h2 className="step-title" id="step-title">
      {step.figure && <span className="figure-tag">Figure {step.figure}</span>}
      {fillPlaceholders(step.title, resolve)}
    </h2>
  );
}
