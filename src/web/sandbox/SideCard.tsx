// The narration's place in the sandbox: which step this is and whose, whether it is predicted or
// real, what the calls returned, where the plan stalled; below, whatever the run adds (the
// differences from the prediction, the outcome).

import type { ReactNode } from 'react';
import type { Plan } from '../../plan/types.ts';
import type { Replay } from '../../model/index.ts';
import { planStepTitle, stallOf, stepReturns } from './runs.ts';

export interface SideCardProps {
  plan: Plan;
  replay: Replay | null;
  step: number | null;
  kind: 'predicted' | 'real';
  children?: ReactNode;
}

export function SideCard({ plan, replay, step, kind, children }: SideCardProps) {
  const returns = replay && step !== null ? stepReturns(replay, step) : [];
  const stall = replay && step !== null && step === replay.stepCount - 1 ? stallOf(replay.trace) : null;
  return (
    <section className="panel area-narr narration sandbox-side" data-testid="sandbox-side" aria-labelledby="step-title" tabIndex={0}>
      <h2 className="step-title" id="step-title" data-testid="step-label" data-kind={kind}>
        <span className={`run-kind ${kind}`}>{kind}</span> {step === null ? 'Waiting for the first step…' : step === 0 ? 'Start: the server is launched' : `Step ${step}. ${planStepTitle(plan, step)}`}
      </h2>
      <div className="narration-text" aria-live="polite">
        {returns.length > 0 && (
          <ul className="step-returns" data-testid="step-returns">
            {returns.map((r, i) => (
              <li key={i} className={r.ret < 0 ? 'failed' : undefined}>
                <b>{r.role}</b>: {r.fn}() returned {r.ret}
                {r.errno ? ` (${r.errno})` : ''}
              </li>
            ))}
          </ul>
        )}
        {stall && (
          <p className="stall" data-testid="stall" role="status">
            {stall}. The run ends here: the plan's next step cannot happen.
          </p>
        )}
        {children}
      </div>
    </section>
  );
}
