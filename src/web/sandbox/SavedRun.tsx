// A real run kept with the plan: the last one run here, or one opened from a plan file. It steps
// as the live one did, with the prediction's differences and the outcome.

import { type ReactNode, useMemo } from 'react';
import { comparePlanRuns } from '../../plan/compare.ts';
import { summarizeOutcome } from '../../plan/outcome.ts';
import type { Plan } from '../../plan/types.ts';
import { createReplay } from '../../model/index.ts';
import type { Trace } from '../../trace/types.ts';
import { Differences } from './Differences.tsx';
import { OutcomeSummary } from './OutcomeSummary.tsx';
import { SideCard } from './SideCard.tsx';
import { TraceStage } from './TraceStage.tsx';

export interface SavedRunProps {
  plan: Plan;
  trace: Trace;
  predicted: Trace | null;
  bar: (controls: ReactNode) => ReactNode;
  after?: (outcome: ReturnType<typeof summarizeOutcome>) => ReactNode;
}

export function SavedRun({ plan, trace, predicted, bar, after }: SavedRunProps) {
  const replay = useMemo(() => createReplay(trace), [trace]);
  const comparisons = useMemo(() => (predicted ? comparePlanRuns(predicted, trace) : []), [predicted, trace]);
  const outcome = useMemo(() => summarizeOutcome(trace), [trace]);
  const steps = replay.stepCount;
  return (
    <TraceStage
      plan={plan}
      replay={replay}
      revision={1}
      total={steps}
      available={steps}
      liveMore={false}
      inFlight={false}
      requestStep={() => undefined}
      initialStep={0}
      waitText="Reading the trace…"
      bar={bar}
      side={(shown) => (
        <SideCard plan={plan} replay={replay} step={shown} kind="real">
          {predicted && <Differences comparisons={comparisons} step={shown} />}
          {shown === steps - 1 && (
            <>
              <OutcomeSummary outcome={outcome} kind="real" />
              {after?.(outcome)}
            </>
          )}
        </SideCard>
      )}
    />
  );
}
