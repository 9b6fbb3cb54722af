// Presenter mode's pure helpers: the one line of narration, the facts that matter, the figure
// for the room, its keys, the notes channel's messages and the links.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fillPlaceholders, LESSON_CATALOG, lessonStep, snapshotResolver, stepTotal } from '../../src/lessons/index.ts';
import { CONTENT_IDS, loadLessonContent } from '../../src/lessons/load.ts';
import { createReplay, parseTrace, type Replay } from '../../src/model/index.ts';
import { findScenario } from '../../src/scenarios/index.ts';
import { encodeNotesMessage, notesChannelName, parseNotesMessage } from '../../src/web/present/notesChannel.ts';
import { presentKeyAction } from '../../src/web/present/presentKeys.ts';
import { estimateText, layoutPresenterFigure, type PresentLayout } from '../../src/web/present/presentLayout.ts';
import {
  factCountText,
  factStateText,
  firstSentence,
  PRESENTER_FACTS_MAX,
  PRESENTER_LINE_MAX,
  presenterBaseFont,
  presenterFacts,
  presenterLine,
} from '../../src/web/present/presentText.ts';
import { notesHref, shareLink } from '../../src/web/present/shareLink.ts';
import { recordedConcurrent, stepAfter } from './web-recorded.ts';

const contents = new Map(await Promise.all(CONTENT_IDS.map(async (id) => [id, await loadLessonContent(id)] as const)));

function recorded(scenario: string): Replay {
  const text = readFileSync(fileURLToPath(new URL(`../../public/traces/${scenario}.jsonl`, import.meta.url)), 'utf8');
  const parsed = parseTrace(text);
  if (!parsed.ok) throw new Error(`${scenario}: recorded trace does not parse`);
  return createReplay(parsed.trace);
}

