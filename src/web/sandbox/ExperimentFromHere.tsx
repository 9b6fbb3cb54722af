// "Experiment from here": the plan that led the lesson's trace to the step shown
// (planFromTrace), opened in the sandbox, ready to edit. Its code loads when it is pressed.

import { useState } from 'react';
import type { Replay } from '../../model/index.ts';
import { sandboxHref } from '../url.ts';

export function ExperimentFromHere({ replay, step }: { replay: Replay | null; step: number | null }) {
  const [problem, setProblem] = useState<string | null>(null);
  const go = async () => {
    if (!replay || step === null) return;
    try {
      const { planFromTrace } = await import('../../plan/fromTrace.ts');
      window.location.assign(sandboxHref(planFromTrace(replay.trace, step)));
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <button
      type="button"
      className="experiment"
      data-testid="experiment-from-here"
      disabled={!replay || step === null}
      aria-label="Experiment from here"
      onClick={() => void go()}
      title={problem ?? 'Open the calls that led here as a plan in the sandbox: change the order, predict, run it'}
    >
      Experiment<span className="experiment-more"> from here</span>
    </button>
  );
}
