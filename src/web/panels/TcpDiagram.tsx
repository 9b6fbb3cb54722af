// The TCP state transition diagram with each endpoint's state as a chip, the states it went
// through during this step outlined and labelled "modelled", and the arrows it took drawn bold.
// By default the view zooms to this step's part of the diagram; "Whole diagram" shows it all.

import './tcpLegend.css';
import { type CSSProperties, memo, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { ModelSnapshot } from '../../model/types.ts';
import { roleColor } from '../roles.ts';
import { Panel } from './Panel.tsx';
import { EDGES, STATE_NODES, TCP_DIAGRAM, type StateNode } from './tcpLayout.ts';
import { fitFocus, focusBox, tcpMarks, type Chip } from './tcpMarks.ts';

/** Zoomed in, the diagram is drawn at most this many pixels per unit (its labels are 17–22 units). */
const MAX_ZOOM = 0.8;

function useSize(ref: React.RefObject<Element | null>): { w: number; h: number } {
  const [size, setSize] = useState({ w: 0, h: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      const r = el.getBoundingClientRect();
      setSize((s) => (s.w === r.width && s.h === r.height ? s : { w: r.width, h: r.height }));
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

const CHIP_H = 30;

function chipWidth(label: string): number {
  return Math.max(70, label.length * 11 + 22);
}

function Chips({ node, chips }: { node: StateNode; chips: Chip[] }) {
  // One row above the box, centred; more rows above if needed.
  const rows: Chip[][] = [];
  let row: Chip[] = [];
  let width = 0;
  for (const c of chips) {
    const w = chipWidth(c.label) + 6;
    if (row.length > 0 && width + w > 300) {
      rows.push(row);
      row = [];
      width = 0;
    }
    row.push(c);
    width += w;
  }
  if (row.length) rows.push(row);
  return (
    <>
      {rows.map((r, ri) => {
        const total = r.reduce((s, c) => s + chipWidth(c.label) + 6, -6);
        let x = node.cx - total / 2;
        const y = node.cy - node.h / 2 - CHIP_H + 6 - ri * (CHIP_H + 4);
        return r.map((c) => {
          const w = chipWidth(c.label);
          const g = (
            <g
              key={c.endpointId}
              className="tcp-chip"
              style={{ transform: `translate(${x}px, ${y}px)`, '--role': roleColor(c.role) } as CSSProperties}
              data-endpoint={c.endpointId}
              data-state={node.state}
            >
              <rect width={w} height={CHIP_H} rx={CHIP_H / 2} />
              <text x={w / 2} y={21} textAnchor="middle">
                {c.label}
              </text>
            </g>
          );
          x += w + 6;
          return g;
        });
      })}
    </>
  );
}

export default memo(function TcpDiagram({ snapshot, before }: { snapshot: ModelSnapshot | null; before: ModelSnapshot | null }) {
  const [whole, setWhole] = useState(false);
  const marks = useMemo(() => (snapshot ? tcpMarks(snapshot, before) : null), [snapshot, before]);
  const svg = useRef<SVGSVGElement>(null);
  const size = useSize(svg);
  const focus = !whole && marks ? focusBox(marks) : null;
  const vb = focus ? fitFocus(focus, size.w, size.h, MAX_ZOOM) : { x: 0, y: 0, w: TCP_DIAGRAM.width, h: TCP_DIAGRAM.height };
  const chipsByNode = new Map<string, Chip[]>();
  for (const c of marks?.chips ?? []) chipsByNode.set(c.node, [...(chipsByNode.get(c.node) ?? []), c]);

  const toggle = (
    <button type="button" className="panel-toggle" aria-pressed={whole} onClick={() => setWhole((w) => !w)}>
      {whole ? 'Zoom in' : 'Show all'}
    </button>
  );

  return (
    <Panel title="TCP state diagram" area="tcp" extra={toggle}>
      <svg
        ref={svg}
        className="tcp-diagram"
        data-testid="tcp-diagram"
        viewBox={`${vb.x} ${vb.y} ${vb.w} ${vb.h}`}
        preserveAspectRatio="xMidYMid meet"
        role="group"
        aria-label="TCP state transition diagram (RFC 9293)"
      >
        <defs>
          <marker id="tcp-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke" />
          </marker>
        </defs>
        {EDGES.map((e) => {
          const role = marks?.edges.get(e.id);
          const style = role ? ({ '--role': roleColor(role) } as CSSProperties) : undefined;
          return (
            <g key={e.id} className={`tcp-edge${role ? ' taken' : ''}`} style={style} data-edge={e.id}>
              <path d={e.d} markerEnd="url(#tcp-arrow)" />
              <text x={e.label.x} y={e.label.y} textAnchor={e.label.anchor}>
                <tspan className="tcp-edge-event">{e.event}</tspan>
                {e.action && (
                  <tspan className="tcp-edge-action" x={e.label.x} dy="1.1em">
                    {e.action}
                  </tspan>
                )}
              </text>
            </g>
          );
        })}
        {STATE_NODES.map((n) => {
          const passed = marks?.passed.get(n.id);
          const here = chipsByNode.get(n.id);
          const style = passed?.[0] ? ({ '--role': roleColor(passed[0].role) } as CSSProperties) : undefined;
          return (
            <g
              key={n.id}
              className={`tcp-state${here ? ' current' : ''}${passed ? ' passed' : ''}${n.id === 'CLOSED_END' ? ' alias' : ''}`}
              style={style}
              data-state={n.state}
            >
              <rect x={n.cx - n.w / 2} y={n.cy - n.h / 2} width={n.w} height={n.h} rx={8} />
              <text x={n.cx} y={passed ? n.cy + 1 : n.cy + 8} textAnchor="middle" className="tcp-state-name">
                {n.label}
              </text>
              {passed && (
                <text x={n.cx} y={n.cy + 20} textAnchor="middle" className="tcp-modelled">
                  modelled
                </text>
              )}
            </g>
          );
        })}
        {STATE_NODES.map((n) => {
          const chips = chipsByNode.get(n.id);
          return chips ? <Chips key={n.id} node={n} chips={chips} /> : null;
        })}
      </svg>
      <div className="tcp-legend" data-testid="tcp-legend">
        <span className="legend-now">chip</span> a socket’s state now · <span className="legend-passed">dashed</span> a state passed
        through during this step{' '}
        <details className="legend-more">
          <summary>(what is “modelled”?)</summary>
          Some states last less than one round trip on loopback, too briefly for the kernel to show between two steps: forkscope’s
          model of TCP fills them in, and marks them “modelled”.
        </details>
      </div>
    </Panel>
  );
});
