// Which step a lesson shows, and how the keys and buttons move it: through a recorded trace,
// or by asking the companion for the next live step. A question keyed to the next step stops
// → until it is answered or skipped (predict, then reveal).

import { useCallback, useState } from 'react';
import { clampStep } from '../url.ts';

export interface NavInput {
  initialStep: number;
  /** Steps in the scenario. */
  total: number;
  /** Steps whose snapshots have arrived. */
  available: number;
  /** A live run that can still step. */
  liveMore: boolean;
  inFlight: boolean;
  requestStep: () => void;
  /** Whether → to step n must first ask the question keyed to it. */
  mustAsk: (n: number) => boolean;
  /** → at the last step (the next part), or null. */
  onPastEnd: (() => void) | null;
}

export function useLessonNav(input: NavInput) {
  const { total, available, liveMore, inFlight, requestStep, mustAsk, onPastEnd } = input;
  const [step, setStep] = useState(() => clampStep(input.initialStep, total));
  /** The step whose question is open (the panels still show the step before it). */
  const [asking, setAsking] = useState<number | null>(null);
  const shown = available > 0 ? Math.min(step, available - 1) : null;

  /** Move to `target`, one step on from what is shown, asking the companion for it if needed. */
  const go = useCallback(
    (target: number) => {
      if (target < available) setStep(target);
      else if (liveMore) {
        if (!inFlight) requestStep();
        setStep(target);
      }
    },
    [available, liveMore, inFlight, requestStep],
  );

  const next = useCallback(() => {
    if (asking !== null || shown === null) return;
    if (shown >= total - 1) {
      if (shown === available - 1) onPastEnd?.();
      return;
    }
    const target = shown + 1;
    if (target >= available && !(liveMore && !inFlight)) return;
    if (mustAsk(target)) {
      setAsking(target);
      // Meanwhile, a live run can already make the step the answer will reveal.
      if (target >= available && liveMore && !inFlight) requestStep();
      return;
    }
    go(target);
  }, [asking, shown, total, available, liveMore, inFlight, mustAsk, onPastEnd, go, requestStep]);

  /** The open question was answered or skipped: show its step. */
  const answered = useCallback(() => {
    if (asking === null) return;
    const target = asking;
    setAsking(null);
    go(target);
  }, [asking, go]);

  const prev = useCallback(() => {
    if (asking !== null) setAsking(null);
    else if (shown !== null && shown > 0) setStep(shown - 1);
  }, [asking, shown]);
  const first = useCallback(() => {
    setAsking(null);
    setStep(0);
  }, []);
  const last = useCallback(() => {
    setAsking(null);
    if (available > 0) setStep(available - 1);
  }, [available]);
  const seek = useCallback(
    (n: number) => {
      setAsking(null);
      setStep(clampStep(n, available));
    },
    [available],
  );

  const atEdge = shown === null || shown >= available - 1;
  return {
    step,
    shown,
    asking,
    next,
    prev,
    first,
    last,
    seek,
    answered,
    canNext: asking === null && shown !== null && shown < total - 1 && (!atEdge || (liveMore && !inFlight)),
    canPrev: shown !== null && (shown > 0 || asking !== null),
    canLast: shown !== null && shown < available - 1,
  };
}
