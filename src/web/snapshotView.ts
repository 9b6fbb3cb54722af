// Small pure readings of a ModelSnapshot shared by several panels: who holds an endpoint,
// what to call it, which role colour it wears.

import type { EndpointKind, ModelEndpoint, ModelOpenFile, ModelProcess, ModelSnapshot } from '../model/types.ts';
import type { KernelSocket } from '../trace/types.ts';
import { roleKind, roleNumber } from './roles.ts';

/** The variable name the book gives a descriptor naming an endpoint of this kind. */
export function descriptorName(kind: EndpointKind): string {
  switch (kind) {
    case 'listener':
      return 'listenfd';
    case 'server-conn':
      return 'connfd';
    case 'client':
      return 'sockfd';
  }
}

/** 1-based number of each endpoint among the endpoints of its kind, in id order (stable for a trace). */
export function endpointOrdinals(endpoints: readonly ModelEndpoint[]): Map<string, number> {
  const counts: Record<EndpointKind, number> = { listener: 0, 'server-conn': 0, client: 0 };
  const out = new Map<string, number>();
  for (const ep of endpoints) {
    counts[ep.kind] += 1;
    out.set(ep.id, counts[ep.kind]);
  }
  return out;
}

/** A short name for people: "listening socket", "connection #1 (server end)", "client #1 socket". */
export function endpointLabel(ep: ModelEndpoint, ordinal: number, many = true): string {
  switch (ep.kind) {
    case 'listener':
      return many && ordinal > 1 ? `listening socket #${ordinal}` : 'listening socket';
    case 'server-conn':
      return `connection #${ordinal} (server end)`;
    case 'client':
      return `client #${ordinal} socket`;
  }
}

export function fileOf(snapshot: ModelSnapshot, ep: ModelEndpoint): ModelOpenFile | undefined {
  return ep.fileId ? snapshot.openFiles.find((f) => f.id === ep.fileId) : undefined;
}

export function processByPid(snapshot: ModelSnapshot): Map<number, ModelProcess> {
  return new Map(snapshot.processes.map((p) => [p.pid, p]));
}

/**
 * The role whose colour an endpoint wears: a listener the parent's; otherwise its holder (a child over the parent when both hold it);
 * unheld, the parent for a queued connection, else by its number (connection #k → child#k, client #k → client#k).
 */
export function endpointRole(snapshot: ModelSnapshot, ep: ModelEndpoint, ordinal: number): string {
  if (ep.kind === 'listener') return 'parent';
  const file = fileOf(snapshot, ep);
  const procs = processByPid(snapshot);
  const roles = (file?.holders ?? []).map((h) => procs.get(h.pid)?.role).filter((r): r is string => !!r);
  if (roles.length > 0) {
    const rank = (r: string) => (roleKind(r) === 'parent' ? 0 : 1) * 1e6 + (roleNumber(r) ?? 0);
    return [...roles].sort((a, b) => rank(b) - rank(a))[0]!;
  }
  if (ep.queuedOn) return 'parent';
  return ep.kind === 'client' ? `client#${ordinal}` : `child#${ordinal}`;
}

/** The connected peer of an endpoint: by peerId either way round. */
export function peerOf(endpoints: readonly ModelEndpoint[], ep: ModelEndpoint): ModelEndpoint | undefined {
  if (ep.peerId) {
    const p = endpoints.find((e) => e.id === ep.peerId);
    if (p) return p;
  }
  return endpoints.find((e) => e.peerId === ep.id);
}

/** An endpoint that no longer exists for anyone to see: closed and held by no descriptor. */
export function isGone(ep: ModelEndpoint): boolean {
  return ep.state === 'CLOSED' && ep.fileId === null && ep.queuedOn === null;
}

/** The kernel's socket for a model endpoint in this step's snapshot: same addresses, and the same state when several match. */
export function kernelSocketOf(snapshot: ModelSnapshot, ep: ModelEndpoint): KernelSocket | undefined {
  if (!snapshot.kernel || !ep.local) return undefined;
  const remote = ep.remote ?? '0.0.0.0:0';
  const same = snapshot.kernel.sockets.filter((s) => s.local === ep.local && s.remote === remote);
  return same.find((s) => s.state === ep.state) ?? (same.length === 1 ? same[0] : undefined);
}

/** "59.9 s left": a kernel timer's remaining time, cut (never rounded up) to tenths of a second. */
export function remainingText(ms: number): string {
  const tenths = Math.max(0, Math.floor(ms / 100));
  return `${(tenths / 10).toFixed(1)} s left`;
}

/**
 * The kernel's timer on a closing socket no process holds, in words: TIME_WAIT's 2MSL, or an
 * orphaned FIN_WAIT_2's timeout (Linux reports both as its time-wait timer). Null when none.
 */
export function timeWaitTimer(snapshot: ModelSnapshot, ep: ModelEndpoint): string | null {
  if (ep.state !== 'TIME_WAIT' && ep.state !== 'FIN_WAIT_2') return null;
  const timer = kernelSocketOf(snapshot, ep)?.timer;
  return timer && timer.kind === 'timewait' ? remainingText(timer.remainingMs) : null;
}
