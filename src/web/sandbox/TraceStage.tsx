// A trace of the plan (predicted or real), stepped through with the lessons' own navigation,
// keys and panels (LessonGrid); the side card takes the narration's place. plan.c is the source.

import { type ReactNode, useMemo } from 'react';
import type { Plan } from '../../plan/types.ts';
import { planSource } from '../../plan/source.ts';
import type { Replay } from '../../model/index.ts';
import type { ModelSnapshot } from '../../model/types.ts';
import { Controls } from '../lesson/Controls.tsx';
import { LessonGrid } from '../lesson/LessonGrid.tsx';
import { useLessonNav } from '../lesson/useLessonNav.ts';
import { useStepKeys } from '../lesson/useStepKeys.ts';
import { actingRoleOf, planStepTitle } from './runs.ts';

export interface TraceStageProps {
  plan: Plan;
  replay: Replay | null;
  revision: number;
  /** Steps the run will have (the plan's steps and the start; fewer when it stalls). */
  total: number;
  available: number;
  /** A live run that can still step. */
  liveMore: boolean;
  inFlight: boolean;
  requestStep: () => void;
  initialStep: number;
  waitText: string;
  /** The bar above the grid, given the step controls. */
  bar: (controls: ReactNode) => ReactNode;
  /** The side card for the step shown (null before the first step arrives). */
  side: (shown: number | null) => ReactNode;
}

const NEVER = () => false;

/** Steps numbered as the plan numbers them: 0 is the start, step N the plan's N-th. */
const planIndicator = (shown: number, total: number) => (shown === 0 ? `Start · ${total - 1} steps` : `Step ${shown} of ${total - 1}`);

export function TraceStage(props: TraceStageProps) {
  const { plan, replay, revision, total, available, liveMore, inFlight, requestStep } = props;
  const nav = useLessonNav({ initialStep: props.initialStep, total, available, liveMore, inFlight, requestStep, mustAsk: NEVER, onPastEnd: null });
  const { shown } = nav;
  const keys = useMemo(() => ({ next: nav.next, prev: nav.prev, first: nav.first, last: nav.last }), [nav.next, nav.prev, nav.first, nav.last]);
  useStepKeys(keys);
  const snapshot = useMemo<ModelSnapshot | null>(() => (replay && shown !== null ? replay.atStep(shown) : null), [replay, shown]);
  const before = useMemo<ModelSnapshot | null>(() => (replay && shown !== null && shown > 0 ? replay.atStep(shown - 1) : null), [replay, shown]);
  const files = useMemo(() => [{ name: 'plan.c', text: planSource(plan).text }], [plan]);
  const stepTitle = useMemo(() => (n: number) => planStepTitle(plan, n), [plan]);

  const controls = (
    <Controls
      shown={shown}
      total={total}
      canPrev={nav.canPrev}
      canNext={nav.canNext}
      canLast={nav.canLast}
      busy={inFlight}
      onFirst={nav.first}
      onPrev={nav.prev}
      onNext={nav.next}
      onLast={nav.last}
      indicator={planIndicator}
    />
  );
  return (
    <>
      {props.bar(controls)}
      <LessonGrid
        narration={props.side(shown)}
        views={{}}
        snapshot={snapshot}
        before={before}
        replay={replay}
        revision={revision}
        shown={shown}
        available={available}
        total={total}
        onSeek={nav.seek}
        actingRole={actingRoleOf(plan, shown ?? nav.step)}
        waitText={props.waitText}
        stepTitle={stepTitle}
        sourceFiles={files}
      />
    </>
  );
}
