// Keyboard stepping: → Space and PageDown next, ← and PageUp previous, Home first, End last.
// (Presentation clickers send PageDown/PageUp; some send → ← or Space.)
// Ignored while typing in a field (the trace scrubber excepted) and for Space/Enter on a
// button or link, which activate it instead.

import { useEffect } from 'react';

export type StepKeyAction = 'next' | 'prev' | 'first' | 'last';

export const SCRUBBER_ID = 'trace-scrubber';

/** Which action a key press means, given what has focus; null to leave it alone. Pure. */
export function stepKeyAction(
  key: string,
  target: { tagName: string; id?: string; isContentEditable?: boolean; type?: string } | null,
  modifiers: { alt: boolean; ctrl: boolean; meta: boolean },
): StepKeyAction | null {
  if (modifiers.alt || modifiers.ctrl || modifiers.meta) return null;
  const tag = target?.tagName.toUpperCase() ?? '';
  const isScrubber = target?.id === SCRUBBER_ID;
  if (!isScrubber && (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target?.isContentEditable)) return null;
  const activates = tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY';
  switch (key) {
    case 'ArrowRight':
      return 'next';
    case ' ':
    case 'Spacebar':
      return activates ? null : 'next';
    case 'PageDown':
      return 'next';
    case 'ArrowLeft':
    case 'PageUp':
      return 'prev';
    case 'Home':
      return 'first';
    case 'End':
      return 'last';
    default:
      return null;
  }
}

export function useStepKeys(handlers: Record<StepKeyAction, () => void>): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const el = e.target instanceof HTMLElement ? e.target : null;
      const action = stepKeyAction(
        e.key,
        el ? { tagName: el.tagName, id: el.id, isContentEditable: el.isContentEditable } : null,
        { alt: e.altKey, ctrl: e.ctrlKey, meta: e.metaKey },
      );
      if (!action) return;
      e.preventDefault();
      handlers[action]();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [handlers]);
}
