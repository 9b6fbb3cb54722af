import { memo } from 'react';
// The process table: pid, ppid, role and what each process is doing at this step as the model
// reads the events, with the kernel's own answer beside it when the step has a kernel snapshot:
// the system call it sleeps in (/proc/PID/syscall) under the model's, and its /proc state.

import type { CSSProperties } from 'react';
import type { ModelSnapshot } from '../../model/types.ts';
import { roleColor, roleOrder } from '../roles.ts';
import { Panel } from './Panel.tsx';
import { kernelCallLine, kernelStateText, processStatusHint, processStatusShort, processStatusText } from './processText.ts';

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
            const kernelSays = kernelCallLine(k);
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
                  {kernelSays && (
                    <span className="kernel-call" data-testid="kernel-call" title={k?.wchan ? `asleep in the kernel function ${k.wchan}` : undefined}>
                      {kernelSays}
                    </span>
                  )}
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
