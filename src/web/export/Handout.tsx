// The handout of a lesson part (&handout): every step of its recorded trace on one page, each with
// its title, its figure and its narration (and the question asked before it, without the answer),
// for print. The print stylesheet (export.css) puts one step on each page, black on white, and
// hides the bar; the Print button calls window.print(). Recorded traces only: nothing runs.

import { memo, useEffect, useMemo, useState } from 'react';
import { fillPlaceholders, lessonStep, questionBefore, snapshotResolver, type LessonPartContent } from '../../lessons/index.ts';
import type { Replay } from '../../model/index.ts';
import type { Scenario } from '../../scenarios/types.ts';
import type { LessonViewProps } from '../lesson/LessonView.tsx';
import { usePartContent } from '../lesson/partContent.ts';
import { FigurePanel } from '../panels/Figure.tsx';
import { TraceProblems } from '../panels/TraceProblems.tsx';
import type { SessionInput } from '../session/machine.ts';
import { useSession } from '../session/useSession.ts';
import { traceUrl, withFlag } from '../url.ts';
import './export.css';

export function Handout(props: LessonViewProps) {
  const got = usePartContent(props);
  if ('why' in got) {
    return (
      <main className="home">
        <p className="home-problem" role="alert">
          This handout could not be made: {got.why}. <a href="?">All lessons</a>
        </p>
      </main>
    );
  }
  return <HandoutOf {...props} partContent={got.partContent} />;
}

function HandoutOf({ lesson, part, scenario, partContent }: LessonViewProps & { partContent: LessonPartContent }) {
  const [input] = useState<SessionInput>(() => ({
    scenario: scenario.id,
    toStep: 0,
    socketUrl: null,
    traceUrl: traceUrl(import.meta.env.BASE_URL, scenario.id),
  }));
  const { view } = useSession(input);
  const { replay } = view;
  useEffect(() => {
    document.title = `Handout · ${lesson.title}${lesson.parts.length > 1 ? ` · ${part.title}` : ''} — forkscope`;
  }, [lesson.title, lesson.parts.length, part.title]);
  const back = withFlag(window.location.search, 'handout', false);
  const steps = useMemo(() => Array.from({ length: replay?.stepCount ?? 0 }, (_, i) => i), [replay]);
  const recorded = view.header ? `Recorded from the real kernel (${view.header.platform.os} ${view.header.platform.release}, ${view.header.recordedAt.slice(0, 10)}).` : '';

  return (
    <div className="handout">
      <nav className="handout-bar" aria-label="Handout">
        <a href={back}>← Back to the lesson</a>
        <button type="button" onClick={() => window.print()} disabled={!replay} data-testid="handout-print">
          Print
        </button>
        <span className="handout-hint">One step per page; the figure above its narration.</span>
      </nav>
      <main className="handout-main" data-testid="handout">
        <header className="handout-head">
          <h1>
            {lesson.number}. {lesson.title}
            {lesson.parts.length > 1 && <span className="handout-part"> — {part.title}</span>}
          </h1>
          <p>
            forkscope, a lesson on Stevens’ concurrent server (UNP §4.8). {recorded}
          </p>
        </header>
        {view.problems ? (
          <TraceProblems url={input.traceUrl} problems={view.problems} />
        ) : !replay ? (
          <p className="panel-wait">Loading the trace…</p>
        ) : (
          steps.map((n) => <HandoutStep key={n} n={n} total={steps.length} replay={replay} port={view.header?.scenario.port ?? null} partContent={partContent} scenario={scenario} />)
        )}
      </main>
    </div>
  );
}

const HandoutStep = memo(function HandoutStep({
  n,
  total,
  replay,
  port,
  partContent,
  scenario,
}: {
  n: number;
  total: number;
  replay: Replay;
  port: number | null;
  partContent: LessonPartContent;
  scenario: Scenario;
}) {
  const snapshot = useMemo(() => replay.atStep(n), [replay, n]);
  const resolve = snapshotResolver(snapshot, port, 'recorded');
  const step = lessonStep(partContent, scenario, n);
  const question = questionBefore(partContent, scenario, n);
  const paragraphs = fillPlaceholders(step.narration, resolve)
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  const titleId = `handout-step-${n}`;
  return (
    <section className="handout-step" aria-labelledby={titleId} data-testid="handout-step" data-step={n}>
      <h2 id={titleId} className="handout-step-title">
        <span className="handout-step-no">
          Step {n + 1} of {total}
        </span>{' '}
        {step.figure && <span className="figure-tag">Figure {step.figure}</span>}
        {fillPlaceholders(step.title, resolve)}
      </h2>
      {question && (
        <div className="handout-question">
          <p>
            <strong>Predict first:</strong> {fillPlaceholders(question.question.prompt, resolve)}
          </p>
          <ol type="a">
            {question.question.choices.map((c, i) => (
              <li key={i}>{fillPlaceholders(c, resolve)}</li>
            ))}
          </ol>
        </div>
      )}
      <div className="handout-figure" data-testid="handout-figure">
        <FigurePanel snapshot={snapshot} />
      </div>
      <div className="handout-narration" data-testid="handout-narration">
        {paragraphs.map((p, i) => (
          <p key={i}>{p}</p>
        ))}
      </div>
    </section>
  );
});
