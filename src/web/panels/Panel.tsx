// A panel's frame: a heading, an Enlarge toggle (for the projector; Escape restores) and a body
// that scrolls on its own. Where two panels share a place, `switcher` (view tabs) stands in for
// the visible heading.

import { useEffect, useState, type ReactNode } from 'react';

export interface PanelProps {
  title: string;
  area: string;
  testId?: string;
  children: ReactNode;
  extra?: ReactNode;
  /** Tabs that choose which panel this place shows; the heading is then for assistive technology only. */
  switcher?: ReactNode;
  /** Keep the heading for assistive technology only (when `extra` says it already, e.g. file tabs). */
  quietTitle?: boolean;
}

export function Panel({ title, area, testId, children, extra, switcher, quietTitle }: PanelProps) {
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
        {switcher}
        <h2 className={quietTitle || switcher ? 'sr-only' : undefined}>{title}</h2>
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
      {/* Focusable, so a keyboard can scroll it (axe: scrollable-region-focusable). */}
      <div className="panel-body" tabIndex={0} role="group" aria-label={title}>
        {children}
      </div>
    </section>
  );
}

export interface ViewTab<T extends string> {
  id: T;
  label: string;
}

/** Tabs that choose which of several panels one place of the grid shows. */
export function ViewTabs<T extends string>({ tabs, current, onSelect, label }: { tabs: readonly ViewTab<T>[]; current: T; onSelect: (id: T) => void; label: string }) {
  return (
    <div className="view-tabs" role="tablist" aria-label={label}>
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          aria-selected={t.id === current}
          className={t.id === current ? 'on' : undefined}
          onClick={() => onSelect(t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}
