// The lesson view's File menu: save the figure (SVG, PNG), the step's facts (text, or the
// clipboard) and the trace (JSON Lines); open a trace file; print a handout. A disclosure (a
// button and a group of buttons, Tab between them, Escape closes), so the keyboard needs nothing new.

import { useEffect, useId, useRef, useState } from 'react';
import { fillPlaceholders, type LessonInfo, type LessonPartInfo } from '../../lessons/index.ts';
import { traceText } from '../../trace/text.ts';
import type { LessonPartState } from '../lesson/useLessonPart.ts';
import { FigurePanel } from '../panels/Figure.tsx';
import { stepFactsText } from '../stepFacts.ts';
import { figurePng, opaqueBackground, PNG_WIDTH, saveFile, standaloneFigure } from './figureImage.ts';
import { stepFileName, traceFileName } from './fileNames.ts';
import { handoutHref } from './handoutLink.ts';
import { useTraceImport } from './TraceImports.tsx';
import './export.css';

type FigureKind = 'svg' | 'png';

async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // Denied, or not a secure context (a classroom's http://192.168…): try the old way.
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'export-copy-area';
  document.body.appendChild(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  return ok;
}

export function ExportMenu({ lesson, part, state }: { lesson: LessonInfo; part: LessonPartInfo; state: LessonPartState }) {
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState('');
  /** The figure file asked for (a new `id` each time), drawn off screen until it is saved. */
  const [figure, setFigure] = useState<{ kind: FigureKind; id: number } | null>(null);
  const savedFigure = useRef(0);
  const wrap = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const stage = useRef<HTMLDivElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const menuId = useId();
  const importer = useTraceImport();
  const { snapshot, view } = state;
  const step = state.nav.shown;
  const trace = view.replay?.trace ?? null;

  // Close when focus or a click goes elsewhere.
  useEffect(() => {
    if (!open) return;
    const away = (e: Event) => {
      if (wrap.current && e.target instanceof Node && !wrap.current.contains(e.target)) setOpen(false);
    };
    document.addEventListener('pointerdown', away);
    document.addEventListener('focusin', away);
    return () => {
      document.removeEventListener('pointerdown', away);
      document.removeEventListener('focusin', away);
    };
  }, [open]);

  // The figure is drawn off screen for the file (the Packets tab may be showing, and the panel's
  // size and scrolling must not shape the file): once that copy is on the page, save it.
  useEffect(() => {
    // Once per request (StrictMode runs an effect twice in development).
    if (!figure || step === null || savedFigure.current === figure.id) return;
    savedFigure.current = figure.id;
    const { kind } = figure;
    const svg = stage.current?.querySelector('svg');
    const background = stage.current ? opaqueBackground([getComputedStyle(stage.current).backgroundColor]) : '#ffffff';
    void (async () => {
      try {
        if (!svg) throw new Error('the figure was not drawn');
        const file = standaloneFigure(svg, background);
        const name = stepFileName(lesson.id, part.id, step, kind);
        if (kind === 'svg') saveFile(name, new Blob([file.text], { type: 'image/svg+xml' }));
        else saveFile(name, await figurePng(file));
        setStatus(`Saved ${name}${kind === 'png' ? ` (${PNG_WIDTH} px wide)` : ''}.`);
      } catch (err) {
        setStatus(`The figure could not be saved: ${err instanceof Error ? err.message : String(err)}.`);
      } finally {
        setFigure(null);
      }
    })();
  }, [figure, step, lesson.id, part.id]);

  const factsText = () => {
    if (!snapshot || step === null) return null;
    const title = fillPlaceholders(state.stepTitle(step), state.resolve);
    const source = view.mode === 'live' ? 'a live run' : 'a recorded trace';
    return `${stepFactsText(snapshot, title)}\n(forkscope: ${lesson.title}, ${part.title}; ${source} of ${view.header?.scenario.id ?? part.scenario})\n`;
  };
  const saveFacts = () => {
    const text = factsText();
    if (text === null || step === null) return;
    const name = stepFileName(lesson.id, part.id, step, 'txt');
    saveFile(name, new Blob([text], { type: 'text/plain;charset=utf-8' }));
    setStatus(`Saved ${name}.`);
  };
  const copyFacts = () => {
    const text = factsText();
    if (text === null || step === null) return;
    void copyText(text).then((ok) => setStatus(ok ? `Copied the facts of step ${step + 1}.` : 'This browser did not allow copying: save the facts as a file instead.'));
  };
  const saveTrace = () => {
    if (!trace) return;
    const name = traceFileName(trace.header.scenario.id, { live: view.mode === 'live', done: view.done });
    saveFile(name, new Blob([traceText(trace)], { type: 'application/x-ndjson' }));
    setStatus(view.mode === 'live' && !view.done ? `Saved ${name}: the live run so far (${view.steps} steps).` : `Saved ${name}.`);
  };
  const ready = snapshot !== null && step !== null;
  const partParam = lesson.parts.length > 1 ? part.id : null;

  return (
    <div
      className="export-menu"
      ref={wrap}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.stopPropagation();
          setOpen(false);
          toggle.current?.focus();
        }
      }}
    >
      <button
        type="button"
        ref={toggle}
        className="export-toggle"
        aria-expanded={open}
        aria-controls={menuId}
        data-testid="export-toggle"
        title="Export the figure, the step's facts or the trace; open a trace; print a handout"
        onClick={() => setOpen((o) => !o)}
      >
        File <span aria-hidden="true">▾</span>
      </button>
      <div id={menuId} className="export-items" role="group" aria-label="Export, open and print" hidden={!open}>
        <button type="button" disabled={!ready || figure !== null} onClick={() => setFigure({ kind: 'svg', id: savedFigure.current + 1 })} data-testid="export-svg">
          Figure as SVG
        </button>
        <button type="button" disabled={!ready || figure !== null} onClick={() => setFigure({ kind: 'png', id: savedFigure.current + 1 })} data-testid="export-png">
          Figure as PNG <span className="export-note">{PNG_WIDTH} px wide</span>
        </button>
        <button type="button" disabled={!ready} onClick={saveFacts} data-testid="export-facts">
          Step facts as text
        </button>
        <button type="button" disabled={!ready} onClick={copyFacts} data-testid="copy-facts">
          Copy step facts
        </button>
        <button type="button" disabled={!trace} onClick={saveTrace} data-testid="export-trace">
          Trace as JSONL{view.mode === 'live' && !view.done ? <span className="export-note">the live run so far</span> : null}
        </button>
        <hr />
        <button type="button" onClick={() => fileInput.current?.click()} data-testid="import-trace">
          Open a trace file… <span className="export-note">or drop one on the page</span>
        </button>
        <a className="export-link" href={handoutHref(lesson.id, partParam, step ?? 0, window.location.search)} data-testid="handout-link">
          Print handout…
        </a>
        <p className="export-status" role="status" data-testid="export-status">
          {status}
        </p>
      </div>
      <input
        ref={fileInput}
        type="file"
        accept=".jsonl,.ndjson,.json,.txt,application/x-ndjson,application/jsonl,text/plain"
        hidden
        data-testid="import-trace-input"
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) importer.openFile(file);
        }}
      />
      {figure && snapshot && (
        <div className="export-stage" ref={stage} aria-hidden="true">
          <FigurePanel snapshot={snapshot} />
        </div>
      )}
    </div>
  );
}
