// The figure in the manner of UNP Figures 4.14–4.17. Elements keep their keys from step to
// step, so moves and state changes animate with CSS transitions (off under reduced motion).

import { useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type CSSProperties, memo } from 'react';
import type { ModelSnapshot } from '../../model/types.ts';
import { roleColor } from '../roles.ts';
import { stepFactsSentence } from '../stepFacts.ts';
import { FIG, figureScale, layoutFigure, type FigureBox, type FigureLoose, type FigureSlot } from './figureLayout.ts';

const at = (x: number, y: number, role: string): CSSProperties =>
  ({ transform: `translate(${x}px, ${y}px)`, '--role': roleColor(role) }) as CSSProperties;

function Box({ b }: { b: FigureBox }) {
  return (
    <g className={`fig-box ${b.side} status-${b.status}`} style={at(b.x, b.y, b.role)} data-role={b.role} data-pid={b.pid}>
      <rect className="fig-box-frame" width={b.w} height={b.h} rx={12} />
      <rect className="fig-box-band" width={b.w} height={40} rx={12} />
      <text className="fig-role" x={14} y={30}>
        {b.role}
      </text>
      <text className="fig-pid" x={b.w - 14} y={30} textAnchor="end">
        pid {b.pid}
      </text>
      <text className="fig-status" x={FIG.statusInset} y={61}>
        {b.statusLines.map((line, i) => (
          <tspan key={i} x={FIG.statusInset} dy={i === 0 ? 0 : FIG.statusLineH}>
            {line}
          </tspan>
        ))}
      </text>
    </g>
  );
}

function Slot({ s }: { s: FigureSlot }) {
  return (
    <g className={`fig-slot ${s.kind} state-${s.state}`} style={at(s.x, s.y, s.role)} data-endpoint={s.endpointId}>
      <rect width={s.w} height={s.h} rx={8} />
      <text className="fig-slot-name" x={12} y={24}>
        {s.name}
      </text>
      <text className="fig-slot-fd" x={s.w - 12} y={24} textAnchor="end">
        fd {s.fd}
      </text>
      <text className="fig-slot-state" x={12} y={47}>
        {s.state}
      </text>
    </g>
  );
}

function Loose({ l }: { l: FigureLoose }) {
  return (
    <g className={`fig-loose ${l.kind} state-${l.state}`} style={at(l.x, l.y, l.role)} data-endpoint={l.endpointId}>
      <text className="fig-loose-caption" x={l.w / 2} y={-10} textAnchor="middle">
        {l.caption}
      </text>
      <rect width={l.w} height={l.h} rx={8} />
      <text className="fig-slot-name" x={12} y={24}>
        {l.kind === 'client' ? 'client socket' : 'connection'}
      </text>
      <text className="fig-slot-state" x={12} y={47}>
        {l.state}
      </text>
      {l.timer && (
        <text className="fig-timer" x={l.w / 2} y={l.h + 22} textAnchor="middle" data-testid="kernel-timer">
          {l.timer}, as the kernel reports
        </text>
      )}
    </g>
  );
}


/** The size of the element that holds `ref` (its scrolling panel body). */
function useBoxSize(ref: React.RefObject<Element | null>): { w: number; h: number } {
  const [size, setSize] = useState({ w: 0, h: 0 });
  useLayoutEffect(() => {
    const box = ref.current?.parentElement;
    if (!box) return;
    const measure = () => setSize((s) => (s.w === box.clientWidth && s.h === box.clientHeight ? s : { w: box.clientWidth, h: box.clientHeight }));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(box);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

export const FigurePanel = memo(function FigurePanel({ snapshot, focusRole }: { snapshot: ModelSnapshot; focusRole?: string | null }) {
  const layout = useMemo(() => layoutFigure(snapshot), [snapshot]);
  const svg = useRef<SVGSVGElement>(null);
  const box = useBoxSize(svg);
  // The text alternative: what the drawing states, in words (who holds which socket, counts, states).
  const facts = useMemo(() => stepFactsSentence(snapshot), [snapshot]);
  const id = useId();
  // Many processes: a readable size, scrolled in the panel, rather than everything too small to read.
  const scale = figureScale(box.w, box.h, layout.width, layout.height);
  const tall = box.h > 0 && layout.height * scale > box.h + 1;
  // In a scrolling figure, bring the process that acts in this step to the middle.
  useEffect(() => {
    const el = svg.current;
    const body = el?.parentElement;
    const target = focusRole ? el?.querySelector(`[data-role="${CSS.escape(focusRole)}"]`) : null;
    if (!tall || !body || !target) return;
    const r = target.getBoundingClientRect();
    const b = body.getBoundingClientRect();
    body.scrollTop += r.top + r.height / 2 - (b.top + b.height / 2);
  }, [tall, focusRole, snapshot.step]);
  return (
    <svg
      ref={svg}
      className={`figure${tall ? ' tall' : ''}`}
      data-testid="figure"
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      preserveAspectRatio="xMidYMin meet"
      style={tall ? { width: layout.width * scale, height: layout.height * scale } : undefined}
      role="img"
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-desc`}
    >
      <title id={`${id}-title`}>{`Processes and sockets at step ${snapshot.step + 1}`}</title>
      <desc id={`${id}-desc`} data-testid="figure-facts">
        {facts}
      </desc>
      <defs>
        <marker id="fig-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M 0 0 L 10 5 L 0 10 z" fill="currentColor" />
        </marker>
      </defs>
      <g className="fig-links">
        {layout.links.map((l) => (
          <g key={l.key} className={`fig-link ${l.kind}`} style={{ '--role': roleColor(l.role) } as CSSProperties}>
            <path d={l.d} style={{ d: `path("${l.d}")` } as CSSProperties} />
            {l.kind === 'fork' && <title>fork</title>}
            {l.label && l.labelAt && (
              <text className="fig-link-label" x={l.labelAt.x} y={l.labelAt.y} textAnchor="start">
                {l.label}
              </text>
            )}
          </g>
        ))}
      </g>
      {layout.boxes.map((b) => (
        <Box key={b.key} b={b} />
      ))}
      {layout.slots.map((s) => (
        <Slot key={s.key} s={s} />
      ))}
      {layout.loose.map((l) => (
        <Loose key={l.key} l={l} />
      ))}
    </svg>
  );
});
