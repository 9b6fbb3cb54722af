import { useEffect, useRef, useState } from 'react';
import { resetProgress } from '../progress/useProgress.ts';

/** Reset, with a second click to confirm (no browser dialog: a projector audience sees the question). */
export function ResetProgress({ disabled }: { disabled: boolean }) {
  const [asking, setAsking] = useState(false);
  const confirm = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirm.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" className="reset" onClick={() => setAsking(true)} disabled={disabled}>
        Reset progress…
      </button>
    );
  }
  return (
    <div className="reset-confirm" role="group" aria-label="Reset progress">
      <span>Forget every answer and every step seen?</span>
      <button
        ref={confirm}
        type="button"
        className="reset danger"
        onClick={() => {
          resetProgress();
          setAsking(false);
        }}
      >
        Reset
      </button>
      <button type="button" className="reset" onClick={() => setAsking(false)}>
        Keep
      </button>
    </div>
  );
}
