// Light, dark, or the system's theme: a small select, on the lesson list, in the lesson's top bar
// and in the sandbox's.

import { useId } from 'react';
import { parseThemeChoice, THEME_CHOICES, THEME_LABELS } from './theme.ts';
import { useThemeChoice } from './useTheme.ts';

export function ThemeSwitch({ showLabel = false }: { showLabel?: boolean }) {
  const [choice, choose] = useThemeChoice();
  const id = useId();
  return (
    <span className="theme-switch">
      <label htmlFor={id} className={showLabel ? 'theme-label' : 'sr-only'}>
        Theme
      </label>
      <select id={id} data-testid="theme-switch" value={choice} title="Theme: light, dark, or as the system says" onChange={(e) => choose(parseThemeChoice(e.target.value))}>
        {THEME_CHOICES.map((c) => (
          <option key={c} value={c}>
            {THEME_LABELS[c]}
          </option>
        ))}
      </select>
    </span>
  );
}
