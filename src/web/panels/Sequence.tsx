// The packet sequence diagram: the segments each step sent, between the client's end (left) and
// the server's end (right) of one connection, in the role colours of the TCP state diagram, this
// step's segments highlighted. When the trace has packets captured on lo, the arrows are those
// packets (a packet the model did not predict, or a segment it predicted that was not captured,
// is marked); otherwise they are the model's segments, and the legend says how to capture.

import { type CSSProperties, memo, type ReactNode, useEffect, useMemo, useRef, useState } from 'react';
import type { Replay } from '../../model/index.ts';
import type { ModelSnapshot } from '../../model/types.ts';
import type { CaptureStatus } from '../../trace/types.ts';
import { roleColor } from '../roles.ts';
import { Panel } from './Panel.tsx';
import {
  buildRegistry,
  connectionLabel,
  connectionsOf,
  defaultConnection,
  layoutSequence,
  SEQ,
  sideHeading,
  type SeqArrow,
  type SeqLayout,
} from './sequenceLayout.ts';
import { capturedRows, modelledRows, sourceLegend } from './sequencePackets.ts';

export interface SequenceProps {
  replay: Replay | null;
  revision: number;
  snapshot: ModelSnapshot | null;
  stepTitle: (step: number) => string;
  switcher?: ReactNode;
}

const colour = (role: string) => ({ '--role': roleColor(role) }) as CSSProperties;

export default memo(function Sequence({ replay, revision, snapshot, stepTitle, switcher }: SequenceProps) {
  const current = snapshot?.step ?? -1;
  const capture: CaptureStatus | undefined = replay?.trace.header.capture;
  const packets = useMemo(() => (replay && capture?.packets && current >= 0 ? replay.packetsAt(current) : null), [replay, revision, capture, current]);
  const registry = useMemo(() => {
    if (!replay || !snapshot) return null;
    const sent = [...snapshot.segments.map((s) => s.step), ...(packets?.packets.map((p) => p.step) ?? [])];
    const steps = [...new Set(sent)].filter((s) => s < current).sort((a, b) => a - b);
    return buildRegistry([...steps.map((s) => replay.atStep(s)), snapshot]);
  }, [replay, revision, snapshot, current, packets]);
  const conns = useMemo(() => {
    if (!registry || !snapshot) return [];
    return connectionsOf(packets ? capturedRows(packets, snapshot.segments, registry) : modelledRows(snapshot.segments), registry);
  }, [registry, snapshot, packets]);
  const legend = sourceLegend(capture);
  const [pinned, setPinned] = useState<string | null>(null);
  const conn = conns.find((c) => c.key === pinned) ?? defaultConnection(conns, current);
  const layout = conn && registry ? layoutSequence(conn, registry, current, stepTitle) : null;
  const body = useRef<HTMLDivElement>(null);

  // Keep this step's segments in view (scrolling the panel only, never the page).
  useEffect(() => {
    const el = body.current?.querySelector<SVGGElement>('g[data-current="true"]');
    const scroller = body.current?.closest<HTMLElement>('.panel-body');
    if (!el || !scroller) return;
    const r = el.getBoundingClientRect();
    const b = scroller.getBoundingClientRect();
    // Rects are screen pixels, scrollTop the panel's own: they differ when an enlarged panel zooms.
    const k = scroller.offsetHeight > 0 ? b.height / scroller.offsetHeight || 1 : 1;
    const heads = 48 * k;
    if (r.bottom > b.bottom) scroller.scrollTop += Math.min(r.bottom - b.bottom + 8 * k, r.top - b.top - heads) / k;
    else if (r.top < b.top + heads) scroller.scrollTop -= (b.top + heads - r.top) / k;
  }, [current, conn?.key]);

  const picker =
    conns.length > 1 && registry ? (
      <div className="seq-pick" role="group" aria-label="Connection to show">
        {conns.map((c, i) => {
          const label = connectionLabel(c, registry);
          const on = c.key === conn?.key;
          return (
            <button
              key={c.key}
              type="button"
              aria-pressed={on}
              className={on ? 'on' : undefined}
              style={colour(sideHeading(c.left, registry).role)}
              title={label}
              aria-label={`Connection ${i + 1}: ${label}`}
              onClick={() => setPinned(c.key)}
            >
              {i + 1}
            </button>
          );
        })}
      </div>
    ) : null;

  return (
    <Panel title="Packets (sequence diagram)" area="fig" testId="sequence" switcher={switcher} extra={picker}>
      <div ref={body} className="seq-body">
        {conn && registry && layout ? (
          <div className="seq-frame">
            <div className="seq-heads" aria-hidden="true">
              <SideHead at={SEQ.leftX} {...sideHeading(conn.left, registry)} />
              <SideHead at={SEQ.rightX} {...sideHeading(conn.right, registry)} />
            </div>
            <SequenceSvg layout={layout} label={connectionLabel(conn, registry)} />
          </div>
        ) : (
          <p className="panel-wait">No segments yet. The first is the client’s SYN, sent when it calls connect().</p>
        )}
        <p className="seq-legend" data-testid="packet-source" data-source={legend.source}>
          <b>{legend.title}:</b> {legend.text}
        </p>
      </div>
    </Panel>
  );
});

