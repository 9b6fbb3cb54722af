import { useState } from 'react';
import type { TraceHeader } from '../../trace/types.ts';
import type { Mode } from '../session/machine.ts';

export function ModeBadge({ mode, header }: { mode: Mode; header: TraceHeader | null }) {
  if (mode === 'connecting') {
    return (
      <span className="mode-badge connecting" aria-live="polite">
        connecting…
      </span>
    );
  }
  return (
    <span
      className={`mode-badge ${mode}`}
      data-testid="mode-badge"
      title={mode === 'live' ? 'Real programs, running now on this machine' : `A real trace, recorded earlier.${recordedOn(header)}`}
    >
      {mode}
    </span>
  );
}

function recordedOn(header: TraceHeader | null): string {
  if (!header) return '';
  const when = header.recordedAt.slice(0, 10);
  return ` Recorded on ${header.platform.os} ${header.platform.release}${when ? `, ${when}` : ''}.`;
}

const HIDDEN_KEY = 'forkscope.notice.hidden';

function noticeHidden(): boolean {
  try {
    return window.sessionStorage.getItem(HIDDEN_KEY) === '1';
  } catch {
    return false;
  }
}

/** Why the lesson plays a recorded trace. It can be hidden for the rest of the browser session (the badge still says "recorded"). */
export function ModeNotice({ notice, header }: { notice: string; header: TraceHeader | null }) {
  const [hidden, setHidden] = useState(noticeHidden);
  if (hidden) return null;
  const hide = () => {
    setHidden(true);
    try {
      window.sessionStorage.setItem(HIDDEN_KEY, '1');
    } catch {
      // Hidden on this page only.
    }
  };
  return (
    <p className="mode-notice" data-testid="mode-notice" role="status">
      <span>
        {notice}
        <span className="sr-only">{recordedOn(header)}</span>
      </span>
      <button type="button" className="notice-hide" onClick={hide} aria-label="Hide this notice" title="Hide (the badge still says recorded)">
        ✕
      </button>
    </p>
  );
}
