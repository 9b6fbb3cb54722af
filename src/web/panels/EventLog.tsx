// Every event of the trace, one row each, the current step's rows highlighted; a scrubber over
// the steps; a click on a row, or Enter/Space on it, goes to the step that contains it. The rows
// are a listbox: one of them is in the Tab order, ↑/↓/Home/End move between them. Long traces
// are windowed: only the rows in view (and a few around them) are in the DOM.

import { type CSSProperties, type KeyboardEvent as ReactKeyboardEvent, memo, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import type { Replay } from '../../model/index.ts';
import { SCRUBBER_ID } from '../lesson/useStepKeys.ts';
import { roleColor } from '../roles.ts';
import { stepIndicatorText } from '../url.ts';
import { eventLine, laterEventsText, rowKeyTarget, windowRange } from './eventText.ts';
import { Panel } from './Panel.tsx';

export const ROW_HEIGHT = 30;
/** Up to this many events every row is rendered; beyond it the list is windowed. */
export const WINDOW_ABOVE = 1500;

export interface EventLogProps {
  replay: Replay | null;
  revision: number;
  shown: number | null;
  available: number;
  total: number;
  onSeek: (step: number) => void;
  /** Tabs, when the event log shares its place with the source. */
  switcher?: ReactNode;
}

export default memo(function EventLog({ replay, revision, shown, available, total, onSeek, switcher }: EventLogProps) {
  const events = replay?.trace.events ?? [];
  const list = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 600 });
  const range = useMemo<[number, number] | null>(() => {
    if (!replay || shown === null || shown >= replay.stepCount) return null;
    return replay.eventRangeOfStep(shown);
  }, [replay, revision, shown]);
  // What has happened so far: the events up to the end of this step. Later ones would give away
  // what a question asks (a recorded trace holds them all); the scrubber reaches them.
  const count = range ? Math.min(events.length, range[1] + 1) : 0;
  const later = events.length - count;

  const windowed = count > WINDOW_ABOVE;
  const [first, last] = windowed ? windowRange(view.top, view.height, ROW_HEIGHT, count) : [0, count];

  // The row in the Tab order (roving tabindex): the one last focused, else the current step's first.
  const [active, setActive] = useState<number | null>(null);
  const [focusWanted, setFocusWanted] = useState(false);
  const tabRow = active !== null && active < count ? active : range ? range[0] : 0;
  useEffect(() => {
    const el = list.current;
    if (!focusWanted || !el || active === null) return;
    const row = el.querySelector<HTMLElement>(`[data-index="${active}"]`);
    if (row) {
      row.focus();
      setFocusWanted(false);
    } else if (windowed) el.scrollTop = Math.max(0, active * ROW_HEIGHT - el.clientHeight / 2);
  }, [focusWanted, active, first, last, windowed]);
  const onRowKey = (e: ReactKeyboardEvent<HTMLDivElement>, i: number) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      if (replay) onSeek(replay.stepOfEvent(i));
      return;
    }
    const to = rowKeyTarget(e.key, i, count);
    if (to === null) return;
    e.preventDefault();
    setActive(to);
    setFocusWanted(true);
  };

  useEffect(() => {
    const el = list.current;
    if (!el) return;
    const update = () => setView({ top: el.scrollTop, height: el.clientHeight });
    update();
    const ro = new ResizeObserver(update);
    ro.observe(el);
    el.addEventListener('scroll', update, { passive: true });
    return () => {
      ro.disconnect();
      el.removeEventListener('scroll', update);
    };
  }, []);

  // Bring the current step's events into view (top of the step near the top third).
  useEffect(() => {
    const el = list.current;
    if (!el || !range) return;
    const top = range[0] * ROW_HEIGHT;
    const bottom = (range[1] + 1) * ROW_HEIGHT;
    if (top >= el.scrollTop && bottom <= el.scrollTop + el.clientHeight) return;
    el.scrollTop = Math.max(0, top - el.clientHeight / 3);
  }, [range]);

  const rows = [];
  for (let i = first; i < last; i++) {
    const e = events[i]!;
    const line = eventLine(e);
    const current = range !== null && i >= range[0] && i <= range[1];
    rows.push(
      <div
        key={i}
        role="option"
        tabIndex={i === tabRow ? 0 : -1}
        className={`event-row kind-${e.kind}${current ? ' current' : ''}`}
        data-testid="event-row"
        data-index={i}
        aria-selected={current}
        aria-current={current ? 'step' : undefined}
        onFocus={() => setActive(i)}
        onKeyDown={(ev) => onRowKey(ev, i)}
        style={
          {
            '--role': line.who === 'kernel' || line.who === 'run' || line.who === 'lo' ? 'var(--muted)' : roleColor(line.who),
            ...(windowed ? { position: 'absolute', top: i * ROW_HEIGHT, left: 0, right: 0 } : {}),
          } as CSSProperties
        }
        onClick={() => replay && onSeek(replay.stepOfEvent(i))}
      >
        <span className="ev-seq">{e.seq}</span>
        <span className="ev-who">{line.who}</span>
        <span className="ev-kind">{e.kind}</span>
        <span className="ev-text">{line.text}</span>
      </div>,
    );
  }

  const max = Math.max(0, available - 1);
  return (
    <Panel title="Event log" area="log" testId="event-log" switcher={switcher}>
      <div className="log-body">
        <label className="scrubber">
          <span className="sr-only">Trace position</span>
          <input
            id={SCRUBBER_ID}
            type="range"
            min={0}
            max={max}
            step={1}
            value={shown ?? 0}
            disabled={available === 0}
            aria-label="Trace position"
            aria-valuetext={shown === null ? 'no steps yet' : stepIndicatorText(shown, total)}
            onChange={(ev) => onSeek(Number(ev.currentTarget.value))}
          />
          <span className="scrub-count" aria-hidden="true">
            {count} events
          </span>
        </label>
        <div className="event-list" ref={list}>
          <div
            role="listbox"
            aria-multiselectable="true"
            aria-label="Trace events (Enter or a click goes to an event's step; the current step's are selected)"
            style={windowed ? { height: count * ROW_HEIGHT, position: 'relative' } : undefined}
          >
            {rows}
          </div>
          {later > 0 && (
            <p className="log-later" data-testid="log-later">
              {laterEventsText(events.slice(count), shown !== null && shown >= total - 1)}
            </p>
          )}
        </div>
      </div>
    </Panel>
  );
});
