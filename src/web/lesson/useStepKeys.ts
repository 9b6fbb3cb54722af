// Keyboard stepping: → Space and PageDown next, ← and PageUp previous, Home first, End last.
// (Presentation clickers send PageDown/PageUp; some send → ← or Space.)
// Ignored while typing in a field (the trace scrubber excepted), for Space/Enter on a
// button or link, which activate it instead, and for arrows on a widget that moves with them
// (tabs, sliders, listboxes, radio groups, menus: the WAI-ARIA patterns), which they belong to.

import { useEffect } from 'react';

export type StepKeyAction = 'next' | 'prev' | 'first' | 'last';

export const SCRUBBER_ID = 'trace-scrubber';

/** ARIA roles whose widget moves its own selection or value with the arrow keys. */
const ARROW_ROLES = new Set(['tab', 'slider', 'listbox', 'option', 'radio', 'radiogroup', 'menu', 'menuitem', 'menubar', 'grid', 'gridcell', 'tree', 'treeitem', 'spinbutton', 'scrollbar']);

export interface KeyTarget {
  tagName: string;
  id?: string;
  isContentEditable?: boolean;
  type?: string;
  /** The element's ARIA role attribute, if any. */
  role?: string | null;
}

/** Which action a key press means, given what has focus; null to leave it alone. Pure. */
export function stepKeyAction(
  key: string,
  target: KeyTarget | null,
  modifiers: { alt: boolean; ctrl: boolean; meta: boolean },
): StepKeyAction | null {
  if (modifiers.alt || modifiers.ctrl || modifiers.meta) return null;
  const tag = target?.tagName.toUpperCase() ?? '';
  const isScrubber = target?.id === SCRUBBER_ID;
  if (!isScrubber && (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target?.isContentEditable)) return null;
  const activates = tag === 'BUTTON' || tag === 'A' || tag === 'SUMMARY';
  // The trace scrubber is the one slider that steps the lesson on purpose.
  const ownsArrows = !isScrubber && target?.role != null && ARROW_ROLES.has(target.role);
  if (ownsArrows && (key === 'ArrowRight' || key === 'ArrowLeft' || key === 'Home' || key === 'End')) return null;
  if (ownsArrows && activates === false && (key === ' ' || key === 'Spacebar')) return null;
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
        el ? { tagName: el.tagName, id: el.id, isContentEditable: el.isContentEditable, role: el.getAttribute('role') } : null,
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
