// Every event of the trace, one row each, the current step's rows highlighted; a scrubber over
// the steps; a click on a row goes to the step that contains it. Long traces are windowed:
// only the rows in view (and a few around them) are in the DOM.

import { type CSSProperties, memo, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import type { Replay } from '../../model/index.ts';
import { SCRUBBER_ID } from '../lesson/useStepKeys.ts';
import { roleColor } from '../roles.ts';
import { stepIndicatorText } from '../url.ts';
import { eventLine, windowRange } from './eventText.ts';
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
        role="listitem"
        className={`event-row kind-${e.kind}${current ? ' current' : ''}`}
        data-testid="event-row"
        data-index={i}
        aria-current={current ? 'step' : undefined}
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
        <div className="event-list" ref={list} role="list" aria-label="Trace events (click one to go to its step)" tabIndex={0}>
          {windowed ? <div style={{ height: count * ROW_HEIGHT, position: 'relative' }}>{rows}</div> : rows}
          {later > 0 && (
            <p className="log-later" data-testid="log-later">
              {later} later {later === 1 ? 'event' : 'events'}: step on to see {later === 1 ? 'it' : 'them'}
            </p>
          )}
        </div>
      </div>
    </Panel>
  );
});
