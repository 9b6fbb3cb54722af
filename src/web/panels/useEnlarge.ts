// Enlarging a panel (or the narration) for the projector: while enlarged it is a modal — focus
// moves into it, Tab stays inside it, Esc or its button restores it and focus returns to that
// button. The step keys are not trapped: the instructor enlarges the figure and steps.

import { useCallback, useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type RefObject } from 'react';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** The element Tab (or Shift+Tab) should move to so that focus stays inside `items`; null to let the browser move it. Pure. */
export function trappedFocusTarget<T>(items: readonly T[], active: T | null, backwards: boolean): T | null {
  if (items.length === 0) return null;
  const at = active === null ? -1 : items.indexOf(active);
  if (at === -1) return backwards ? items[items.length - 1]! : items[0]!;
  if (backwards && at === 0) return items[items.length - 1]!;
  if (!backwards && at === items.length - 1) return items[0]!;
  return null;
}

export interface Enlarge {
  big: boolean;
  toggle: () => void;
  /** On the enlarged element: keeps Tab inside it. */
  onKeyDown: (e: ReactKeyboardEvent<HTMLElement>) => void;
  /** The element that is enlarged. */
  frame: RefObject<HTMLElement | null>;
  /** The Enlarge/Restore button: focus returns to it. */
  button: RefObject<HTMLButtonElement | null>;
}

// The place (grid area) whose panel is enlarged. Where view tabs replace one panel by another in
// the same place (Figure | Packets), the new panel starts enlarged: the instructor who enlarged
// the figure and chose Packets wants the packets large too.
let enlargedPlace: string | null = null;

/** `place`: the panel's place in the grid, so a panel that replaces it there stays enlarged. */
export function useEnlarge(place?: string): Enlarge {
  const [big, setBig] = useState(() => place !== undefined && enlargedPlace === place);
  const frame = useRef<HTMLElement | null>(null);
  const button = useRef<HTMLButtonElement | null>(null);
  /** Whether `big` last changed by the user's hand (not by mounting enlarged). */
  const toggled = useRef(false);
  const toggle = useCallback(() => {
    toggled.current = true;
    setBig((b) => !b);
  }, []);

  useEffect(() => {
    if (place === undefined) return;
    if (big) enlargedPlace = place;
    else if (enlargedPlace === place) enlargedPlace = null;
  }, [big, place]);
  useEffect(
    () => () => {
      // Unmounted with the view (not replaced by a tab's panel, which has read the place by now).
      if (place !== undefined && enlargedPlace === place) setTimeout(() => {
        if (enlargedPlace === place && !document.querySelector(`.panel.area-${CSS.escape(place)}.enlarged`)) enlargedPlace = null;
      });
    },
    [place],
  );

  useEffect(() => {
    if (!big) return;
    // Focus moves into the enlarged panel: onto its Restore button, where → and ← still step
    // (a panel mounted enlarged by a tab leaves focus on that tab, which is inside it too).
    if (toggled.current || !frame.current?.contains(document.activeElement)) button.current?.focus();
    toggled.current = false;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented) return;
      e.preventDefault();
      setBig(false);
      button.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [big]);

  const onKeyDown = useCallback(
    (e: ReactKeyboardEvent<HTMLElement>) => {
      if (!big || e.key !== 'Tab' || !frame.current) return;
      const items = [...frame.current.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
      const active = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      const target = trappedFocusTarget(items, active, e.shiftKey);
      if (target) {
        e.preventDefault();
        target.focus();
      }
    },
    [big],
  );

  return { big, toggle, onKeyDown, frame, button };
}
