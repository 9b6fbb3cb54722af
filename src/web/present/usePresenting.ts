// Whether the lesson is in presenter mode: &present in the URL (so a reload or a copied link
// comes back to it), toggled by P. The URL is rewritten in place, as the step is.

import { useCallback, useEffect, useState } from 'react';
import { flagOn, withFlag } from '../url.ts';
import { presentKeyAction } from './presentKeys.ts';

export function usePresenting(): [boolean, (on: boolean) => void] {
  const [presenting, setPresenting] = useState(() => flagOn(window.location.search, 'present'));
  useEffect(() => {
    if (flagOn(window.location.search, 'present') === presenting) return;
    window.history.replaceState(window.history.state, '', withFlag(window.location.search, 'present', presenting));
  }, [presenting]);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const el = e.target instanceof HTMLElement ? e.target : null;
      const action = presentKeyAction(e.key, el ? { tagName: el.tagName, isContentEditable: el.isContentEditable } : null, { alt: e.altKey, ctrl: e.ctrlKey, meta: e.metaKey }, presenting);
      if (action !== 'toggle') return;
      e.preventDefault();
      setPresenting((on) => !on);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [presenting]);
  return [presenting, useCallback((on: boolean) => setPresenting(on), [])];
}
