// React's view of the theme choice: one copy per page, applied to <html> when it changes, and
// kept in step with other tabs through the storage event. localStorage may be missing or refuse
// writes (private windows): then the choice lasts as long as the page.

import { useCallback, useSyncExternalStore } from 'react';
import { applyThemeChoice, parseThemeChoice, THEME_KEY, type ThemeChoice } from './theme.ts';

const listeners = new Set<() => void>();
let current: ThemeChoice | null = null;

function storage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function read(): ThemeChoice {
  try {
    return parseThemeChoice(storage()?.getItem(THEME_KEY));
  } catch {
    return 'system';
  }
}

function snapshot(): ThemeChoice {
  if (current === null) current = read();
  return current;
}

export function setThemeChoice(choice: ThemeChoice): void {
  current = choice;
  applyThemeChoice(document.documentElement, choice);
  try {
    if (choice === 'system') storage()?.removeItem(THEME_KEY);
    else storage()?.setItem(THEME_KEY, choice);
  } catch {
    // Not stored: it still holds for this page.
  }
  for (const l of listeners) l();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (e: StorageEvent) => {
    if (e.key !== null && e.key !== THEME_KEY) return;
    current = read();
    applyThemeChoice(document.documentElement, current);
    listener();
  };
  window.addEventListener('storage', onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', onStorage);
  };
}

export function useThemeChoice(): [ThemeChoice, (choice: ThemeChoice) => void] {
  const choice = useSyncExternalStore(subscribe, snapshot, () => 'system' as const);
  return [choice, useCallback((c: ThemeChoice) => setThemeChoice(c), [])];
}
