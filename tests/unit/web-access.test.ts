// Keyboard, screen-reader and projector helpers of the lesson view (issue 9), and the figure's
// status text fitting its box on every step of every recorded trace.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createReplay, parseTrace } from '../../src/model/index.ts';
import { stepAnnouncement } from '../../src/web/lesson/StepAnnouncer.tsx';
import { canEnd, decideEnd, decideNext } from '../../src/web/lesson/useLessonNav.ts';
import { FIG, fitStatus, layoutFigure, statusRoom, textWidth } from '../../src/web/panels/figureLayout.ts';
import { laterEventsText, rowKeyTarget } from '../../src/web/panels/eventText.ts';
import { tabKeyTarget } from '../../src/web/panels/Panel.tsx';
import { trappedFocusTarget } from '../../src/web/panels/useEnlarge.ts';
import { stepFactsSentence } from '../../src/web/stepFacts.ts';

const tracesDir = fileURLToPath(new URL('../../public/traces/', import.meta.url));
const traces = readdirSync(tracesDir)
  .filter((f) => f.endsWith('.jsonl'))
  .map((f) => {
    const parsed = parseTrace(readFileSync(tracesDir + f, 'utf8'));
    if (!parsed.ok) throw new Error(`${f} does not parse: ${JSON.stringify(parsed.errors)}`);
    return { name: f, replay: createReplay(parsed.trace) };
  });

describe('figure: every status text fits its box', () => {
  it('on every step of every recorded trace', () => {
    expect(traces.length).toBeGreaterThanOrEqual(13);
    let boxes = 0;
    const over: string[] = [];
    for (const { name, replay } of traces) {
      for (let step = 0; step < replay.stepCount; step++) {
        for (const b of layoutFigure(replay.atStep(step)).boxes) {
          boxes++;
          expect(b.statusLines.length).toBeGreaterThan(0);
          expect(b.statusLines.length).toBeLessThanOrEqual(2);
          for (const line of b.statusLines) {
            if (textWidth(line, FIG.statusFont) > statusRoom(b.w)) over.push(`${name} step ${step} ${b.role}: "${line}"`);
          }
          // The box grows with a second line: the slots stay below the status.
          expect(b.h).toBeGreaterThanOrEqual(FIG.headerH + (b.statusLines.length - 1) * FIG.statusLineH + FIG.pad);
        }
      }
    }
    expect(boxes).toBeGreaterThan(100);
    expect(over).toEqual([]);
  });

  it('keeps a text that fits, shortens one that does not, wraps what is still too long', () => {
    expect(fitStatus('running', 'running', FIG.serverW)).toEqual(['running']);
    expect(fitStatus('stopped before setsockopt()', 'before setsockopt()', FIG.clientW)).toEqual(['before setsockopt()']);
    const long = 'handler: poll() before accept() and then some more words';
    const lines = fitStatus(long, long, FIG.clientW);
    expect(lines).toHaveLength(2);
    expect(lines.join(' ').startsWith('handler: poll()')).toBe(true);
    for (const l of lines) expect(textWidth(l, FIG.statusFont)).toBeLessThanOrEqual(statusRoom(FIG.clientW));
  });
});

describe('figure: text alternative', () => {
  it('states holders, reference counts and TCP states', () => {
    const concurrent = traces.find((t) => t.name === 'concurrent.jsonl')!.replay;
    const text = stepFactsSentence(concurrent.atStep(concurrent.stepCount - 1));
    expect(text).toMatch(/^Step \d+\./);
    const mid = stepFactsSentence(concurrent.atStep(Math.floor(concurrent.stepCount / 2)));
    expect(mid).toMatch(/reference count \d/);
    expect(mid).toMatch(/ESTABLISHED|LISTEN/);
  });
});

describe('view tabs: arrow keys', () => {
  it('move right and left with wrapping, Home and End to the ends, other keys nowhere', () => {
    expect(tabKeyTarget('ArrowRight', 0, 2)).toBe(1);
    expect(tabKeyTarget('ArrowRight', 1, 2)).toBe(0);
    expect(tabKeyTarget('ArrowLeft', 0, 2)).toBe(1);
    expect(tabKeyTarget('Home', 1, 3)).toBe(0);
    expect(tabKeyTarget('End', 0, 3)).toBe(2);
    expect(tabKeyTarget('Enter', 0, 3)).toBeNull();
    expect(tabKeyTarget('ArrowRight', 0, 0)).toBeNull();
  });
});

describe('enlarged panel: focus trap', () => {
  const items = ['close', 'tab', 'row'];
  it('wraps Tab from the last element to the first and Shift+Tab from the first to the last', () => {
    expect(trappedFocusTarget(items, 'row', false)).toBe('close');
    expect(trappedFocusTarget(items, 'close', true)).toBe('row');
  });
  it('lets the browser move focus inside, and pulls focus from outside back in', () => {
    expect(trappedFocusTarget(items, 'close', false)).toBeNull();
    expect(trappedFocusTarget(items, 'row', true)).toBeNull();
    expect(trappedFocusTarget(items, 'elsewhere', false)).toBe('close');
    expect(trappedFocusTarget(items, null, true)).toBe('row');
    expect(trappedFocusTarget([], null, false)).toBeNull();
  });
});

