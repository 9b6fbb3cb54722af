// The pure helpers of export, import and print (src/web/export): file names, the SVG's inline
// styles and the PNG's size, the handout's link, and the checks a trace file must pass before
// the lesson view plays it (each refusal with its line).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { findLessonInfo, LESSON_CATALOG } from '../../src/lessons/index.ts';
import { parseTrace } from '../../src/trace/parse.ts';
import { traceText } from '../../src/trace/text.ts';
import { opaqueBackground, pngSize, styleAttribute, viewBoxSize } from '../../src/web/export/figureImage.ts';
import { fileNamePart, stepFileName, traceFileName } from '../../src/web/export/fileNames.ts';
import { handoutHref } from '../../src/web/export/handoutLink.ts';
import { checkTraceFile, MAX_TRACE_BYTES, partForScenario, refusalText, type TraceImport } from '../../src/web/export/traceImport.ts';
import { flagOn } from '../../src/web/url.ts';

const RECORDED = readFileSync(fileURLToPath(new URL('../../public/traces/concurrent.jsonl', import.meta.url)), 'utf8');
const LINES = RECORDED.split('\n');
const HEADER = JSON.parse(LINES[0]!);
const bytes = (text: string) => new TextEncoder().encode(text);
const check = (text: string, lesson = 'concurrent') => checkTraceFile(bytes(text).length, bytes(text), findLessonInfo(lesson) ?? null);
const refused = (r: TraceImport) => {
  if (r.ok) throw new Error('expected a refusal');
  return { line: r.line, reason: r.reason };
};

describe('file names', () => {
  it('name a step’s files by lesson, part and the step counted from 1', () => {
    expect(stepFileName('concurrent', 'concurrent', 9, 'svg')).toBe('forkscope-concurrent-concurrent-step10.svg');
    expect(stepFileName('zombies', 'sigchld-ignore', 0, 'png')).toBe('forkscope-zombies-sigchld-ignore-step1.png');
    expect(stepFileName('a/../b', 'C D', 2, 'txt')).toBe('forkscope-a-b-c-d-step3.txt');
    expect(fileNamePart('***')).toBe('x');
  });

  it('name a trace by its scenario, and say when it is a live run so far', () => {
    expect(traceFileName('concurrent', { live: false, done: true })).toBe('forkscope-concurrent.jsonl');
    expect(traceFileName('concurrent', { live: true, done: true })).toBe('forkscope-concurrent.jsonl');
    expect(traceFileName('linger-rst', { live: true, done: false })).toBe('forkscope-linger-rst-live-so-far.jsonl');
  });
});

describe('the figure as a file', () => {
  it('writes computed values as a style attribute, leaving SVG’s defaults out', () => {
    expect(
      styleAttribute([
        ['fill', 'rgb(10, 90, 160)'],
        ['stroke', 'none'],
        ['opacity', '1'],
        ['font-size', '27px'],
        ['text-anchor', 'start'],
        ['text-anchor', 'end'],
        ['stroke-dasharray', ''],
      ]),
    ).toBe('fill: rgb(10, 90, 160); font-size: 27px; text-anchor: end');
    expect(styleAttribute([['opacity', '1']])).toBe('');
  });

  it('sizes the PNG 1920 px wide at the figure’s aspect ratio', () => {
    expect(pngSize(960, 540)).toEqual({ width: 1920, height: 1080 });
    expect(pngSize(1000, 1333)).toEqual({ width: 1920, height: 2559 });
    expect(pngSize(100, 50, 640)).toEqual({ width: 640, height: 320 });
    expect(() => pngSize(0, 10)).toThrow(/positive/);
  });

  it('reads the figure’s size from its viewBox', () => {
    expect(viewBoxSize('0 0 960 612')).toEqual({ width: 960, height: 612 });
    expect(viewBoxSize('0,0,10,20')).toEqual({ width: 10, height: 20 });
    expect(viewBoxSize(null)).toBeNull();
    expect(viewBoxSize('0 0 0 10')).toBeNull();
    expect(viewBoxSize('0 0 a 10')).toBeNull();
  });

  it('takes the first background that is not transparent', () => {
    expect(opaqueBackground(['rgba(0, 0, 0, 0)', 'transparent', 'rgb(20, 20, 20)'])).toBe('rgb(20, 20, 20)');
    expect(opaqueBackground(['rgba(0, 0, 0, 0)'])).toBe('#ffffff');
  });
});

