// One part of a lesson, drawn with every panel (its state is useLessonPart's). The figure and
// the narration load with the view; the other panels arrive as separate chunks.

import { lazy, Suspense, useCallback, useMemo } from 'react';
import {
  fillPlaceholders,
  lessonStep,
  nextLesson,
  stepTotal,
  type LessonContent,
  type LessonInfo,
  type LessonPartContent,
  type LessonPartInfo,
} from '../../lessons/index.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { findScenario } from '../../scenarios/index.ts';
import { ExportMenu } from '../export/ExportMenu.tsx';
import { TraceImports, type ImportedTrace } from '../export/TraceImports.tsx';
import { DisagreementBanner } from '../panels/DisagreementBanner.tsx';
import { Narration, narrationParagraphs } from '../panels/Narration.tsx';
import { TraceProblems } from '../panels/TraceProblems.tsx';
import { lessonSummary } from '../progress/progress.ts';
import { ExperimentFromHere } from '../sandbox/ExperimentFromHere.tsx';
import { CopyLink } from '../present/CopyLink.tsx';
import { NotesView } from '../present/NotesView.tsx';
import { PresenterView } from '../present/PresenterView.tsx';
import { usePresenting } from '../present/usePresenting.ts';
import { useNotesHost } from '../present/useNotesLink.ts';
import { flagOn } from '../url.ts';
import { Controls, partControls } from './Controls.tsx';
import { EndCard } from './EndCard.tsx';
import { LessonGrid } from './LessonGrid.tsx';
import { ModeBadge, ModeNotice } from './ModeBar.tsx';
import { QuestionCard } from './QuestionCard.tsx';
import { Reveal } from './Reveal.tsx';
import { StepAnnouncer, stepAnnouncement } from './StepAnnouncer.tsx';
import { TopBar } from './TopBar.tsx';
import { useLessonPart } from './useLessonPart.ts';
import { usePartContent } from './partContent.ts';
import { useQuestionKeys } from './useQuestionKeys.ts';
import { useStepKeys } from './useStepKeys.ts';

const Handout = lazy(() => import('../export/Handout.tsx').then((m) => ({ default: m.Handout })));

const stepCount = (id: string) => {
  const s = findScenario(id);
  return s ? stepTotal(s) : 0;
};

export type ContentResult = { ok: true; content: LessonContent } | { ok: false; message: string };

export interface LessonViewProps {
  lesson: LessonInfo;
  part: LessonPartInfo;
  scenario: Scenario;
  /** The lesson's narration and questions, loading alongside this view's code. */
  content: Promise<ContentResult>;
  initialStep: number;
  /** Ask the part's questions before their steps (off with ?questions=off). */
  questions?: boolean;
  /** A trace opened from a file, played instead of the companion's or the recorded one. */
  imported?: ImportedTrace | null;
}

export function LessonView(props: LessonViewProps) {
  // &handout: every step of the part, for print.
  if (flagOn(window.location.search, 'handout')) {
    return (
      <Suspense fallback={<p className="panel-wait">Loading the handout…</p>}>
        <Handout {...props} />
      </Suspense>
    );
  }
  return <TraceImports base={props} render={(shown) => <LessonContentView {...shown} />} />;
}

function LessonContentView(props: LessonViewProps) {
  const got = usePartContent(props);
  if ('why' in got) {
    return (
      <main className="home">
        <p className="home-problem" role="alert">
          This lesson could not be opened: {got.why}. <a href="?">All lessons</a>
        </p>
      </main>
    );
  }
  const { partContent } = got;
  // The presenter's notes window: its own drawing, never a live run (src/web/present).
  if (flagOn(window.location.search, 'notes')) return <NotesView {...props} partContent={partContent} />;
  return <LessonPart {...props} partContent={partContent} />;
}

