// A panel's frame: a heading, an Enlarge toggle (for the projector; Escape restores) and a body
// that scrolls on its own.

import { useEffect, useState, type ReactNode } from 'react';

export interface PanelProps {
  title: string;
  area: string;
  testId?: string;
  children: ReactNode;
  extra?: ReactNode;
  /** Keep the heading for assistive technology only (when `extra` says it already, e.g. file tabs). */
  quietTitle?: boolean;
}

export function Panel({ title, area, testId, children, extra, quietTitle }: PanelProps) {
  const [big, setBig] = useState(false);
  useEffect(() => {
    if (!big) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') setBig(false);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [big]);
  return (
    <section className={`panel area-${area}${big ? ' enlarged' : ''}`} data-testid={testId} aria-label={title}>
      <header className="panel-head">
        <h2 className={quietTitle ? 'sr-only' : undefined}>{title}</h2>
        {extra}
        <button
          type="button"
          className="enlarge"
          aria-pressed={big}
          aria-label={`${big ? 'Restore' : 'Enlarge'} ${title.toLowerCase()}`}
          title={big ? 'Restore (Esc)' : 'Enlarge'}
          onClick={() => setBig((b) => !b)}
        >
          {big ? '✕' : '⤢'}
        </button>
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}
