// One part of a lesson: the session (live or recorded), the step the page shows, the question
// that may stand before it, and the panels. The figure and the narration load with the view;
// the other panels arrive as separate chunks.

import { use, useCallback, useEffect, useMemo, useState } from 'react';
import {
  lessonStep,
  nextLesson,
  nextPart,
  questionBefore,
  snapshotResolver,
  stepRole,
  stepTotal,
  type LessonContent,
  type LessonInfo,
  type LessonPartContent,
  type LessonPartInfo,
} from '../../lessons/index.ts';
import type { ModelSnapshot } from '../../model/types.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { findScenario } from '../../scenarios/index.ts';
import { DisagreementBanner } from '../panels/DisagreementBanner.tsx';
import { Narration } from '../panels/Narration.tsx';
import { TraceProblems } from '../panels/TraceProblems.tsx';
import { answerOf, lessonSummary } from '../progress/progress.ts';
import { markSeen, recordAnswer, useProgress } from '../progress/useProgress.ts';
import { useSession } from '../session/useSession.ts';
import { formatRoute, lessonHref, socketUrl, traceUrl } from '../url.ts';
import { afterPaint, afterPaintOrLeave } from '../afterPaint.ts';
import { ExperimentFromHere } from '../sandbox/ExperimentFromHere.tsx';
import { Controls } from './Controls.tsx';
import { EndCard } from './EndCard.tsx';
import { LessonGrid } from './LessonGrid.tsx';
import { ModeBadge, ModeNotice } from './ModeBar.tsx';
import { QuestionCard } from './QuestionCard.tsx';
import { Reveal } from './Reveal.tsx';
import { TopBar } from './TopBar.tsx';
import { useLessonNav } from './useLessonNav.ts';
import { useQuestionKeys } from './useQuestionKeys.ts';
import { useStepKeys } from './useStepKeys.ts';

function pageToken(): string | null {
  const meta = document.querySelector('meta[name="forkscope-token"]');
  const content = meta?.getAttribute('content')?.trim();
  return content ? content : null;
}

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
}

export function LessonView(props: LessonViewProps) {
  const result = use(props.content);
  const partContent = result.ok ? result.content.parts[props.part.id] : undefined;
  if (!partContent) {
    const why = result.ok ? `the lesson has no text for part “${props.part.id}”` : result.message;
    return (
      <main className="home">
        <p className="home-problem" role="alert">
          This lesson could not be opened: {why}. <a href="?">All lessons</a>
        </p>
      </main>
    );
  }
  return <LessonPart {...props} partContent={partContent} />;
}

