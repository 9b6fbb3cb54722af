// The figure for the room (presentLayout.ts), at one SVG unit per CSS pixel so its font sizes
// are the sizes on screen. It fills its box; with too many processes for the box at the
// smallest font, the box scrolls and the acting process is brought into view.

import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, type CSSProperties } from 'react';
import type { ModelSnapshot } from '../../model/types.ts';
import { roleColor } from '../roles.ts';
import { stepFactsSentence } from '../stepFacts.ts';
import { estimateText, layoutPresenterFigure, type MeasureText, type PresentText } from './presentLayout.ts';

function canvasMeasure(family: string): MeasureText {
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return estimateText;
  return (text, px, bold) => {
    ctx.font = `${bold ? 700 : 400} ${px}px ${family}`;
    return ctx.measureText(text).width;
  };
}

function useSize(ref: React.RefObject<HTMLElement | null>): { w: number; h: number } {
  const [size, setSize] = useState({ w: 0, h: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = () => setSize((s) => (s.w === el.clientWidth && s.h === el.clientHeight ? s : { w: el.clientWidth, h: el.clientHeight }));
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return size;
}

function Label({ t, font }: { t: PresentText; font: number }) {
  return (
    <text x={t.x} y={t.y} textAnchor={t.anchor ?? 'start'} className={t.bold ? 'pf-text bold' : 'pf-text'} style={{ fontSize: font }}>
      {t.text}
    </text>
  );
}

export interface PresenterFigureProps {
  snapshot: ModelSnapshot;
  /** The smallest and largest font the layout may use, in CSS pixels. */
  minFont: number;
  maxFont: number;
  actingRole: string | null;
}

export const PresenterFigure = memo(function PresenterFigure({ snapshot, minFont, maxFont, actingRole }: PresenterFigureProps) {
  const box = useRef<HTMLDivElement>(null);
  const size = useSize(box);
  // Text widths from the font the labels are drawn in (made once, when the box is there).
  const measure = useRef<MeasureText | null>(null);
  const layout = useMemo(() => {
    if (size.w <= 0 || !box.current) return null;
    measure.current ??= canvasMeasure(getComputedStyle(box.current).fontFamily);
    return layoutPresenterFigure(snapshot, { width: size.w, height: size.h, minFont, maxFont }, measure.current);
  }, [snapshot, size.w, size.h, minFont, maxFont]);
  useEffect(() => {
    const el = box.current;
    if (!el || !layout || layout.fits || !actingRole) return;
    const target = el.querySelector(`[data-role="${CSS.escape(actingRole)}"]`);
    if (!target) return;
    const r = target.getBoundingClientRect();
    const b = el.getBoundingClientRect();
    el.scrollTop += r.top + r.height / 2 - (b.top + b.height / 2);
    el.scrollLeft += r.left + r.width / 2 - (b.left + b.width / 2);
  }, [layout, actingRole]);
  return (
    <div
      ref={box}
      className={`present-figure${layout && !layout.fits ? ' scrolls' : ''}`}
      data-testid="present-figure"
      data-fits={layout ? String(layout.fits) : undefined}
      data-font={layout?.font}
      tabIndex={layout && !layout.fits ? 0 : undefined}
      role={layout && !layout.fits ? 'region' : undefined}
      aria-label={layout && !layout.fits ? 'Figure (scrolls)' : undefined}
    >
      {layout && (
        <svg width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} role="img" aria-label={stepFactsSentence(snapshot)}>
          <g className="pf-links">
            {layout.links.map((l) => (
              <path key={l.key} className={`pf-link ${l.kind}`} d={l.d} style={{ '--role': roleColor(l.role) } as CSSProperties} />
            ))}
          </g>
          {layout.boxes.map((b) => (
            <g
              key={b.key}
              className={`pf-box status-${b.status}`}
              data-testid="pf-box"
              data-role={b.role}
              transform={`translate(${b.x} ${b.y})`}
              style={{ '--role': roleColor(b.role) } as CSSProperties}
            >
              <rect className="pf-frame" width={b.w} height={b.h} rx={10} />
              {b.texts.map((t, i) => (
                <Label key={i} t={t} font={layout.font} />
              ))}
            </g>
          ))}
          {layout.slots.map((s) => (
            <g
              key={s.key}
              className={`pf-slot ${s.kind}${s.loose ? ' loose' : ''}`}
              data-testid="pf-box"
              data-endpoint={s.endpointId}
              transform={`translate(${s.x} ${s.y})`}
              style={{ '--role': roleColor(s.role) } as CSSProperties}
            >
              <rect className="pf-frame" width={s.w} height={s.h} rx={6} />
              {s.texts.map((t, i) => (
                <Label key={i} t={t} font={layout.font} />
              ))}
            </g>
          ))}
        </svg>
      )}
    </div>
  );
});