/** What follows an arrow's numbers: how it is known. */
const MARK_TEXT: Record<SeqArrow['mark'], string> = {
  modelled: 'modelled',
  captured: '',
  unpredicted: 'not in the model',
  uncaptured: 'modelled, not captured',
};

function Arrow({ arrow: a, mid }: { arrow: SeqArrow; mid: number }) {
  const note = [a.time, MARK_TEXT[a.mark], a.dropped ? 'dropped at the receiver' : ''].filter(Boolean).join(' · ');
  const unmatched = a.mark === 'unpredicted' || a.mark === 'uncaptured';
  return (
    <g
      className={`seq-arrow${a.current ? ' current' : ''}${a.rst ? ' rst' : ''}${a.dropped ? ' dropped' : ''} mark-${a.mark}`}
      style={colour(a.role)}
      data-testid="segment"
      data-name={a.name}
      data-mark={a.mark}
      data-dropped={a.dropped ? 'true' : undefined}
      data-current={a.current ? 'true' : undefined}
    >
      <title>{`${a.name}, ${a.numbers}${a.window !== null ? `, window ${a.window}` : ''}: ${a.mark === 'captured' ? 'captured on lo' : MARK_TEXT[a.mark]}`}</title>
      <line x1={a.x1} y1={a.y1} x2={a.x2} y2={a.y2} markerEnd="url(#seq-arrow)" />
      <text x={mid} y={a.y1 - 26} textAnchor="middle" className="seq-name">
        {a.name}
        {a.data && <tspan className="seq-data">{`  “${a.data}”`}</tspan>}
      </text>
      <text x={mid} y={a.y1 - 7} textAnchor="middle" className="seq-num">
        {a.numbers} {note && <tspan className={unmatched ? 'seq-unmatched' : 'seq-modelled'}>· {note}</tspan>}
      </text>
    </g>
  );
}

function SideHead({ at, role, address }: { at: number; role: string; address: string | null }) {
  return (
    <span className="seq-side" style={{ left: `${(100 * at) / SEQ.width}%`, ...colour(role) }}>
      <b>{role}</b>
      {address && <span className="seq-addr">{address}</span>}
    </span>
  );
}

function SequenceSvg({ layout, label }: { layout: SeqLayout; label: string }) {
  const mid = (SEQ.leftX + SEQ.rightX) / 2;
  return (
    <svg
      className="sequence"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      role="img"
      aria-label={`Segments of the connection ${label}, ${layout.arrows.length} so far`}
    >
      <defs>
        <marker id="seq-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke" />
        </marker>
      </defs>
      {layout.groups.map((g) => (
        <g key={g.step} className={`seq-group${g.current ? ' current' : ''}`} data-current={g.current ? 'true' : undefined} data-step={g.step}>
          <rect x={0} y={g.y} width={layout.width} height={g.h} />
          <text x={8} y={g.y + 21} className="seq-step">
            Step {g.step + 1} · {g.title}
          </text>
        </g>
      ))}
      <line className="seq-col" x1={SEQ.leftX} x2={SEQ.leftX} y1={0} y2={layout.height} style={colour(layout.leftRole)} />
      <line className="seq-col" x1={SEQ.rightX} x2={SEQ.rightX} y1={0} y2={layout.height} style={colour(layout.rightRole)} />
      {layout.arrows.map((a) => (
        <Arrow key={a.key} arrow={a} mid={mid} />
      ))}
      {layout.states.map((t) => (
        <g key={t.key} className="seq-state" style={colour(t.role)} transform={`translate(${t.x}, ${t.y})`}>
          <rect x={-82} y={0} width={164} height={26} rx={13} />
          <text x={0} y={18} textAnchor="middle">
            {t.state}
          </text>
          {t.via.length > 0 && (
            <text x={0} y={42} textAnchor="middle" className="seq-via">
              via {t.via.join(', ')}
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}
