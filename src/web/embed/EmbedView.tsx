// A lesson part drawn for an iframe in a course page (?…&embed): the step's title and controls,
// the figure and the narration (or the open question), a one-line note that the run is recorded,
// and a link to the full lesson at this step. No site chrome; the recorded trace only, so an
// embedded page never opens a WebSocket. Keys work once the frame has focus (a click in it), and
// the frame shows when it has.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { lessonStep, type LessonPartContent } from '../../lessons/index.ts';
import type { TraceHeader } from '../../trace/types.ts';
import { Controls, partControls } from '../lesson/Controls.tsx';
import { usePartContent } from '../lesson/partContent.ts';
import type { LessonViewProps } from '../lesson/LessonView.tsx';
import { QuestionCard } from '../lesson/QuestionCard.tsx';
import { Reveal } from '../lesson/Reveal.tsx';
import { useLessonPart } from '../lesson/useLessonPart.ts';
import { useQuestionKeys } from '../lesson/useQuestionKeys.ts';
import { useStepKeys } from '../lesson/useStepKeys.ts';
import { FigurePanel } from '../panels/Figure.tsx';
import { TraceProblems } from '../panels/TraceProblems.tsx';
import { EmbedNarration } from './EmbedNarration.tsx';
import { fullLessonHref } from './framing.ts';
import './embed.css';

export function EmbedView(props: LessonViewProps) {
  const got = usePartContent(props);
  if ('why' in got) {
    return (
      <main className="framed-refusal">
        <p role="alert">This lesson could not be opened: {got.why}.</p>
      </main>
    );
  }
  return <EmbedPart {...props} partContent={got.partContent} />;
}

/** Whether this frame's document has the keyboard (it takes it on a click inside, or by Tab from the course page). */
function useFrameFocus(): boolean {
  const [focused, setFocused] = useState(() => document.hasFocus());
  useEffect(() => {
    const on = () => setFocused(true);
    const off = () => setFocused(false);
    window.addEventListener('focus', on);
    window.addEventListener('blur', off);
    return () => {
      window.removeEventListener('focus', on);
      window.removeEventListener('blur', off);
    };
  }, []);
  return focused;
}

function recordedNote(header: TraceHeader | null): string {
  const base = 'A recorded run of the real programs';
  if (!header) return `${base}.`;
  const when = header.recordedAt.slice(0, 10);
  return `${base} (${header.platform.os} ${header.platform.release}${when ? `, ${when}` : ''}).`;
}

function EmbedPart(props: LessonViewProps & { partContent: LessonPartContent }) {
  const { lesson, part, scenario, partContent } = props;
  const state = useLessonPart({ ...props, recordedOnly: true });
  const { view, nav, snapshot, question, current, resolve } = state;
  const { asking } = nav;

  useQuestionKeys(question !== null, question?.question.choices.length ?? 0, state.choose, state.skip);
  const keys = useMemo(() => ({ next: nav.next, prev: nav.prev, first: nav.first, last: nav.last }), [nav.next, nav.prev, nav.first, nav.last]);
  useStepKeys(keys);

  const focused = useFrameFocus();
  const root = useRef<HTMLDivElement>(null);
  // A click on the frame's background gives it the keyboard (a button or link keeps its own focus).
  const takeFocus = useCallback((e: React.PointerEvent) => {
    if (!(e.target instanceof Element) || !e.target.closest('button, a, input, select, textarea, [tabindex="0"]')) root.current?.focus({ preventScroll: true });
  }, []);

  const partParam = lesson.parts.length > 1 ? part.id : null;
  const openHref = fullLessonHref(window.location.href, window.location.search, lesson.id, partParam, nav.step);
  const index = lesson.parts.indexOf(part);

  const narration = question ? (
    <QuestionCard question={question.question} step={asking!} resolve={resolve} onChoose={state.choose} onSkip={state.skip} />
  ) : (
    <EmbedNarration
      at={current}
      step={lessonStep(partContent, scenario, current)}
      resolve={resolve}
      before={state.reveal ? <Reveal question={state.reveal.question} answer={state.reveal.answer} resolve={resolve} /> : undefined}
      after={
        state.atEnd ? (
          <p className="embed-end" data-testid="end-card">
            {state.following ? `End of part ${index + 1} of ${lesson.parts.length}: → goes on to part ${index + 2}, ${state.following.title}.` : lesson.summary}
          </p>
        ) : undefined
      }
    />
  );

  return (
    <div
      ref={root}
      className={`embed${focused ? ' has-focus' : ''}`}
      data-testid="embed"
      data-focused={focused}
      tabIndex={-1}
      onPointerDown={takeFocus}
    >
      <header className="embed-bar">
        <h1 className="embed-title" title={`${lesson.title}${partParam ? ` · ${part.title}` : ''}`}>
          <span className="lesson-no">{lesson.number}.</span> {lesson.title}
          {partParam && <span className="embed-part"> · {part.title}</span>}
        </h1>
        <Controls {...partControls(state)} />
      </header>
      {view.problems ? (
        <TraceProblems url={state.input.traceUrl} problems={view.problems} />
      ) : (
        <main className="embed-body">
          <section className="embed-figure" aria-label="Figure">
            {/* Focusable: with many processes the figure scrolls. */}
            <div className="embed-figure-box" tabIndex={0} aria-label="The figure (scrolls when it is taller than the frame)">
              {snapshot ? <FigurePanel snapshot={snapshot} focusRole={state.actingRole} /> : <p className="panel-wait">Loading the trace…</p>}
            </div>
          </section>
          {narration}
        </main>
      )}
      <footer className="embed-foot">
        <span className="embed-note" data-testid="embed-note" title={recordedNote(view.header)}>
          {recordedNote(view.header)}
        </span>
        <span className="embed-keys" aria-hidden="true">
          {focused ? '← → Space Home End' : 'Click here for the keys'}
        </span>
        <a className="embed-open" href={openHref} target="_blank" rel="noopener" data-testid="embed-open">
          Open in forkscope ↗
        </a>
      </footer>
    </div>
  );
}