function LessonPart({ lesson, part, scenario, partContent, initialStep, questions = true }: LessonViewProps & { partContent: LessonPartContent }) {
  const total = stepTotal(scenario);
  const [input] = useState(() => ({
    scenario: scenario.id,
    toStep: Math.min(Math.max(0, initialStep), total - 1),
    socketUrl: socketUrl(window.location.href, import.meta.env.BASE_URL, pageToken()),
    traceUrl: traceUrl(import.meta.env.BASE_URL, scenario.id),
  }));
  const { view, requestStep } = useSession(input);
  const { replay, steps: available, revision, mode } = view;
  const progress = useProgress();
  const [skipped, setSkipped] = useState<ReadonlySet<string>>(() => new Set());
  const following = nextPart(lesson, part.id);
  const partParam = lesson.parts.length > 1 ? part.id : null;

  const mustAsk = useCallback(
    (n: number) => {
      const q = questions ? questionBefore(partContent, scenario, n) : null;
      return q !== null && !skipped.has(q.key) && answerOf(progress, lesson.id, part.id, q.key) === null;
    },
    [questions, partContent, scenario, skipped, progress, lesson.id, part.id],
  );
  const onPastEnd = useMemo(() => (following ? () => window.location.assign(lessonHref(lesson.id, following.id)) : null), [following, lesson.id]);
  const nav = useLessonNav({ initialStep, total, available, liveMore: mode === 'live' && !view.done, inFlight: view.inFlight, requestStep, mustAsk, onPastEnd });
  const { shown, asking } = nav;

  // A step's snapshot never changes once its kernel snapshot has arrived (and `shown` is always
  // such a step), so records that extend a live run do not make new snapshots: the memoized
  // panels then skip the render, which keeps a live step within one frame.
  const snapshot = useMemo<ModelSnapshot | null>(() => (replay && shown !== null ? replay.atStep(shown) : null), [replay, shown]);
  const before = useMemo<ModelSnapshot | null>(
    () => (replay && shown !== null && shown > 0 ? replay.atStep(shown - 1) : null),
    [replay, shown],
  );

  // The URL, the title and the progress record are not part of the picture: update them after it is painted.
  useEffect(
    () =>
      afterPaint(() => {
        const search = formatRoute({ view: 'lesson', lesson: lesson.id, part: partParam, step: nav.step }, window.location.search);
        if (search !== window.location.search) window.history.replaceState(window.history.state, '', search);
      }),
    [lesson.id, partParam, nav.step],
  );
  useEffect(
    () =>
      // A step shown is a step seen, even if the reader moves on before the frame is painted.
      afterPaintOrLeave(() => {
        document.title = `${shown === null ? '' : `Step ${shown + 1} · `}${lesson.title} — forkscope`;
        if (shown !== null) markSeen(lesson.id, part.id, shown);
      }),
    [lesson.title, lesson.id, part.id, shown],
  );

  const question = asking !== null ? questionBefore(partContent, scenario, asking) : null;
  const choose = useCallback(
    (choice: number) => {
      if (!question) return;
      recordAnswer(lesson.id, part.id, question.key, { choice, correct: choice === question.question.answer });
      nav.answered();
    },
    [question, lesson.id, part.id, nav.answered],
  );
  const skip = useCallback(() => {
    if (!question) return;
    setSkipped((s) => new Set(s).add(question.key));
    nav.answered();
  }, [question, nav.answered]);
  useQuestionKeys(question !== null, question?.question.choices.length ?? 0, choose, skip);
  const keys = useMemo(() => ({ next: nav.next, prev: nav.prev, first: nav.first, last: nav.last }), [nav.next, nav.prev, nav.first, nav.last]);
  useStepKeys(keys);

  const resolve = snapshotResolver(snapshot, view.header?.scenario.port ?? null, mode);
  const current = shown ?? nav.step;
  const revealed = shown !== null ? questionBefore(partContent, scenario, shown) : null;
  const revealAnswer = revealed ? answerOf(progress, lesson.id, part.id, revealed.key) : null;
  const showReveal = revealed !== null && asking === null && (revealAnswer !== null || skipped.has(revealed.key));
  const atEnd = shown !== null && shown === total - 1;
  const stepTitle = useCallback((n: number) => lessonStep(partContent, scenario, n).title, [partContent, scenario]);

  const narration = question ? (
    <QuestionCard question={question.question} step={asking!} resolve={resolve} onChoose={choose} onSkip={skip} />
  ) : (
    <Narration
      key={current}
      step={lessonStep(partContent, scenario, current)}
      resolve={resolve}
      before={showReveal && revealed ? <Reveal question={revealed.question} answer={revealAnswer} resolve={resolve} /> : undefined}
      after={atEnd ? <EndCard lesson={lesson} part={part} nextPart={following} nextLesson={nextLesson(lesson)} /> : undefined}
    />
  );

  return (
    <div className="lesson">
      <TopBar lesson={lesson} part={part} score={lessonSummary(progress, lesson, stepCount)}>
        <ModeBadge mode={mode} header={view.header} />
        <ExperimentFromHere replay={replay} step={shown} />
        <Controls
          shown={shown}
          total={total}
          canPrev={nav.canPrev}
          canNext={nav.canNext}
          canLast={nav.canLast}
          busy={view.inFlight}
          onFirst={nav.first}
          onPrev={nav.prev}
          onNext={nav.next}
          onLast={nav.last}
        />
      </TopBar>
      {mode === 'recorded' && view.notice && <ModeNotice notice={view.notice} header={view.header} />}
      {snapshot && snapshot.disagreements.length > 0 && <DisagreementBanner disagreements={snapshot.disagreements} />}
      {view.problems ? (
        <TraceProblems url={input.traceUrl} problems={view.problems} />
      ) : (
        <LessonGrid
          narration={narration}
          views={partContent.views ?? {}}
          snapshot={snapshot}
          before={before}
          replay={replay}
          revision={revision}
          shown={shown}
          available={available}
          total={total}
          onSeek={nav.seek}
          actingRole={stepRole(scenario, current)}
          waitText={view.loading ? 'Loading the trace…' : 'Waiting for the first step…'}
          stepTitle={stepTitle}
        />
      )}
    </div>
  );
}
