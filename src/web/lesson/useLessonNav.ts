// Which step a lesson shows, and how the keys and buttons move it: through a recorded trace,
// or by asking the companion for the next live step. A question keyed to the next step stops
// → until it is answered or skipped (predict, then reveal), and End stops before it too.
// A press while a live step is in flight is kept and acted on when the step arrives (one press,
// one step); End in a live run runs on to the end, one step at a time.

import { useCallback, useEffect, useState } from 'react';
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

/** Where the navigation stands: what `decideNext` and `decideEnd` decide from. */
export interface NavPosition {
  /** The step shown, or null before the first arrives. */
  shown: number | null;
  /** The step asked for (beyond `shown` while it is on its way). */
  step: number;
  total: number;
  available: number;
  liveMore: boolean;
  inFlight: boolean;
  asking: number | null;
}

export type NextDecision =
  | { kind: 'none' }
  /** Keep the press: a step is on its way; act on it when the step arrives. */
  | { kind: 'queue' }
  | { kind: 'past-end' }
  /** Open the question before `target`; `prefetch`: meanwhile ask the companion for the step. */
  | { kind: 'ask'; target: number; prefetch: boolean }
  | { kind: 'go'; target: number };

/** What → does. Pure. */
export function decideNext(pos: NavPosition, mustAsk: (n: number) => boolean): NextDecision {
  const { shown, step, total, available, liveMore, inFlight, asking } = pos;
  if (asking !== null || total === 0) return { kind: 'none' };
  // The first step, or a step already asked for, has not arrived yet.
  if (shown === null || (step > shown && (inFlight || liveMore))) return { kind: 'queue' };
  if (shown >= total - 1) return shown === available - 1 ? { kind: 'past-end' } : { kind: 'none' };
  const target = shown + 1;
  if (target >= available) {
    if (!liveMore) return { kind: 'none' };
    if (inFlight) return { kind: 'queue' };
  }
  if (mustAsk(target)) return { kind: 'ask', target, prefetch: target >= available };
  return { kind: 'go', target };
}

export type EndDecision =
  | { kind: 'none' }
  | { kind: 'seek'; to: number }
  /** Stop before the unanswered question at `target` (the step before it shown) and ask it. */
  | { kind: 'ask'; target: number }
  /** Show the last step that has arrived, then ask the live run for the rest, a step at a time. */
  | { kind: 'run-on'; from: number };

/** What End does: never past an unanswered question; in a live run, on to the end. Pure. */
export function decideEnd(pos: NavPosition, mustAsk: (n: number) => boolean): EndDecision {
  const { shown, total, available, liveMore, asking } = pos;
  if (asking !== null || shown === null || available === 0) return { kind: 'none' };
  for (let n = shown + 1; n < available; n++) if (mustAsk(n)) return { kind: 'ask', target: n };
  if (liveMore && available < total) return { kind: 'run-on', from: available - 1 };
  return shown < available - 1 ? { kind: 'seek', to: available - 1 } : { kind: 'none' };
}

/** Whether End can do anything. Pure. */
export function canEnd(pos: NavPosition): boolean {
  const { shown, total, available, liveMore, asking } = pos;
  return asking === null && shown !== null && (shown < available - 1 || (liveMore && shown < total - 1));
}

export function useLessonNav(input: NavInput) {
  const { total, available, liveMore, inFlight, requestStep, mustAsk, onPastEnd } = input;
  const [step, setStep] = useState(() => clampStep(input.initialStep, total));
  /** The step whose question is open (the panels still show the step before it). */
  const [asking, setAsking] = useState<number | null>(null);
  /** → presses kept while a step was on its way. */
  const [pending, setPending] = useState(0);
  /** End in a live run: step on until the end or a question. */
  const [runOn, setRunOn] = useState(false);
  const shown = available > 0 ? Math.min(step, available - 1) : null;
  const pos: NavPosition = { shown, step, total, available, liveMore, inFlight, asking };

  const next = useCallback(() => {
    const d = decideNext({ shown, step, total, available, liveMore, inFlight, asking }, mustAsk);
    switch (d.kind) {
      case 'queue':
        setPending((n) => n + 1);
        return;
      case 'past-end':
        onPastEnd?.();
        return;
      case 'ask':
        setAsking(d.target);
        // Meanwhile, a live run can already make the step the answer will reveal.
        if (d.prefetch) requestStep();
        return;
      case 'go':
        if (d.target >= available) requestStep();
        setStep(d.target);
        return;
      case 'none':
        return;
    }
  }, [shown, step, total, available, liveMore, inFlight, asking, mustAsk, onPastEnd, requestStep]);

  // When the step on its way has arrived: act on a kept press, or run on towards the end.
  const settled = shown !== null && step <= shown && !inFlight;
  useEffect(() => {
    if (!settled) return;
    if (pending > 0) {
      setPending((n) => n - 1);
      next();
    } else if (runOn) {
      if (asking !== null || shown >= total - 1 || !liveMore) setRunOn(false);
      else next();
    }
  }, [settled, pending, runOn, asking, shown, total, liveMore, next]);

  /** The open question was answered or skipped: show its step. */
  const answered = useCallback(() => {
    if (asking === null) return;
    const target = asking;
    setAsking(null);
    if (target < available) setStep(target);
    else if (liveMore) {
      if (!inFlight) requestStep();
      setStep(target);
    }
  }, [asking, available, liveMore, inFlight, requestStep]);

  const stopMoving = () => {
    setPending(0);
    setRunOn(false);
  };
  const prev = useCallback(() => {
    stopMoving();
    if (asking !== null) setAsking(null);
    else if (shown !== null && shown > 0) setStep(shown - 1);
  }, [asking, shown]);
  const first = useCallback(() => {
    stopMoving();
    setAsking(null);
    setStep(0);
  }, []);
  const last = useCallback(() => {
    const d = decideEnd({ shown, step, total, available, liveMore, inFlight, asking }, mustAsk);
    setPending(0);
    switch (d.kind) {
      case 'seek':
        setStep(d.to);
        return;
      case 'ask':
        setStep(d.target - 1);
        setAsking(d.target);
        return;
      case 'run-on':
        setStep(d.from);
        setRunOn(true);
        return;
      case 'none':
        return;
    }
  }, [shown, step, total, available, liveMore, inFlight, asking, mustAsk]);
  const seek = useCallback(
    (n: number) => {
      stopMoving();
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
    canLast: canEnd(pos),
  };
}
