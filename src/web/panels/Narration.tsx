import { fillPlaceholders, type LessonStep, type PlaceholderResolver } from '../../lessons/index.ts';

export function Narration({ step, resolve }: { step: LessonStep; resolve: PlaceholderResolver }) {
  const paragraphs = fillPlaceholders(step.narration, resolve)
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  return (
    <section className="panel area-narr narration" data-testid="narration" aria-labelledby="step-title">
      {step.figure && <p className="figure-tag">Figure {step.figure}</p>}
      <h2 className="step-title" id="step-title">
        {step.title}
      </h2>
      <div className="narration-text" aria-live="polite">
        {paragraphs.map((p, i) => (
          <p key={i}>{p}</p>
        ))}
      </div>
    </section>
  );
}
