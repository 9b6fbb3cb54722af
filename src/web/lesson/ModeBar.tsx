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

export function ModeNotice({ notice, header }: { notice: string; header: TraceHeader | null }) {
  return (
    <p className="mode-notice" data-testid="mode-notice" role="status">
      {notice}
      <span className="sr-only">{recordedOn(header)}</span>
    </p>
  );
}
