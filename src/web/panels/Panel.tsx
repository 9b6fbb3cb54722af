// A panel's frame: a heading, an Enlarge toggle (for the projector: a modal while enlarged,
// its text scaled; Escape restores) and a body that scrolls on its own. Where two panels share
// a place, `switcher` (view tabs) stands in for the visible heading and the body is their tabpanel.

import { useEffect, useRef, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';
import './enlarge.css';
import { useEnlarge } from './useEnlarge.ts';

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
  /** The body is an SVG that scales to fit its box (the figure): enlarging needs no text zoom. */
  fitsBox?: boolean;
}

/** The id of the body of the panel in `area`: the tabpanel its view tabs control. */
export const panelBodyId = (area: string) => `panel-${area}-body`;

export function Panel({ title, area, testId, children, extra, switcher, quietTitle, fitsBox }: PanelProps) {
  const enlarge = useEnlarge(area);
  const { big } = enlarge;
  return (
    <section
      ref={enlarge.frame}
      className={`panel area-${area}${big ? ' enlarged' : ''}${fitsBox ? ' fits-box' : ''}`}
      data-testid={testId}
      aria-label={title}
      role={big ? 'dialog' : undefined}
      aria-modal={big ? true : undefined}
      onKeyDown={enlarge.onKeyDown}
    >
      <header className="panel-head">
        {switcher}
        <h2 className={quietTitle || switcher ? 'sr-only' : undefined}>{title}</h2>
        {extra}
        <EnlargeButton big={big} onClick={enlarge.toggle} what={title} buttonRef={enlarge.button} />
      </header>
      {/* Focusable, so a keyboard can scroll it (axe: scrollable-region-focusable); a tab's panel where tabs choose it. */}
      <div className="panel-body" tabIndex={0} aria-label={title} {...(switcher ? { id: panelBodyId(area), role: 'tabpanel' } : { role: 'group' })}>
        {children}
      </div>
    </section>
  );
}

export function EnlargeButton({ big, onClick, what, buttonRef }: { big: boolean; onClick: () => void; what: string; buttonRef: React.Ref<HTMLButtonElement> }) {
  return (
    <button
      ref={buttonRef}
      type="button"
      className="enlarge"
      aria-pressed={big}
      aria-label={`${big ? 'Restore' : 'Enlarge'} ${what.toLowerCase()}`}
      title={big ? 'Restore (Esc)' : 'Enlarge'}
      onClick={onClick}
    >
      {big ? '✕' : '⤢'}
    </button>
  );
}

export interface ViewTab<T extends string> {
  id: T;
  label: string;
}

/** The DOM id of a view tab. */
export function viewTabId(label: string, id: string): string {
  return `tab-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${id}`;
}

/** Which tab an arrow, Home or End press moves to (wrapping), or null for other keys. Pure. */
export function tabKeyTarget(key: string, at: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowRight':
      return (at + 1) % count;
    case 'ArrowLeft':
      return (at - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

// The tab to focus once the tabs are drawn again: choosing a tab replaces the panel under it (the
// figure and the packets are different components), so the focused button unmounts with it.
let focusAfterSwitch: string | null = null;

/**
 * Tabs that choose which of several panels one place of the grid shows (the WAI-ARIA tabs pattern:
 * one tab in the Tab order, ←/→/Home/End move between tabs and choose, focus stays on the tab).
 * `panelId(id)` names the tabpanel a tab controls.
 */
export function ViewTabs<T extends string>({
  tabs,
  current,
  onSelect,
  label,
  panelId,
}: {
  tabs: readonly ViewTab<T>[];
  current: T;
  onSelect: (id: T) => void;
  label: string;
  panelId?: (id: T) => string;
}) {
  const list = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (focusAfterSwitch === null) return;
    const tab = list.current?.querySelector<HTMLElement>(`#${CSS.escape(focusAfterSwitch)}`);
    if (!tab) return;
    focusAfterSwitch = null;
    tab.focus();
  });
  const choose = (id: T) => {
    focusAfterSwitch = viewTabId(label, id);
    if (id === current) list.current?.querySelector<HTMLElement>(`#${CSS.escape(focusAfterSwitch)}`)?.focus();
    onSelect(id);
  };
  const onKeyDown = (e: ReactKeyboardEvent<HTMLDivElement>) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const at = tabs.findIndex((t) => t.id === current);
    const to = tabKeyTarget(e.key, at, tabs.length);
    if (to === null) return;
    e.preventDefault();
    choose(tabs[to]!.id);
  };
  return (
    <div className="view-tabs" role="tablist" aria-label={label} ref={list} onKeyDown={onKeyDown}>
      {tabs.map((t) => {
        const on = t.id === current;
        return (
          <button
            key={t.id}
            id={viewTabId(label, t.id)}
            type="button"
            role="tab"
            aria-selected={on}
            aria-controls={on && panelId ? panelId(t.id) : undefined}
            tabIndex={on ? 0 : -1}
            className={on ? 'on' : undefined}
            onClick={() => choose(t.id)}
          >
            {t.label}
          </button>
        );
      })}
    </div>
  );
}
