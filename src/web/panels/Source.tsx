// The C programs, with each process's current line marked by an arrow in its role's colour,
// as Python Tutor does. The file of the process that acts in this step is shown and scrolled to.
// The lessons show the lab's server.c and client.c; the sandbox passes its plan as plan.c.

import { type CSSProperties, memo, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import clientSource from '../../lab/client.c?raw';
import serverSource from '../../lab/server.c?raw';
import type { ModelSnapshot } from '../../model/types.ts';
import { roleColor, roleKind } from '../roles.ts';
import { highlightC } from './cHighlight.ts';
import { afterPaint } from '../afterPaint.ts';
import { Panel, tabKeyTarget } from './Panel.tsx';
import { processStatusText } from './processText.ts';
import { sourceMarks, type SourceMark } from './sourceMarks.ts';

export interface SourceFile {
  /** Base name, as call events give it (server.c, plan.c). */
  name: string;
  text: string;
}

/** The lab's programs, which the lessons run. */
export const LAB_FILES: readonly SourceFile[] = [
  { name: 'server.c', text: serverSource },
  { name: 'client.c', text: clientSource },
];

type FileName = string;

function fileOfRole(role: string | null, files: readonly SourceFile[]): FileName | null {
  if (!role) return null;
  if (files.length === 1) return files[0]!.name;
  return roleKind(role) === 'client' ? 'client.c' : 'server.c';
}

function Listing({ name, text, marks, active }: { name: FileName; text: string; marks: SourceMark[]; active: string | null }) {
  const lines = useMemo(() => highlightC(text), [text]);
  const byLine = new Map<number, SourceMark[]>();
  for (const m of marks) byLine.set(m.line, [...(byLine.get(m.line) ?? []), m]);
  return (
    <ol className="code" aria-label={name}>
      {lines.map((toks, i) => {
        const n = i + 1;
        const here = byLine.get(n);
        const lead = here?.find((m) => m.role === active) ?? here?.[0];
        return (
          <li
            key={n}
            className={`code-line${here ? ' marked' : ''}`}
            data-line={n}
            style={lead ? ({ '--role': roleColor(lead.role) } as CSSProperties) : undefined}
          >
            <span className="gutter">
              {here?.map((m) => (
                <span
                  key={m.pid}
                  className="src-arrow"
                  data-testid="source-marker"
                  data-role={m.role}
                  style={{ '--role': roleColor(m.role) } as CSSProperties}
                  title={`${m.role} (pid ${m.pid}): ${m.text}`}
                >
                  ➜
                </span>
              ))}
            </span>
            <span className="ln">{n}</span>
            <code>
              {toks.map((t, j) =>
                t.kind === 'text' ? (
                  t.text
                ) : (
                  <span key={j} className={`tok-${t.kind}`}>
                    {t.text}
                  </span>
                ),
              )}
            </code>
            {here && (
              <span className="src-who">
                {here.map((m) => (
                  <span key={m.pid} style={{ '--role': roleColor(m.role) } as CSSProperties}>
                    {m.role}
                  </span>
                ))}
              </span>
            )}
          </li>
        );
      })}
    </ol>
  );
}

export interface SourceProps {
  snapshot: ModelSnapshot | null;
  actingRole: string | null;
  switcher?: ReactNode;
  /** The files to show (the lab's programs unless told). */
  files?: readonly SourceFile[];
}

export default memo(function Source({ snapshot, actingRole, switcher, files: given }: SourceProps) {
  const FILES = given ?? LAB_FILES;
  const marks = useMemo(() => (snapshot ? sourceMarks(snapshot, processStatusText) : []), [snapshot]);
  // The acting process's file; if that process has gone (exited), a file where someone still stands.
  const acting = fileOfRole(actingRole, FILES);
  const auto: FileName = acting && marks.some((m) => m.file === acting) ? acting : (FILES.find((f) => marks.some((m) => m.file === f.name))?.name ?? acting ?? FILES[0]!.name);
  const [chosen, setChosen] = useState<{ file: FileName; forStep: number | null } | null>(null);
  const step = snapshot?.step ?? null;
  const file = chosen && chosen.forStep === step ? chosen.file : auto;
  const body = useRef<HTMLDivElement>(null);

  // Scroll the acting process's line (or the first mark) into the middle of the listing.
  useEffect(() => {
    const el = body.current?.closest('.panel-body');
    const list = body.current;
    if (!el || !list) return;
    const mine = marks.filter((m) => m.file === file);
    const target = mine.find((m) => m.role === actingRole) ?? mine[0];
    if (!target) return;
    const line = list.querySelector<HTMLElement>(`[data-file="${file}"] [data-line="${target.line}"]`);
    if (!line) return;
    return afterPaint(() => {
      const top = line.offsetTop - el.clientHeight / 2 + line.offsetHeight / 2;
      const reduce = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
      el.scrollTo({ top: Math.max(0, top), behavior: reduce ? 'auto' : 'smooth' });
    });
  }, [marks, file, actingRole, FILES]);

  const tabs = (
    <div
      className="src-tabs"
      role="tablist"
      aria-label="Source file"
      onKeyDown={(e) => {
        // The WAI-ARIA tabs pattern: arrows (Home, End) choose a file, focus follows.
        if (e.altKey || e.ctrlKey || e.metaKey) return;
        const to = tabKeyTarget(e.key, FILES.findIndex((f) => f.name === file), FILES.length);
        if (to === null) return;
        e.preventDefault();
        setChosen({ file: FILES[to]!.name, forStep: step });
        e.currentTarget.querySelectorAll<HTMLElement>('[role="tab"]')[to]?.focus();
      }}
    >
      {FILES.map((f) => {
        const count = marks.filter((m) => m.file === f.name).length;
        return (
          <button
            key={f.name}
            type="button"
            role="tab"
            aria-selected={file === f.name}
            aria-controls={`src-file-${f.name.replace(/\W/g, '-')}`}
            tabIndex={file === f.name ? 0 : -1}
            className={file === f.name ? 'on' : ''}
            onClick={() => setChosen({ file: f.name, forStep: step })}
          >
            {f.name}
            {count > 0 && <span className="sr-only">{`, ${count} marked`}</span>}
          </button>
        );
      })}
    </div>
  );

  return (
    <Panel title="Source" area="src" testId="source" extra={tabs} switcher={switcher} quietTitle>
      <div ref={body} className="src-body">
        {FILES.map((f) => (
          <div key={f.name} id={`src-file-${f.name.replace(/\W/g, '-')}`} data-file={f.name} hidden={f.name !== file} role="tabpanel" aria-label={f.name}>
            <Listing name={f.name} text={f.text} marks={marks.filter((m) => m.file === f.name)} active={actingRole} />
          </div>
        ))}
      </div>
    </Panel>
  );
});