describe('step announcer', () => {
  it('says the step, its title and its narration, and nothing before a step is shown', () => {
    expect(stepAnnouncement({ step: 2, total: 12, title: 'The child closes listenfd', paragraphs: ['One.', 'Two.'] })).toBe(
      'Step 3 of 12. The child closes listenfd. One. Two.',
    );
    expect(stepAnnouncement({ step: 0, total: 5, title: 'Ready?', paragraphs: [] })).toBe('Step 1 of 5. Ready?');
    expect(stepAnnouncement({ step: null, total: 5, title: 'x', paragraphs: ['y'] })).toBe('');
  });
});

describe('lesson nav: → and End', () => {
  const base = { shown: 0, step: 0, total: 10, available: 10, liveMore: false, inFlight: false, asking: null };
  const never = () => false;

  it('keeps a → pressed before the first live step arrives, and one pressed while a step is on its way', () => {
    // A fresh live lesson: the initial run is in flight, nothing shown yet.
    expect(decideNext({ ...base, shown: null, available: 0, liveMore: true, inFlight: true }, never)).toEqual({ kind: 'queue' });
    // Still connecting (neither live nor recorded yet).
    expect(decideNext({ ...base, shown: null, available: 0 }, never)).toEqual({ kind: 'queue' });
    // Step 1 asked for, not arrived: a second press waits for it rather than being dropped.
    expect(decideNext({ ...base, shown: 0, step: 1, available: 1, liveMore: true, inFlight: true }, never)).toEqual({ kind: 'queue' });
    expect(decideNext({ ...base, shown: 2, available: 3, liveMore: true, inFlight: true }, never)).toEqual({ kind: 'queue' });
  });

  it('steps, asks for a live step, asks a question first, passes the end', () => {
    expect(decideNext(base, never)).toEqual({ kind: 'go', target: 1 });
    expect(decideNext({ ...base, shown: 2, step: 2, available: 3, liveMore: true }, never)).toEqual({ kind: 'go', target: 3 });
    expect(decideNext({ ...base, shown: 2, step: 2, available: 3, liveMore: true }, (n) => n === 3)).toEqual({ kind: 'ask', target: 3, prefetch: true });
    expect(decideNext(base, (n) => n === 1)).toEqual({ kind: 'ask', target: 1, prefetch: false });
    expect(decideNext({ ...base, asking: 1 }, never)).toEqual({ kind: 'none' });
    expect(decideNext({ ...base, shown: 9, step: 9 }, never)).toEqual({ kind: 'past-end' });
    // A finished live run that stopped short: nothing more to ask for.
    expect(decideNext({ ...base, shown: 4, step: 4, available: 5 }, never)).toEqual({ kind: 'none' });
  });

  it('End stops before the next unanswered question and never passes it', () => {
    expect(decideEnd(base, (n) => n === 4 || n === 7)).toEqual({ kind: 'ask', target: 4 });
    expect(decideEnd(base, never)).toEqual({ kind: 'seek', to: 9 });
    expect(decideEnd({ ...base, asking: 4 }, never)).toEqual({ kind: 'none' });
    expect(canEnd({ ...base, asking: 4 })).toBe(false);
    expect(canEnd({ ...base, shown: 9, step: 9 })).toBe(false);
    expect(canEnd(base)).toBe(true);
  });

  it('End in a live run runs on to the end, even from step 0 with nothing more arrived', () => {
    const live = { ...base, available: 1, liveMore: true };
    expect(canEnd(live)).toBe(true);
    expect(decideEnd(live, never)).toEqual({ kind: 'run-on', from: 0 });
    expect(decideEnd({ ...live, shown: 0, available: 3 }, (n) => n === 2)).toEqual({ kind: 'ask', target: 2 });
    // The live run is over: End goes to its last step.
    expect(canEnd({ ...live, liveMore: false })).toBe(false);
  });
});

describe('event log', () => {
  it('moves between rows with ↑ ↓ Home End, without wrapping', () => {
    expect(rowKeyTarget('ArrowDown', 3, 10)).toBe(4);
    expect(rowKeyTarget('ArrowDown', 9, 10)).toBe(9);
    expect(rowKeyTarget('ArrowUp', 0, 10)).toBe(0);
    expect(rowKeyTarget('Home', 5, 10)).toBe(0);
    expect(rowKeyTarget('End', 5, 10)).toBe(9);
    expect(rowKeyTarget('ArrowRight', 5, 10)).toBeNull();
  });

  it('says what the events after the last step are (the run’s end), not “step on”', () => {
    const concurrent = traces.find((t) => t.name === 'concurrent.jsonl')!.replay;
    const [, end] = concurrent.eventRangeOfStep(concurrent.stepCount - 1);
    const later = concurrent.trace.events.slice(end + 1);
    expect(later.length).toBeGreaterThan(0);
    const text = laterEventsText(later, true);
    expect(text).toBe(`${later.length} events after the last step: the run’s end (forkscope stops parent and ends the run)`);
    expect(text).not.toMatch(/step on/);
    expect(laterEventsText(later.slice(-1), true)).toBe('1 event after the last step: the run’s end (the run ends)');
    expect(laterEventsText(later, false)).toBe(`${later.length} later events: step on to see them`);
  });
});