function LessonPart(props: LessonViewProps & { partContent: LessonPartContent }) {
  const { lesson, part, scenario, partContent } = props;
  const state = useLessonPart(props);
  const { view, nav, snapshot, question, current, resolve } = state;
  const { shown, asking } = nav;
  const { replay, steps: available, revision, mode } = view;

  useQuestionKeys(question !== null, question?.question.choices.length ?? 0, state.choose, state.skip);
  const keys = useMemo(() => ({ next: nav.next, prev: nav.prev, first: nav.first, last: nav.last }), [nav.next, nav.prev, nav.first, nav.last]);
  useStepKeys(keys);

  // Presenter mode (P, &present) draws the same state for the room; a notes window follows it.
  const [presenting, setPresenting] = usePresenting();
  const leavePresenting = useCallback(() => setPresenting(false), [setPresenting]);
  const shownStep = lessonStep(partContent, scenario, current);
  useNotesHost({
    active: presenting,
    lesson: lesson.id,
    part: part.id,
    state: {
      shown,
      asking,
      total: state.total,
      title: fillPlaceholders(shownStep.title, resolve),
      narration: fillPlaceholders(shownStep.narration, resolve),
    },
    onCommand: (command) => nav[command](),
    onSeek: nav.seek,
  });
  if (presenting) return <PresenterView lesson={lesson} scenario={scenario} partContent={partContent} state={state} onLeave={leavePresenting} />;

  const narration = question ? (
    <QuestionCard question={question.question} step={asking!} resolve={resolve} onChoose={state.choose} onSkip={state.skip} />
  ) : (
    <Narration
      at={current}
      step={lessonStep(partContent, scenario, current)}
      resolve={resolve}
      before={state.reveal ? <Reveal question={state.reveal.question} answer={state.reveal.answer} resolve={resolve} /> : undefined}
      after={state.atEnd ? <EndCard lesson={lesson} part={part} nextPart={state.following} nextLesson={nextLesson(lesson)} /> : undefined}
    />
  );

  const announced = shown === null ? null : lessonStep(partContent, scenario, shown);
  const announcement = stepAnnouncement({
    step: shown,
    total: state.total,
    title: announced ? `${announced.figure ? `Figure ${announced.figure}: ` : ''}${fillPlaceholders(announced.title, resolve)}` : '',
    paragraphs: announced ? narrationParagraphs(announced, resolve) : [],
  });

  return (
    <div className="lesson">
      <StepAnnouncer text={announcement} />
      <TopBar lesson={lesson} part={part} score={lessonSummary(state.progress, lesson, stepCount)}>
        <ModeBadge mode={mode} header={view.header} />
        <ExperimentFromHere replay={replay} step={shown} />
        <ExportMenu lesson={lesson} part={part} state={state} />
        <button type="button" className="topbar-tool" onClick={() => setPresenting(true)} aria-keyshortcuts="P" title="Presenter mode, for the room (P)">
          <svg className="tool-icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false">
            <path d="M3 4h18v11H3z M12 15v5 M8 20h8" fill="none" stroke="currentColor" strokeWidth="2" strokeLinejoin="round" />
          </svg>
          <span className="tool-label">Present</span>
        </button>
        <CopyLink presenting={false} className="in-topbar" />
        <Controls {...partControls(state)} announce={false} />
      </TopBar>
      {mode === 'recorded' && view.notice && <ModeNotice notice={view.notice} header={view.header} />}
      {snapshot && snapshot.disagreements.length > 0 && <DisagreementBanner disagreements={snapshot.disagreements} />}
      {view.problems ? (
        <TraceProblems url={state.input.traceUrl} problems={view.problems} />
      ) : (
        <LessonGrid
          narration={narration}
          views={partContent.views ?? {}}
          snapshot={snapshot}
          before={state.before}
          replay={replay}
          revision={revision}
          shown={shown}
          available={available}
          total={state.total}
          onSeek={nav.seek}
          actingRole={state.actingRole}
          waitText={view.loading ? 'Loading the trace…' : 'Waiting for the first step…'}
          stepTitle={state.stepTitle}
        />
      )}
    </div>
  );
}
