// React's view of the stored progress: one copy per page, shared by every component, kept in
// step with other tabs through the storage event. localStorage may be missing or refuse writes
// (private windows, quotas): then progress lasts as long as the page.

import { useSyncExternalStore } from 'react';
import {
  EMPTY_PROGRESS,
  parseProgress,
  PROGRESS_KEY,
  serializeProgress,
  withAnswer,
  withSeen,
  type AnswerRecord,
  type Progress,
} from './progress.ts';

let current: Progress | null = null;
const listeners = new Set<() => void>();

function storage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}

function read(): Progress {
  try {
    return parseProgress(storage()?.getItem(PROGRESS_KEY) ?? null);
  } catch {
    return EMPTY_PROGRESS;
  }
}

function snapshot(): Progress {
  if (current === null) current = read();
  return current;
}

function set(next: Progress): void {
  if (next === current) return;
  current = next;
  try {
    storage()?.setItem(PROGRESS_KEY, serializeProgress(next));
  } catch {
    // Not stored: it still holds for this page.
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (e: StorageEvent) => {
    if (e.key !== null && e.key !== PROGRESS_KEY) return;
    current = read();
    listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function useProgress(): Progress {
  return useSyncExternalStore(subscribe, snapshot, () => EMPTY_PROGRESS);
}

export function markSeen(lesson: string, part: string, step: number): void {
  set(withSeen(snapshot(), lesson, part, step));
}

export function recordAnswer(lesson: string, part: string, question: string, answer: AnswerRecord): void {
  set(withAnswer(snapshot(), lesson, part, question, answer));
}

/** Forget every answer and every step seen (and a stored value that was not ours). */
export function resetProgress(): void {
  current = EMPTY_PROGRESS;
  try {
    storage()?.removeItem(PROGRESS_KEY);
  } catch {
    // Nothing stored, or storage refused: the page's copy is empty either way.
  }
  for (const l of listeners) l();
}