describe('presenter line: one short line of narration', () => {
  it('is the first sentence', () => {
    expect(firstSentence('fork() created the child, pid 4101. It returns twice.')).toBe('fork() created the child, pid 4101.');
    expect(firstSentence('The count is 2 (parent and child).\n\nMore.')).toBe('The count is 2 (parent and child).');
    expect(firstSentence('Both hold it, e.g. the child. Then more.')).toBe('Both hold it, e.g. the child.');
    expect(firstSentence('No full stop at all')).toBe('No full stop at all');
  });
  it('cuts a long sentence at a clause, marked with an ellipsis', () => {
    const long = `The parent calls close(connfd): ${'the count drops and nothing is sent '.repeat(6)}at all.`;
    const line = presenterLine(long);
    expect(line.length).toBeLessThanOrEqual(PRESENTER_LINE_MAX);
    expect(line.endsWith('…')).toBe(true);
  });
  it('is never empty nor over 140 characters, on every step of every lesson (placeholders filled)', () => {
    let checked = 0;
    for (const lesson of LESSON_CATALOG) {
      for (const part of lesson.parts) {
        const scenario = findScenario(part.scenario)!;
        const content = contents.get(lesson.id)!.parts[part.id]!;
        const base = snapshotResolver(null, 50123, 'live');
        const resolve = (name: string, args: string[]) => base(name, args) ?? (name === 'timewait' || name === 'timer' ? '59.9 s' : '32629');
        for (let n = 0; n < stepTotal(scenario); n++) {
          const line = presenterLine(fillPlaceholders(lessonStep(content, scenario, n).narration, resolve));
          expect(line.trim().length, `${lesson.id}/${part.id} step ${n}`).toBeGreaterThan(10);
          expect(line.length, `${lesson.id}/${part.id} step ${n}: ${line}`).toBeLessThanOrEqual(PRESENTER_LINE_MAX);
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(300);
  });
  it('has a base font of 24 px at 1280 wide and never below 20', () => {
    expect(presenterBaseFont(1280)).toBe(24);
    expect(presenterBaseFont(1024)).toBe(20);
    expect(presenterBaseFont(390)).toBe(20);
    expect(presenterBaseFont(1920)).toBe(36);
  });
});

describe('presenter facts: the sockets that matter at this step', () => {
  const replay = recordedConcurrent();
  const at = (id: string) => {
    const n = stepAfter(id);
    return presenterFacts(replay.atStep(n), replay.atStep(n - 1), findScenario('concurrent')!.schedule[n - 1]!.role);
  };
  it('after fork: both counts went 1 → 2', () => {
    const facts = at('parent-fork');
    expect(facts.map((f) => `${f.name}: ${factStateText(f)}, ${factCountText(f)}`)).toEqual([
      'listening socket: LISTEN, count 1 → 2',
      'connection #1 (server end): ESTABLISHED, count 1 → 2',
    ]);
  });
  it('after connect: the client went to ESTABLISHED; the queued connection is held by no descriptor', () => {
    const facts = at('client-connect');
    expect(facts.find((f) => f.name === 'client #1 socket')).toMatchObject({ changed: true, state: 'ESTABLISHED' });
    expect(factStateText(facts.find((f) => f.name === 'client #1 socket')!)).toMatch(/→ ESTABLISHED$/);
    expect(factCountText(facts.find((f) => f.name.startsWith('connection #1'))!)).toBe('no descriptor');
  });
  it('when nothing changed, the sockets of the process that acted', () => {
    const n = stepAfter('parent-accept-blocks');
    const facts = presenterFacts(replay.atStep(n), replay.atStep(n - 1), 'parent');
    expect(facts.every((f) => !f.changed)).toBe(true);
    expect(facts.map((f) => f.name)).toEqual(['listening socket']);
  });
  it('none when nothing changed and the acting process holds no socket (a child exits)', () => {
    const many = recorded('many-clients');
    const n = findScenario('many-clients')!.schedule.findIndex((e) => e.id === 'child3-exit') + 1;
    expect(presenterFacts(many.atStep(n), many.atStep(n - 1), 'child#3')).toEqual([]);
  });
  it('shows a handful at most', () => {
    const many = recorded('many-clients');
    for (let n = 1; n < many.stepCount; n++) expect(presenterFacts(many.atStep(n), many.atStep(n - 1), null).length).toBeLessThanOrEqual(PRESENTER_FACTS_MAX);
  });
});

/** Every label inside its box or slot, by the estimate the layout used. */
function labelsOutside(l: PresentLayout): string[] {
  const out: string[] = [];
  for (const b of [...l.boxes, ...l.slots]) {
    for (const t of b.texts) {
      const w = estimateText(t.text, l.font, !!t.bold);
      const left = t.anchor === 'end' ? t.x - w : t.x;
      if (left < 0 || left + w > b.w || t.y - l.font * 0.8 < 0 || t.y + l.font * 0.25 > b.h) out.push(t.text);
    }
  }
  return out;
}

describe('presenter figure layout: few, large labels', () => {
  const area = { width: 1240, height: 480, minFont: 24, maxFont: 34 };
  it('Figure 4.17 of the concurrent server fits whole, larger than the smallest font, with each process status', () => {
    const replay = recordedConcurrent();
    const l = layoutPresenterFigure(replay.atStep(stepAfter('child-close-listenfd')), area);
    expect(l.fits).toBe(true);
    expect(l.font).toBeGreaterThan(24);
    expect(l.compact).toBe(false);
    expect(l.boxes.map((b) => b.role).sort()).toEqual(['child#1', 'client#1', 'parent']);
    expect(l.slots.filter((s) => s.role === 'child#1').map((s) => s.texts.map((t) => t.text).join(' '))).toEqual(['connfd ESTABLISHED']);
    expect(l.links.filter((k) => k.kind === 'connection')).toHaveLength(1);
    expect(labelsOutside(l)).toEqual([]);
  });
  it('every step of every recorded trace: no font below the minimum, labels in their boxes, boxes in the drawing', () => {
    for (const file of ['concurrent', 'zombies', 'every-state', 'many-clients']) {
      const replay = recorded(file);
      for (let n = 0; n < replay.stepCount; n++) {
        const l = layoutPresenterFigure(replay.atStep(n), area);
        expect(l.font, `${file} step ${n}`).toBeGreaterThanOrEqual(24);
        expect(labelsOutside(l), `${file} step ${n}`).toEqual([]);
        for (const b of [...l.boxes, ...l.slots]) expect(b.x + b.w, `${file} step ${n}`).toBeLessThanOrEqual(l.width);
        if (file !== 'many-clients') expect(l.fits, `${file} step ${n}`).toBe(true);
      }
    }
  });
  it('a client that has closed shows the socket the kernel keeps (TIME_WAIT, no fd) in its own box', () => {
    const replay = recorded('many-clients');
    const step = findScenario('many-clients')!.schedule.findIndex((e) => e.id === 'child5-close-connfd') + 1;
    const l = layoutPresenterFigure(replay.atStep(step), area);
    const box = l.boxes.find((b) => b.role === 'client#1')!;
    const kept = l.slots.find((s) => s.role === 'client#1' && s.loose)!;
    expect(kept.texts.map((t) => t.text).join(' ')).toMatch(/^no fd TIME_WAIT/);
    expect(kept.x).toBeGreaterThanOrEqual(box.x);
    expect(kept.x + kept.w).toBeLessThanOrEqual(box.x + box.w);
    expect(kept.y).toBeGreaterThanOrEqual(box.y);
    expect(kept.y + kept.h).toBeLessThanOrEqual(box.y + box.h);
  });
  it('many processes: compact rows (the role beside its sockets); what cannot fit at the smallest font is taller, never smaller', () => {
    const replay = recorded('many-clients');
    const snap = replay.atStep(findScenario('many-clients')!.schedule.findIndex((e) => e.id === 'parent-accept-again-5') + 1);
    const roomy = layoutPresenterFigure(snap, area);
    expect(roomy.compact).toBe(true);
    const cramped = layoutPresenterFigure(snap, { ...area, height: 200 });
    expect(cramped.fits).toBe(false);
    expect(cramped.font).toBe(24);
    expect(cramped.height).toBeGreaterThan(200);
  });
});

describe('presenter keys', () => {
  const none = { alt: false, ctrl: false, meta: false };
  const body = { tagName: 'BODY' };
  it('P toggles anywhere in a lesson; F B N Esc only while presenting', () => {
    expect(presentKeyAction('p', body, none, false)).toBe('toggle');
    expect(presentKeyAction('P', body, none, true)).toBe('toggle');
    expect(presentKeyAction('f', body, none, false)).toBeNull();
    expect(presentKeyAction('f', body, none, true)).toBe('fullscreen');
    expect(presentKeyAction('B', body, none, true)).toBe('blank');
    expect(presentKeyAction('n', body, none, true)).toBe('notes');
    expect(presentKeyAction('Escape', body, none, true)).toBe('leave');
    expect(presentKeyAction('Escape', body, none, false)).toBeNull();
  });
  it('leaves typing and chords alone (Ctrl+P prints)', () => {
    expect(presentKeyAction('p', { tagName: 'INPUT' }, none, false)).toBeNull();
    expect(presentKeyAction('b', { tagName: 'DIV', isContentEditable: true }, none, true)).toBeNull();
    expect(presentKeyAction('p', body, { ...none, ctrl: true }, false)).toBeNull();
    expect(presentKeyAction('f', body, { ...none, meta: true }, true)).toBeNull();
  });
});

describe('notes channel messages', () => {
  const state = { type: 'state', shown: 3, asking: null, total: 22, title: 'fork()', narration: 'pid 4101.' } as const;
  it('round-trip through the wire form', () => {
    for (const m of [state, { type: 'hello' }, { type: 'bye' }, { type: 'command', command: 'next' }, { type: 'seek', step: 7 }] as const) {
      expect(parseNotesMessage(structuredClone(encodeNotesMessage(m)))).toEqual(m);
    }
  });
  it('ignores anything malformed', () => {
    const bad: unknown[] = [
      null,
      'next',
      [],
      { type: 'hello' },
      { v: 2, type: 'hello' },
      { v: 1, type: 'shout' },
      { v: 1, type: 'command', command: 'explode' },
      { v: 1, type: 'seek', step: -1 },
      { v: 1, type: 'seek', step: 1.5 },
      { v: 1, type: 'seek', step: '3' },
      { ...encodeNotesMessage(state), shown: 22 },
      { ...encodeNotesMessage(state), asking: 'x' },
      { ...encodeNotesMessage(state), title: 7 },
      { ...encodeNotesMessage(state), total: 0 },
    ];
    for (const b of bad) expect(parseNotesMessage(b), JSON.stringify(b)).toBeNull();
  });
  it('one channel per lesson part', () => {
    expect(notesChannelName('zombies', 'sigchld-ignore')).not.toBe(notesChannelName('zombies', 'zombies'));
  });
});

describe('links', () => {
  it('copies the page with &present when presenting, without when not', () => {
    const href = 'http://host:4000/?lesson=concurrent&step=9&present';
    expect(shareLink(href, true)).toBe('http://host:4000/?lesson=concurrent&step=9&present');
    expect(shareLink(href, false)).toBe('http://host:4000/?lesson=concurrent&step=9');
    expect(shareLink('http://host:4000/?lesson=zombies&part=sigchld-ignore&step=4#x', true)).toBe('http://host:4000/?lesson=zombies&part=sigchld-ignore&step=4&present');
  });
  it('from the notes window, links to the room’s view', () => {
    expect(shareLink('http://host/?lesson=concurrent&step=3&notes', false)).toBe('http://host/?lesson=concurrent&step=3&present');
  });
  it('opens the notes window at the same step, &notes instead of &present', () => {
    expect(notesHref('http://host/?lesson=concurrent&step=3&present&questions=off')).toBe('http://host/?lesson=concurrent&step=3&questions=off&notes');
  });
});
