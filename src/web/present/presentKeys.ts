// Presenter mode's own keys: P toggles it (anywhere in a lesson), and while presenting F
// fullscreen, B blank, N the notes window, Esc leave. Ignored while typing and with modifiers
// (Ctrl+P prints, Ctrl+F finds).

export type PresentKeyAction = 'toggle' | 'leave' | 'fullscreen' | 'blank' | 'notes';

export interface KeyTarget {
  tagName: string;
  isContentEditable?: boolean;
}

/** What a key press means for presenter mode (`presenting` or not); null to leave it alone. Pure. */
export function presentKeyAction(
  key: string,
  target: KeyTarget | null,
  modifiers: { alt: boolean; ctrl: boolean; meta: boolean },
  presenting: boolean,
): PresentKeyAction | null {
  if (modifiers.alt || modifiers.ctrl || modifiers.meta) return null;
  const tag = target?.tagName.toUpperCase() ?? '';
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target?.isContentEditable) return null;
  const k = key.length === 1 ? key.toLowerCase() : key;
  if (k === 'p') return 'toggle';
  if (!presenting) return null;
  switch (k) {
    case 'Escape':
    case 'Esc':
      return 'leave';
    case 'f':
      return 'fullscreen';
    case 'b':
      return 'blank';
    case 'n':
      return 'notes';
    default:
      return null;
  }
}
