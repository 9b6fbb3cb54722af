// Opening a trace file in the lesson view, by the File menu's picker or by dropping it on the page.
// A good file plays in the lesson part whose scenario its header names (this lesson's part if it
// has one, else the first lesson that plays it), with every panel: the part is drawn afresh with
// a session that starts from that trace (SessionInput.trace). A bad file is refused in an alert
// with its line and the reason, and nothing else changes: the lesson keeps its step and state.

import { createContext, Fragment, Suspense, use, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { LessonContent } from '../../lessons/index.ts';
import { loadLessonContent } from '../../lessons/load.ts';
import type { Trace } from '../../trace/types.ts';
import type { ContentResult, LessonViewProps } from '../lesson/LessonView.tsx';
import { checkTraceFile, MAX_TRACE_BYTES, refusalText } from './traceImport.ts';
import './export.css';

export interface ImportedTrace {
  trace: Trace;
  fileName: string;
}

interface TraceImportApi {
  openFile: (file: File) => void;
}

const TraceImportContext = createContext<TraceImportApi>({ openFile: () => {} });

/** What the File menu calls to open a trace file. */
export function useTraceImport(): TraceImportApi {
  return use(TraceImportContext);
}

interface Opened {
  serial: number;
  props: LessonViewProps & { imported: ImportedTrace };
}

function contentFor(id: string, current: LessonViewProps): Promise<ContentResult> {
  if (id === current.lesson.id) return current.content;
  return loadLessonContent(id).then(
    (content: LessonContent): ContentResult => ({ ok: true, content }),
    (err: unknown): ContentResult => ({ ok: false, message: err instanceof Error ? err.message : String(err) }),
  );
}

/** Holds the lesson view; `render` draws the lesson part to show (the page's, or the one an opened trace chose). */
export function TraceImports({ base, render }: { base: LessonViewProps; render: (props: LessonViewProps) => ReactNode }) {
  const [opened, setOpened] = useState<Opened | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  const shown = opened?.props ?? base;
  const current = useRef(shown);
  current.current = shown;

  const openFile = useCallback((file: File) => {
    void (async () => {
      const lesson = current.current;
      // A file over the limit is refused by its size, before it is read.
      const bytes = file.size > 0 && file.size <= MAX_TRACE_BYTES ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array();
      const result = checkTraceFile(file.size, bytes, lesson.lesson);
      if (!result.ok) {
        setProblem(refusalText(file.name, result));
        return;
      }
      setProblem(null);
      setOpened((o) => ({
        serial: (o?.serial ?? 0) + 1,
        props: {
          ...lesson,
          lesson: result.lesson,
          part: result.part,
          scenario: result.scenario,
          content: contentFor(result.lesson.id, lesson),
          initialStep: 0,
          imported: { trace: result.trace, fileName: file.name },
        },
      }));
    })();
  }, []);

  // A file dropped anywhere on the lesson view opens as a trace.
  useEffect(() => {
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const over = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setDragging(true);
    };
    // Leaving the window (no element to go to) ends the hint; so does a drop.
    const leave = (e: DragEvent) => {
      if (e.relatedTarget === null) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      setDragging(false);
      const file = e.dataTransfer?.files[0];
      if (!file) return;
      e.preventDefault();
      openFile(file);
    };
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, [openFile]);

  const api = useMemo(() => ({ openFile }), [openFile]);
  return (
    <TraceImportContext value={api}>
      <Suspense fallback={<p className="panel-wait">Loading the lesson…</p>}>
        <Fragment key={opened?.serial ?? 0}>{render(shown)}</Fragment>
      </Suspense>
      {dragging && (
        <div className="import-drop-hint" aria-hidden="true">
          Drop a trace file (.jsonl) to play it here
        </div>
      )}
      {problem && (
        <div className="import-problem" role="alert" data-testid="import-problem">
          <p>{problem}</p>
          <button type="button" onClick={() => setProblem(null)}>
            Dismiss
          </button>
        </div>
      )}
    </TraceImportContext>
  );
}
