// The state of one lesson part, apart from how it is drawn: the session (live or recorded),
// the step shown, the question that may stand before it, the answers, the URL and the title.
// The lesson view draws it with every panel; presenter mode, the notes window and an embedded
// frame draw the same state their own way.

import { useCallback, useEffect, useMemo, useState } from 'react';
import {
  lessonStep,
  nextPart,
  questionBefore,
  snapshotResolver,
  stepRole,
  stepTotal,
  type LessonInfo,
  type LessonPartContent,
  type LessonPartInfo,
} from '../../lessons/index.ts';
import type { ModelSnapshot } from '../../model/types.ts';
import type { Scenario } from '../../scenarios/types.ts';
import type { Trace } from '../../trace/types.ts';
import { afterPaint, afterPaintOrLeave } from '../afterPaint.ts';
import { answerOf } from '../progress/progress.ts';
import { markSeen, recordAnswer, useProgress } from '../progress/useProgress.ts';
import type { SessionInput } from '../session/machine.ts';
import { useSession } from '../session/useSession.ts';
import { formatRoute, socketUrl, traceUrl } from '../url.ts';
import { useLessonNav } from './useLessonNav.ts';

function pageToken(): string | null {
  const meta = document.querySelector('meta[name="forkscope-token"]');
  const content = meta?.getAttribute('content')?.trim();
  return content ? content : null;
}

/** Why the companion gave this page no token, when it says (another machine: live runs only on its own). */
function pageNoLiveReason(): string | null {
  return document.querySelector('meta[name="forkscope-no-live"]')?.getAttribute('content')?.trim() || null;
}

export interface LessonPartOptions {
  lesson: LessonInfo;
  part: LessonPartInfo;
  scenario: Scenario;
  partContent: LessonPartContent;
  initialStep: number;
  /** Ask the part's questions before their steps (off with ?questions=off). */
  questions?: boolean;
  /** Never run live (an embedded frame, the notes window): play the recorded trace. */
  recordedOnly?: boolean;
  /** Play this trace, opened from a file (checked: of this part's scenario), instead of any other. */
  imported?: { trace: Trace; fileName: string } | null;
}

export function useLessonPart({ lesson, part, scenario, partContent, initialStep, questions = true, recordedOnly = false, imported = null }: LessonPartOptions) {
  const total = stepTotal(scenario);
  const [input] = useState<SessionInput>(() => ({
    scenario: scenario.id,
    toStep: Math.min(Math.max(0, initialStep), total - 1),
    socketUrl: recordedOnly || imported ? null : socketUrl(window.location.href, import.meta.env.BASE_URL, pageToken()),
    offlineReason: pageNoLiveReason(),
    traceUrl: traceUrl(import.meta.env.BASE_URL, scenario.id),
    trace: imported?.trace ?? null,
    traceName: imported?.fileName,
  }));
  const session = useSession(input);
  const { view, requestStep } = session;
  const { replay, steps: available, mode } = view;
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
  // The next part keeps the page's flags (&embed, &present, &questions=off).
  const onPastEnd = useMemo(
    () => (following ? () => window.location.assign(formatRoute({ view: 'lesson', lesson: lesson.id, part: following.id, step: 0 }, window.location.search)) : null),
    [following, lesson.id],
  );
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

  const resolve = snapshotResolver(snapshot, view.header?.scenario.port ?? null, mode);
  const current = shown ?? nav.step;
  const revealed = shown !== null ? questionBefore(partContent, scenario, shown) : null;
  const revealAnswer = revealed ? answerOf(progress, lesson.id, part.id, revealed.key) : null;
  const showReveal = revealed !== null && asking === null && (revealAnswer !== null || skipped.has(revealed.key));
  const atEnd = shown !== null && shown === total - 1;
  const stepTitle = useCallback((n: number) => lessonStep(partContent, scenario, n).title, [partContent, scenario]);

  return {
    input,
    view,
    progress,
    total,
    nav,
    snapshot,
    before,
    /** The step whose text is shown (the step shown, or the one being reached). */
    current,
    /** The open question (predict, then reveal), or null. */
    question,
    choose,
    skip,
    resolve,
    /** The question this step answers, when its answer is to be revealed. */
    reveal: showReveal && revealed ? { question: revealed.question, answer: revealAnswer } : null,
    atEnd,
    following,
    stepTitle,
    actingRole: stepRole(scenario, current),
  };
}

export type LessonPartState = ReturnType<typeof useLessonPart>;
