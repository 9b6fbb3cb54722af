// A step's facts in words: which process holds which socket through which descriptor, each
// open file's reference count, each socket's TCP state. One home for the figure's text
// alternative, the screen reader, presenter mode's facts and "copy the step's facts".
// Pure: a snapshot in, sentences out.

import type { ModelEndpoint, ModelSnapshot } from '../model/types.ts';
import { processStatusText } from './panels/processText.ts';
import { descriptorName, endpointLabel, endpointOrdinals, fileOf, isGone, processByPid } from './snapshotView.ts';

export interface StepFacts {
  /** "parent (pid 4100): blocked in accept(); holds listenfd (fd 3)." one per process. */
  processes: string[];
  /** "listening socket: LISTEN, reference count 1 (parent fd 3)." one per socket still there. */
  sockets: string[];
}

function socketName(ep: ModelEndpoint, ordinals: Map<string, number>, listeners: number): string {
  return endpointLabel(ep, ordinals.get(ep.id) ?? 1, listeners > 1);
}

export function stepFacts(snapshot: ModelSnapshot): StepFacts {
  const ordinals = endpointOrdinals(snapshot.endpoints);
  const listeners = snapshot.endpoints.filter((e) => e.kind === 'listener').length;
  const byFile = new Map(snapshot.openFiles.map((f) => [f.id, f]));
  const endpointOfFile = new Map(snapshot.endpoints.filter((e) => e.fileId).map((e) => [e.fileId!, e]));
  const procs = processByPid(snapshot);

  const processes = snapshot.processes.map((p) => {
    const head = `${p.role} (pid ${p.pid}): ${processStatusText(p)}`;
    if (p.status === 'zombie' || p.status === 'exited') return `${head}.`;
    const held = p.fds
      .map(({ fd, fileId }) => {
        const ep = endpointOfFile.get(fileId);
        return ep ? `${descriptorName(ep.kind)} (fd ${fd}) for the ${socketName(ep, ordinals, listeners)}` : null;
      })
      .filter((s): s is string => s !== null);
    return `${head}; ${held.length === 0 ? 'holds no socket' : `holds ${held.join(', ')}`}.`;
  });

  const sockets = snapshot.endpoints
    .filter((ep) => !isGone(ep))
    .map((ep) => {
      const name = socketName(ep, ordinals, listeners);
      const file = fileOf(snapshot, ep) ?? (ep.fileId ? byFile.get(ep.fileId) : undefined);
      if (ep.queuedOn) return `${name}: ${ep.state}, in the accept queue, held by no descriptor yet.`;
      if (!file || file.refCount === 0) return `${name}: ${ep.state}, held by no descriptor (the kernel keeps it).`;
      const holders = file.holders.map((h) => `${procs.get(h.pid)?.role ?? `pid ${h.pid}`} fd ${h.fd}`).join(', ');
      return `${name}: ${ep.state}, reference count ${file.refCount} (${holders}).`;
    });

  return { processes, sockets };
}

/** The facts as plain text, one per line, headed by the step ("Step 5: …"). */
export function stepFactsText(snapshot: ModelSnapshot, title?: string): string {
  const facts = stepFacts(snapshot);
  const head = `Step ${snapshot.step + 1}${title ? `: ${title}` : ''}`;
  return [head, '', 'Processes:', ...facts.processes.map((s) => `- ${s}`), '', 'Sockets:', ...(facts.sockets.length ? facts.sockets : ['none yet.']).map((s) => `- ${s}`), ''].join('\n');
}

/** The facts as one paragraph, for a figure's text alternative. */
export function stepFactsSentence(snapshot: ModelSnapshot): string {
  const facts = stepFacts(snapshot);
  if (facts.processes.length === 0) return `Step ${snapshot.step + 1}: no process yet.`;
  return [`Step ${snapshot.step + 1}.`, ...facts.processes, ...facts.sockets].join(' ');
}
