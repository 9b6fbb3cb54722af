// The reader's theme: light, dark, or the system's (the default). Kept in localStorage; a value
// that is not one of the three (a broken or old store) counts as "system". index.html has a tiny
// copy of applyThemeChoice that runs before the first paint, so a dark page never flashes light;
// tests/unit/web-theme.test.ts runs that copy against this one.
//
// How the choice reaches the colours: <html data-theme="light|dark"> sets `color-scheme` to one
// scheme; without it the page's `color-scheme: light dark` follows the system. Every colour in
// styles.css (and roleColor) is `light-dark(L, D)`, so the used scheme picks it.

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];

export const THEME_KEY = 'forkscope.theme';

/** The stored choice, or "system" for anything missing or unknown. */
export function parseThemeChoice(stored: string | null | undefined): ThemeChoice {
  return stored === 'light' || stored === 'dark' ? stored : 'system';
}

/** The `data-theme` attribute for a choice: none when following the system. */
export function themeAttribute(choice: ThemeChoice): 'light' | 'dark' | null {
  return choice === 'system' ? null : choice;
}

/** Put a choice on the document element (data-theme), as index.html's early script does. */
export function applyThemeChoice(root: { dataset: DOMStringMap }, choice: ThemeChoice): void {
  const attr = themeAttribute(choice);
  if (attr) root.dataset.theme = attr;
  else delete root.dataset.theme;
}

export const THEME_LABELS: Record<ThemeChoice, string> = {
  system: 'System',
  light: 'Light',
  dark: 'Dark',
};

/** The choice after this one, for a button that steps through them: system → light → dark → system. */
export function nextThemeChoice(choice: ThemeChoice): ThemeChoice {
  return THEME_CHOICES[(THEME_CHOICES.indexOf(choice) + 1) % THEME_CHOICES.length]!;
}
