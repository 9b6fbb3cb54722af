// What presenter mode says in words: one short line of narration, and the few sockets that
// matter at this step (their TCP state and reference count). Pure: text and snapshots in.

import type { ModelEndpoint, ModelSnapshot } from '../../model/types.ts';
import type { TcpState } from '../../trace/types.ts';
import { endpointLabel, endpointOrdinals, fileOf, isGone } from '../snapshotView.ts';

/** The longest line presenter mode shows under the title (two lines at 1280×720). */
export const PRESENTER_LINE_MAX = 140;

// A sentence ends at . ! ? (perhaps closed by a quote or bracket) before a space and a capital,
// a digit, a quote or a bracket; "e.g." and "i.e." do not end one.
const SENTENCE_END = /(?<!\b(?:e\.g|i\.e|vs|cf))[.!?][”’")]?(?=\s+[A-Z0-9“‘"(])/g;

/** The first sentence of `text` (its first paragraph), trimmed. */
export function firstSentence(text: string): string {
  const para = (text.split(/\n\s*\n/).find((p) => p.trim() !== '') ?? '').replace(/\s+/g, ' ').trim();
  SENTENCE_END.lastIndex = 0;
  const m = SENTENCE_END.exec(para);
  return m ? para.slice(0, m.index + m[0].length) : para;
}

/**
 * One short line for the room from a step's filled narration: its first sentence; when that is
 * longer than `max`, cut at the last clause break (colon, semicolon, dash, comma) that leaves
 * at least half of it, else at a word, and marked with an ellipsis. Never empty for a non-empty text.
 */
export function presenterLine(narration: string, max = PRESENTER_LINE_MAX): string {
  const first = firstSentence(narration);
  if (first.length <= max) return first;
  const room = first.slice(0, max - 1);
  const clause = Math.max(room.lastIndexOf(': '), room.lastIndexOf('; '), room.lastIndexOf(' — '), room.lastIndexOf(', '));
  const cut = clause >= max / 2 ? clause : room.lastIndexOf(' ');
  const head = (cut > 0 ? room.slice(0, cut) : room).replace(/[\s,;:—–-]+$/, '');
  return `${head}…`;
}

export interface PresenterFact {
  endpointId: string;
  /** "listening socket", "connection #1 (server end)", "client #1 socket". */
  name: string;
  state: TcpState;
  /** How many descriptors name it; null when no descriptor does (the kernel holds it). */
  refCount: number | null;
  /** Its state or its count is not what it was at the step before. */
  changed: boolean;
  /** Its state before, when that changed. */
  stateBefore: TcpState | null;
  /** Its count before, when that changed (0: it was not there, or held by no descriptor). */
  refCountBefore: number | null;
}

/** Facts shown at most: the room reads a handful, not a table. */
export const PRESENTER_FACTS_MAX = 4;

function refCountOf(snapshot: ModelSnapshot, ep: ModelEndpoint): number | null {
  const file = fileOf(snapshot, ep);
  return file && file.refCount > 0 ? file.refCount : null;
}

/**
 * The sockets that matter at this step: those whose TCP state or reference count changed since
 * the step before (or that appeared); when none did, those the acting process holds (none
 * when it holds none: a step about processes, say an exit, has no socket news). At most
 * PRESENTER_FACTS_MAX.
 */
export function presenterFacts(snapshot: ModelSnapshot, before: ModelSnapshot | null, actingRole: string | null): PresenterFact[] {
  const ordinals = endpointOrdinals(snapshot.endpoints);
  const listeners = snapshot.endpoints.filter((e) => e.kind === 'listener').length;
  const beforeById = new Map((before?.endpoints ?? []).map((e) => [e.id, e]));
  const all = snapshot.endpoints
    .filter((ep) => !isGone(ep))
    .map((ep): PresenterFact => {
      const was = beforeById.get(ep.id);
      const refCount = refCountOf(snapshot, ep);
      const wasCount = was && before ? refCountOf(before, was) : null;
      const stateChanged = before !== null && (!was || was.state !== ep.state);
      const countChanged = before !== null && (!was || wasCount !== refCount);
      return {
        endpointId: ep.id,
        name: endpointLabel(ep, ordinals.get(ep.id) ?? 1, listeners > 1),
        state: ep.state,
        refCount,
        changed: stateChanged || countChanged,
        stateBefore: stateChanged && was ? was.state : null,
        refCountBefore: countChanged ? (wasCount ?? 0) : null,
      };
    });
  const changed = all.filter((f) => f.changed);
  if (changed.length > 0) return changed.slice(0, PRESENTER_FACTS_MAX);
  const acting = actingRole ? snapshot.processes.find((p) => p.role === actingRole) : undefined;
  const held = new Set(
    (acting?.fds ?? []).map(({ fileId }) => snapshot.openFiles.find((f) => f.id === fileId)?.endpointId).filter((id): id is string => !!id),
  );
  return all.filter((f) => held.has(f.endpointId)).slice(0, PRESENTER_FACTS_MAX);
}

/** "ESTABLISHED", or "SYN_SENT → ESTABLISHED" when it changed this step. */
export function factStateText(f: PresenterFact): string {
  return f.stateBefore ? `${f.stateBefore} → ${f.state}` : f.state;
}

/** "count 2", "count 1 → 2", "no descriptor" (the kernel holds it). */
export function factCountText(f: PresenterFact): string {
  const now = f.refCount === null ? 'no descriptor' : `count ${f.refCount}`;
  if (f.refCountBefore === null) return now;
  if (f.refCount === null) return f.refCountBefore > 0 ? `count ${f.refCountBefore} → 0` : now;
  return `count ${f.refCountBefore} → ${f.refCount}`;
}

/**
 * The base font of presenter mode for a window `width` pixels wide: 24 px at 1280, never below
 * 20 (1024×768 projectors), up to 40 on a large screen. Every text is this size or larger.
 */
export function presenterBaseFont(width: number): number {
  return Math.min(40, Math.max(20, Math.round(width * 0.01875)));
}
