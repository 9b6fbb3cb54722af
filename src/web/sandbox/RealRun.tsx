// The plan run for real by the companion (start-plan), stepped with → as a lesson's live run;
// beside each step, the prediction's differences; at the end, the outcome and the guesses scored.

import { type ReactNode, useMemo, useState } from 'react';
import { comparePlanRuns } from '../../plan/compare.ts';
import { summarizeOutcome } from '../../plan/outcome.ts';
import type { Plan } from '../../plan/types.ts';
import type { Trace } from '../../trace/types.ts';
import { planUnavailableNotice } from '../session/machine.ts';
import { useSession } from '../session/useSession.ts';
import { socketUrl } from '../url.ts';
import { Differences } from './Differences.tsx';
import { OutcomeSummary } from './OutcomeSummary.tsx';
import { SideCard } from './SideCard.tsx';
import { TraceStage } from './TraceStage.tsx';

export interface RealRunProps {
  plan: Plan;
  token: string;
  predicted: Trace | null;
  bar: (controls: ReactNode, badge: ReactNode) => ReactNode;
  /** The outcome arrived (for scoring guesses and exporting the trace). */
  after?: (outcome: ReturnType<typeof summarizeOutcome>, trace: Trace) => ReactNode;
}

export function RealRun({ plan, token, predicted, bar, after }: RealRunProps) {
  const [input] = useState(() => ({
    scenario: 'plan',
    plan,
    toStep: 0,
    socketUrl: socketUrl(window.location.href, import.meta.env.BASE_URL, token),
    traceUrl: '',
  }));
  const { view, requestStep } = useSession(input);
  const { replay, steps, revision, mode } = view;
  const trace = useMemo<Trace | null>(() => (replay ? { header: replay.trace.header, events: [...replay.trace.events] } : null), [replay, revision]);
  const comparisons = useMemo(() => (predicted && trace ? comparePlanRuns(predicted, trace).filter((c) => c.step < steps) : []), [predicted, trace, steps]);
  const outcome = useMemo(() => (trace && view.done ? summarizeOutcome(trace) : null), [trace, view.done]);
  const badge = (
    <span className={`mode-badge ${mode === 'live' ? 'live' : 'connecting'}`} data-testid="mode-badge">
      {mode === 'live' ? 'real' : mode === 'connecting' ? 'connecting…' : 'not run'}
    </span>
  );

  if (view.unavailable) {
    return (
      <>
        {bar(null, badge)}
        <p className="home-problem sandbox-problem" role="alert" data-testid="run-unavailable">
          {planUnavailableNotice(view.notice)}
        </p>
      </>
    );
  }
  // A stalled run ends before the plan's last step.
  const total = view.done ? Math.max(steps, 1) : plan.steps.length + 1;
  return (
    <TraceStage
      plan={plan}
      replay={replay}
      revision={revision}
      total={total}
      available={steps}
      liveMore={mode === 'live' && !view.done}
      inFlight={view.inFlight}
      requestStep={requestStep}
      initialStep={0}
      waitText="Starting the real programs…"
      bar={(controls) => bar(controls, badge)}
      side={(shown) => (
        <SideCard plan={plan} replay={replay} step={shown} kind="real">
          {predicted && <Differences comparisons={comparisons} step={shown} />}
          {outcome && trace && shown === steps - 1 && (
            <>
              <OutcomeSummary outcome={outcome} kind="real" />
              {after?.(outcome, trace)}
            </>
          )}
        </SideCard>
      )}
    />
  );
}
