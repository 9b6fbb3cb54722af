import { memo } from 'react';
// The process table: pid, ppid, role and what each process is doing at this step, with the
// kernel's own /proc state beside it when the step has a kernel snapshot.

import type { CSSProperties } from 'react';
import type { ModelSnapshot } from '../../model/types.ts';
import { roleColor, roleOrder } from '../roles.ts';
import { Panel } from './Panel.tsx';
import { kernelStateText, processStatusHint, processStatusShort, processStatusText } from './processText.ts';

export default memo(function Processes({ snapshot }: { snapshot: ModelSnapshot | null }) {
  const procs = snapshot ? [...snapshot.processes].sort((a, b) => roleOrder(a.role) - roleOrder(b.role) || a.pid - b.pid) : [];
  const kernel = new Map((snapshot?.kernel?.processes ?? []).map((p) => [p.pid, p]));
  return (
    <Panel title="Processes" area="proc" testId="processes">
      <table className="proc-table">
        <colgroup>
          <col className="c-pid" />
          <col className="c-pid" />
          <col className="c-role" />
          <col />
          <col className="c-k" />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">pid</th>
            <th scope="col">ppid</th>
            <th scope="col">role</th>
            <th scope="col">state</th>
            <th scope="col" className="kstate" title="the kernel’s one-letter state, from /proc/PID/stat">
              /proc
            </th>
          </tr>
        </thead>
        <tbody>
          {procs.map((p) => {
            const k = kernel.get(p.pid);
            return (
              <tr
                key={p.pid}
                data-testid="process-row"
                data-role={p.role}
                data-status={p.status}
                className={`status-${p.status}`}
                style={{ '--role': roleColor(p.role) } as CSSProperties}
              >
                <td className="num">{p.pid}</td>
                <td className="num">{p.ppid}</td>
                <td className="role">
                  <span className="role-dot" aria-hidden="true" />
                  {p.role}
                </td>
                <td className="pstate" title={`${processStatusText(p)}: ${processStatusHint(p.status)}`}>
                  {processStatusShort(p)}
                </td>
                <td className={`kstate${k?.state === 'Z' ? ' kz' : ''}`} title={k ? kernelStateText(k.state) : undefined}>
                  {k ? k.state : p.status === 'exited' ? 'gone' : '–'}
                </td>
              </tr>
            );
          })}
          {procs.length === 0 && (
            <tr>
              <td colSpan={5} className="empty">
                No processes yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </Panel>
  );
});
