import { stepIndicatorText } from '../url.ts';
import type { LessonPartState } from './useLessonPart.ts';

// Drawn, not font glyphs: ⏮ and ⏭ are missing from many fonts.
function Icon({ kind }: { kind: 'first' | 'prev' | 'next' | 'last' }) {
  const d = {
    first: 'M5 4h2.5v16H5z M20 4v16L8.5 12z',
    prev: 'M18 4v16L6 12z',
    next: 'M6 4v16l12-8z',
    last: 'M16.5 4H19v16h-2.5z M4 4v16l11.5-8z',
  }[kind];
  return (
    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
      <path d={d} fill="currentColor" />
    </svg>
  );
}

export interface ControlsProps {
  shown: number | null;
  total: number;
  canPrev: boolean;
  canNext: boolean;
  canLast: boolean;
  busy: boolean;
  onFirst: () => void;
  onPrev: () => void;
  onNext: () => void;
  onLast: () => void;
  /** The indicator's text (stepIndicatorText unless told: the sandbox numbers steps as its plan does). */
  indicator?: (shown: number, total: number) => string;
  /** Whether the step indicator is a live region (off where the view has its own announcer). */
  announce?: boolean;
}

/** The step controls' props for a lesson part's state (every drawing of a part has the same controls). */
export function partControls(state: LessonPartState): Omit<ControlsProps, 'indicator' | 'announce'> {
  const { nav } = state;
  return {
    shown: nav.shown,
    total: state.total,
    canPrev: nav.canPrev,
    canNext: nav.canNext,
    canLast: nav.canLast,
    busy: state.view.inFlight,
    onFirst: nav.first,
    onPrev: nav.prev,
    onNext: nav.next,
    onLast: nav.last,
  };
}

export function Controls(props: ControlsProps) {
  const { shown, total, canPrev, canNext, canLast, busy } = props;
  return (
    <nav className="controls" aria-label="Steps">
      <button type="button" onClick={props.onFirst} disabled={!canPrev} aria-label="First step" title="First step (Home)">
        <Icon kind="first" />
      </button>
      <button type="button" onClick={props.onPrev} disabled={!canPrev} aria-label="Previous step" title="Previous step (←)">
        <Icon kind="prev" />
      </button>
      <span className="step-indicator" data-testid="step-indicator" data-step={shown ?? ''} aria-live={props.announce === false ? undefined : 'polite'}>
        {shown === null ? `Step – of ${total}` : (props.indicator ?? stepIndicatorText)(shown, total)}
      </span>
      <button
        type="button"
        className="next"
        onClick={props.onNext}
        disabled={!canNext}
        aria-label="Next step"
        aria-busy={busy}
        title="Next step (→ or Space)"
      >
        {busy ? <span className="spinner" aria-hidden="true" /> : <Icon kind="next" />}
      </button>
      <button type="button" onClick={props.onLast} disabled={!canLast} aria-label="Last step" title="Last step (End)">
        <Icon kind="last" />
      </button>
    </nav>
  );
}