describe('the handout link', () => {
  it('is the part’s URL with &handout, other parameters kept, presenter mode left', () => {
    const href = handoutHref('zombies', 'sigchld-ignore', 4, '?lesson=zombies&part=sigchld-ignore&step=2&questions=off&present');
    expect(href).toBe('?lesson=zombies&part=sigchld-ignore&step=4&questions=off&handout');
    expect(flagOn(href, 'handout')).toBe(true);
    expect(flagOn(href, 'present')).toBe(false);
  });
});

describe('a trace file for the lesson view', () => {
  it('round-trips: the trace as text parses back to the same records', () => {
    const parsed = parseTrace(RECORDED);
    if (!parsed.ok) throw new Error('recorded trace does not parse');
    const again = traceText(parsed.trace);
    expect(again).toBe(RECORDED.endsWith('\n') ? RECORDED : `${RECORDED}\n`);
  });

  it('plays a good file in this lesson’s part of its scenario, else in the first lesson that plays it', () => {
    const here = check(RECORDED, 'refcounts');
    expect(here.ok && [here.lesson.id, here.part.id, here.steps, here.complete]).toEqual(['refcounts', 'concurrent', LINES.filter((l) => l.includes('"kind":"kernel"')).length, true]);
    const elsewhere = check(RECORDED, 'zombies');
    const first = LESSON_CATALOG.find((l) => l.parts.some((p) => p.scenario === 'concurrent'))!;
    expect(elsewhere.ok && elsewhere.lesson.id).toBe(first.id);
    expect(partForScenario('no-such', null)).toBeNull();
  });

  it('takes a live run’s trace so far (fewer steps than the part)', () => {
    const lastKernel = LINES.findIndex((l, i) => i > 0 && l.includes('"step":4,"label"'));
    const r = check(LINES.slice(0, lastKernel + 1).join('\n'));
    expect(r.ok && [r.steps, r.complete]).toEqual([5, false]);
  });

  it('refuses a bad file with the line and the reason', () => {
    expect(refused(check(''))).toEqual({ line: 1, reason: 'the file is empty (a trace starts with its header)' });
    expect(refused(check([LINES[0], 'nope', ...LINES.slice(2)].join('\n')))).toMatchObject({ line: 2, reason: expect.stringMatching(/^not valid JSON/) });
    expect(refused(check([JSON.stringify({ ...HEADER, version: 2 }), ...LINES.slice(1)].join('\n')))).toMatchObject({ line: 1, reason: expect.stringMatching(/version/) });
    const badCall = JSON.parse(LINES[2]!);
    delete badCall.pid;
    expect(refused(check([...LINES.slice(0, 2), JSON.stringify(badCall), ...LINES.slice(3)].join('\n')))).toMatchObject({ line: 3, reason: expect.stringMatching(/"pid"/) });
    expect(refused(check([JSON.stringify({ ...HEADER, scenario: { ...HEADER.scenario, id: 'nope' } }), ...LINES.slice(1)].join('\n')))).toEqual({
      line: 1,
      reason: 'no lesson plays the scenario “nope”',
    });
    expect(refused(check(LINES[0]!))).toMatchObject({ line: 1, reason: 'the trace has no step (no kernel snapshot)' });
    expect(refused(check([JSON.stringify({ ...HEADER, scenario: { ...HEADER.scenario, id: 'plan' }, plan: {} }), ...LINES.slice(1)].join('\n'))).reason).toMatch(/sandbox/);
    expect(refused(checkTraceFile(MAX_TRACE_BYTES + 1, new Uint8Array(), null))).toEqual({ line: null, reason: 'it is 32.0 MiB, more than the 32 MiB a trace may have here' });
    expect(refused(checkTraceFile(2, new Uint8Array([0xff, 0xfe]), null))).toEqual({ line: null, reason: 'it is not UTF-8 text (a trace is JSON Lines)' });
  });

  it('refuses a trace of the scenario whose steps are not the lesson part’s', () => {
    const i = LINES.findIndex((l) => l.includes('"label":"parent-bind"'));
    const renamed = LINES.map((l, j) => (j === i ? l.replace('"label":"parent-bind"', '"label":"parent-bind-twice"') : l));
    expect(refused(check(renamed.join('\n')))).toEqual({
      line: i + 1,
      reason: 'step 3 is “parent-bind-twice”, but step 3 of the scenario “concurrent” is “parent-bind” (a trace of another version of it?)',
    });
  });

  it('says what was refused, and where', () => {
    expect(refusalText('a.jsonl', { line: 3, reason: 'not valid JSON' })).toBe('“a.jsonl” was not opened: line 3: not valid JSON.');
    expect(refusalText('b.jsonl', { line: null, reason: 'too big' })).toBe('“b.jsonl” was not opened: too big.');
  });
});
