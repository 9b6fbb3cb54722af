// Keys while a question is open: 1–4 choose an answer, S skips it. (← closes it: see the lesson's prev.)

import { useEffect } from 'react';

export type QuestionKeyAction = { choose: number } | 'skip' | null;

/** What a key press means while a question with `choices` answers is open. Pure. */
export function questionKeyAction(
  key: string,
  choices: number,
  target: { tagName: string; isContentEditable?: boolean } | null,
  modifiers: { alt: boolean; ctrl: boolean; meta: boolean },
): QuestionKeyAction {
  if (modifiers.alt || modifiers.ctrl || modifiers.meta) return null;
  const tag = target?.tagName.toUpperCase() ?? '';
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target?.isContentEditable) return null;
  if (/^[1-9]$/.test(key)) {
    const n = Number(key);
    return n <= choices ? { choose: n - 1 } : null;
  }
  if (key === 's' || key === 'S') return 'skip';
  return null;
}

export function useQuestionKeys(open: boolean, choices: number, onChoose: (i: number) => void, onSkip: () => void): void {
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const el = e.target instanceof HTMLElement ? e.target : null;
      const action = questionKeyAction(e.key, choices, el ? { tagName: el.tagName, isContentEditable: el.isContentEditable } : null, {
        alt: e.altKey,
        ctrl: e.ctrlKey,
        meta: e.metaKey,
      });
      if (action === null) return;
      e.preventDefault();
      if (action === 'skip') onSkip();
      else onChoose(action.choose);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [open, choices, onChoose, onSkip]);
}
