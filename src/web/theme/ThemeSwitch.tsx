// Light, dark, or the system's theme. On the lesson list: a labelled select. In the top bars of a
// lesson and the sandbox, where every pixel of width counts: one small button that steps through
// the three (system → light → dark), its name saying the current choice and the next.

import { useId } from 'react';
import { nextThemeChoice, parseThemeChoice, THEME_CHOICES, THEME_LABELS, type ThemeChoice } from './theme.ts';
import { useThemeChoice } from './useTheme.ts';

export function ThemeSwitch({ compact = false }: { compact?: boolean }) {
  const [choice, choose] = useThemeChoice();
  const id = useId();
  if (compact) {
    const next = nextThemeChoice(choice);
    return (
      <button
        type="button"
        className="theme-switch theme-cycle"
        data-testid="theme-switch"
        data-choice={choice}
        aria-label={`Theme: ${THEME_LABELS[choice]}`}
        title={`Theme: ${THEME_LABELS[choice]} (click for ${THEME_LABELS[next]})`}
        onClick={() => choose(next)}
      >
        <ThemeIcon choice={choice} />
      </button>
    );
  }
  return (
    <span className="theme-switch">
      <label htmlFor={id} className="theme-label">
        Theme
      </label>
      <select id={id} data-testid="theme-switch" value={choice} onChange={(e) => choose(parseThemeChoice(e.target.value))}>
        {THEME_CHOICES.map((c) => (
          <option key={c} value={c}>
            {THEME_LABELS[c]}
          </option>
        ))}
      </select>
    </span>
  );
}

// Drawn, not font glyphs (◐ ☀ ☾ are missing from some fonts): a half-filled disc, a sun, a moon.
function ThemeIcon({ choice }: { choice: ThemeChoice }) {
  return (
    <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true" focusable="false">
      {choice === 'system' && (
        <>
          <circle cx="12" cy="12" r="8" fill="none" stroke="currentColor" strokeWidth="2" />
          <path d="M12 4a8 8 0 0 1 0 16z" fill="currentColor" />
        </>
      )}
      {choice === 'light' && (
        <>
          <circle cx="12" cy="12" r="4.5" fill="currentColor" />
          <path
            d="M12 2v3M12 19v3M2 12h3M19 12h3M4.9 4.9l2.1 2.1M17 17l2.1 2.1M4.9 19.1L7 17M17 7l2.1-2.1"
            stroke="currentColor"
            strokeWidth="2"
            strokeLinecap="round"
          />
        </>
      )}
      {choice === 'dark' && <path d="M15.5 3.5a8.5 8.5 0 1 0 5 13.2A7 7 0 0 1 15.5 3.5z" fill="currentColor" />}
    </svg>
  );
}
