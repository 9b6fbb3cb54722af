// Each process's descriptor table, the system-wide open-file table with reference counts, and
// an arrow from every descriptor to the open file it names (drawn over both, from measured positions).

import { type CSSProperties, memo, useEffect, useRef, useState } from 'react';
import { afterPaint } from '../afterPaint.ts';
import type { ModelSnapshot } from '../../model/types.ts';
import { roleColor, roleOrder } from '../roles.ts';
import { descriptorName, endpointLabel, endpointOrdinals, endpointRole, isGone, timeWaitTimer } from '../snapshotView.ts';
import { Panel } from './Panel.tsx';

interface Arrow {
  key: string;
  d: string;
  role: string;
}

function useArrows(wrap: React.RefObject<HTMLDivElement | null>, deps: unknown[]): Arrow[] {
  const [arrows, setArrows] = useState<Arrow[]>([]);
  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const measure = () => {
      const base = el.getBoundingClientRect();
      // Client rects are in screen pixels; the arrows are drawn in the wrapper's own CSS pixels,
      // which differ when an enlarged panel zooms its text (CSS zoom).
      const k = el.offsetWidth > 0 ? base.width / el.offsetWidth || 1 : 1;
      const out: Arrow[] = [];
      for (const fd of el.querySelectorAll<HTMLElement>('[data-fd-file]')) {
        const target = el.querySelector<HTMLElement>(`[data-file-id="${CSS.escape(fd.dataset.fdFile ?? '')}"]`);
        if (!target) continue;
        const a = fd.getBoundingClientRect();
        const b = target.getBoundingClientRect();
        const x1 = (a.right - base.left) / k + 4;
        const y1 = (a.top + a.height / 2 - base.top) / k;
        const x2 = (b.left - base.left) / k - 2;
        const y2 = (b.top + Math.min(b.height / 2, 24 * k) - base.top) / k;
        const dx = Math.max(24, (x2 - x1) / 2);
        out.push({ key: fd.dataset.fdKey ?? '', role: fd.dataset.role ?? '', d: `M ${x1} ${y1} C ${x1 + dx} ${y1}, ${x2 - dx} ${y2}, ${x2} ${y2}` });
      }
      setArrows(out);
    };
    const cancel = afterPaint(measure);
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => {
      cancel();
      ro.disconnect();
    };
  }, deps);
  return arrows;
}

export default memo(function Descriptors({ snapshot }: { snapshot: ModelSnapshot | null }) {
  const wrap = useRef<HTMLDivElement>(null);
  const arrows = useArrows(wrap, [snapshot]);
  if (!snapshot) {
    return (
      <Panel title="Descriptors and open files" area="desc" testId="descriptors">
        <p className="panel-wait">Loading…</p>
      </Panel>
    );
  }
  const ordinals = endpointOrdinals(snapshot.endpoints);
  const many = snapshot.endpoints.filter((e) => e.kind === 'listener').length > 1;
  const epById = new Map(snapshot.endpoints.map((e) => [e.id, e]));
  const fileById = new Map(snapshot.openFiles.map((f) => [f.id, f]));
  const procs = [...snapshot.processes]
    .filter((p) => p.status !== 'exited' || p.fds.length > 0)
    .sort((a, b) => roleOrder(a.role) - roleOrder(b.role) || a.pid - b.pid);
  const unheld = snapshot.endpoints.filter((e) => (e.fileId === null || !fileById.has(e.fileId)) && !isGone(e));

  return (
    <Panel title="Descriptors and open files" area="desc" testId="descriptors">
      <div className="desc-wrap" ref={wrap}>
        <div className="desc-procs">
          <h3 className="desc-h">descriptor tables</h3>
          {procs.map((p) => (
            <div key={p.pid} className="desc-proc" style={{ '--role': roleColor(p.role) } as CSSProperties} data-role={p.role}>
              <div className="desc-proc-name">
                {p.role} <span className="muted">pid {p.pid}</span>
              </div>
              {p.fds.length === 0 ? (
                <div className="muted desc-none">{p.status === 'zombie' ? 'none (a zombie holds no files)' : 'no sockets'}</div>
              ) : (
                <ul className="fd-list">
                  {p.fds.map(({ fd, fileId }) => {
                    const file = fileById.get(fileId);
                    const ep = file ? epById.get(file.endpointId) : undefined;
                    return (
                      <li key={fd} className="fd-row" data-fd-key={`${p.pid}:${fd}`} data-fd-file={fileId} data-role={p.role}>
                        <span className="fd-num">fd {fd}</span>
                        <span className="fd-var">{ep ? descriptorName(ep.kind) : ''}</span>
                        <span className="sr-only"> → {ep ? endpointLabel(ep, ordinals.get(ep.id) ?? 1, many) : fileId}</span>
                      </li>
                    );
                  })}
                </ul>
              )}
            </div>
          ))}
        </div>
        <div className="desc-files">
          <h3 className="desc-h">open-file table</h3>
          {snapshot.openFiles.length === 0 && <div className="muted">empty</div>}
          {snapshot.openFiles.map((f) => {
            const ep = epById.get(f.endpointId);
            const kind = ep?.kind ?? 'listener';
            const role = ep ? endpointRole(snapshot, ep, ordinals.get(ep.id) ?? 1) : 'parent';
            return (
              <div
                key={f.id}
                className={`open-file${f.refCount > 1 ? ' shared' : ''}`}
                data-testid="open-file"
                data-kind={kind}
                data-file-id={f.id}
                style={{ '--role': roleColor(role) } as CSSProperties}
              >
                <div className="of-top">
                  <span className="of-name">{ep ? endpointLabel(ep, ordinals.get(ep.id) ?? 1, many) : f.id}</span>
                  <span className="of-count" title="reference count: how many descriptors name this open file">
                    <span className="of-count-label">refcount</span>
                    <span data-testid="ref-count" className="of-count-num">
                      {f.refCount}
                    </span>
                  </span>
                </div>
                {ep && (
                  <div className="of-detail">
                    <b>{ep.state}</b> {ep.local ?? ''}
                    {ep.remote ? ` ↔ ${ep.remote}` : ''}
                  </div>
                )}
              </div>
            );
          })}
          {unheld.length > 0 && (
            <div className="unheld">
              <h3 className="desc-h">sockets held by no descriptor</h3>
              {unheld.map((ep) => {
                const timer = timeWaitTimer(snapshot, ep);
                return (
                  <div key={ep.id} className="unheld-ep">
                    {endpointLabel(ep, ordinals.get(ep.id) ?? 1, many)}: <b>{ep.state}</b>
                    {ep.queuedOn ? ' — in the accept queue' : ''}
                    {timer && (
                      <span className="unheld-timer" data-testid="kernel-timer">
                        {' '}
                        — {timer}, as the kernel reports
                      </span>
                    )}
                  </div>
                );
              })}
            </div>
          )}
        </div>
        <svg className="desc-arrows" aria-hidden="true">
          {arrows.map((a) => (
            <path key={a.key} d={a.d} style={{ '--role': roleColor(a.role) } as CSSProperties} markerEnd="url(#desc-arrow)" />
          ))}
          <defs>
            <marker id="desc-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto">
              <path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke" />
            </marker>
          </defs>
        </svg>
      </div>
    </Panel>
  );
});
