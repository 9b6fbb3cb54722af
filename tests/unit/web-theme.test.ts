// Themes: the stored choice, index.html's early copy of it, and WCAG AA contrast of the palettes
// in both themes — the theme's colours (styles.css :root) and the role colours (roles.ts).

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROLE_PALETTE, roleColor, roleColours } from '../../src/web/roles.ts';
import { AA_GRAPHICS, AA_TEXT, contrastRatio, mixHex, parseHex } from '../../src/web/theme/contrast.ts';
import { applyThemeChoice, nextThemeChoice, parseThemeChoice, themeAttribute, THEME_KEY } from '../../src/web/theme/theme.ts';

const read = (path: string) => readFileSync(fileURLToPath(new URL(`../../${path}`, import.meta.url)), 'utf8');
type Scheme = 'light' | 'dark';
const SCHEMES: Scheme[] = ['light', 'dark'];

/** The theme's colours from styles.css: `--name: light-dark(L, D)` (or one colour for both) in :root. */
function themeColours(): Map<string, Record<Scheme, string>> {
  const css = read('src/web/styles.css');
  const root = /:root\s*\{([^}]*)\}/.exec(css)![1]!;
  const colours = new Map<string, Record<Scheme, string>>();
  for (const m of root.matchAll(/--([\w-]+):\s*([^;]+);/g)) {
    const value = m[2]!.trim();
    const pair = /^light-dark\((#[0-9a-f]+),\s*(#[0-9a-f]+)\)$/i.exec(value);
    if (pair) colours.set(m[1]!, { light: pair[1]!, dark: pair[2]! });
    else if (/^#[0-9a-f]+$/i.test(value)) colours.set(m[1]!, { light: value, dark: value });
  }
  return colours;
}

describe('the theme choice', () => {
  it('reads a stored choice, and anything else as the system’s', () => {
    expect(parseThemeChoice('light')).toBe('light');
    expect(parseThemeChoice('dark')).toBe('dark');
    expect(parseThemeChoice('system')).toBe('system');
    for (const broken of [null, undefined, '', 'Dark', 'purple', '{"theme":"dark"}']) expect(parseThemeChoice(broken)).toBe('system');
    expect(themeAttribute('system')).toBeNull();
    // The top bars' button steps through all three and back.
    expect([nextThemeChoice('system'), nextThemeChoice('light'), nextThemeChoice('dark')]).toEqual(['light', 'dark', 'system']);
    const root = { dataset: {} as DOMStringMap };
    applyThemeChoice(root, 'dark');
    expect(root.dataset.theme).toBe('dark');
    applyThemeChoice(root, 'system');
    expect(root.dataset.theme).toBeUndefined();
  });

  it('is applied before the first paint by index.html exactly as the app applies it', () => {
    const html = read('index.html');
    const script = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]!).find((s) => s.includes(THEME_KEY));
    expect(script, 'index.html has an inline script reading the theme').toBeDefined();
    const run = new Function('localStorage', 'document', script!);
    for (const stored of ['light', 'dark', 'system', null, 'purple']) {
      const documentElement = { dataset: {} as DOMStringMap };
      run({ getItem: (key: string) => (key === THEME_KEY ? stored : null) }, { documentElement });
      const expected = { dataset: {} as DOMStringMap };
      applyThemeChoice(expected, parseThemeChoice(stored));
      expect(documentElement.dataset.theme, `stored ${stored}`).toBe(expected.dataset.theme);
    }
    // A storage that throws (a locked-down browser) leaves the page to the system's theme.
    const documentElement = { dataset: {} as DOMStringMap };
    const refusing = {
      getItem: () => {
        throw new Error('SecurityError');
      },
    };
    expect(() => run(refusing, { documentElement })).not.toThrow();
    expect(documentElement.dataset.theme).toBeUndefined();
  });
});

describe('WCAG AA contrast in both themes', () => {
  const colours = themeColours();
  const c = (name: string, scheme: Scheme) => {
    const v = colours.get(name);
    if (!v) throw new Error(`styles.css :root has no colour --${name}`);
    return v[scheme];
  };

  it('defines every theme colour as a pair of #hex colours', () => {
    expect(colours.size).toBeGreaterThan(30);
    for (const [name, pair] of colours) for (const s of SCHEMES) expect(() => parseHex(pair[s]), `--${name}`).not.toThrow();
    expect(c('panel', 'light')).not.toBe(c('panel', 'dark'));
  });

  // Text (4.5:1) on the backgrounds it is drawn on.
  const TEXT_PAIRS: [string, string][] = [
    ['ink', 'bg'],
    ['ink', 'panel'],
    ['ink', 'surface'],
    ['ink', 'current'],
    ['ink-2', 'panel'],
    ['ink-2', 'surface'],
    ['muted', 'panel'],
    ['muted', 'bg'],
    ['muted', 'surface'],
    ['muted', 'current'],
    ['accent', 'panel'],
    ['accent', 'bg'],
    ['on-accent', 'accent'],
    ['inverse-ink', 'inverse-bg'],
    ['tint-ink', 'tint'],
    ['tint-ink', 'tint-hover'],
    ['warn-ink', 'warn-bg'],
    ['warn-ink', 'panel'],
    ['ok-ink', 'ok-bg'],
    ['ok-ink', 'panel'],
    ['violet-ink', 'violet-bg'],
    ['zombie', 'panel'],
    ['timer', 'panel'],
    ['danger-ink', 'panel'],
    ['on-danger', 'live-bg'],
    ['on-danger', 'danger-bg'],
    ['tok-comment', 'panel'],
    ['tok-string', 'panel'],
    ['tok-pre', 'panel'],
    ['tok-kw', 'panel'],
    ['tok-num', 'panel'],
  ];
  // Lines and shapes that carry meaning (3:1).
  const GRAPHIC_PAIRS: [string, string][] = [
    ['edge', 'panel'],
    ['graphic', 'panel'],
    ['ok-fill', 'line-soft'],
    ['current-edge', 'panel'],
  ];

  for (const s of SCHEMES) {
    it(`${s}: text and graphics on their backgrounds`, () => {
      const failures: string[] = [];
      for (const [fg, bg] of TEXT_PAIRS) {
        const r = contrastRatio(c(fg, s), c(bg, s));
        if (r < AA_TEXT) failures.push(`--${fg} on --${bg}: ${r.toFixed(2)}`);
      }
      for (const [fg, bg] of GRAPHIC_PAIRS) {
        const r = contrastRatio(c(fg, s), c(bg, s));
        if (r < AA_GRAPHICS) failures.push(`--${fg} on --${bg}: ${r.toFixed(2)} (graphics)`);
      }
      expect(failures).toEqual([]);
    });

    it(`${s}: every role colour is text-strong on the panels, and --on-role is readable on it`, () => {
      const roles = [...ROLE_PALETTE.parents, ...ROLE_PALETTE.children, ...ROLE_PALETTE.clients, ROLE_PALETTE.other];
      const failures: string[] = [];
      for (const role of roles) {
        for (const bg of ['panel', 'bg', 'surface', 'current']) {
          const r = contrastRatio(role[s], c(bg, s));
          if (r < AA_TEXT) failures.push(`${role[s]} on --${bg}: ${r.toFixed(2)}`);
        }
        const on = contrastRatio(c('on-role', s), role[s]);
        if (on < AA_TEXT) failures.push(`--on-role on ${role[s]}: ${on.toFixed(2)}`);
      }
      expect(failures).toEqual([]);
    });

    it(`${s}: source text on a marked line (the role's colour, 14%, over the panel)`, () => {
      const roles = [...ROLE_PALETTE.parents, ...ROLE_PALETTE.children, ...ROLE_PALETTE.clients, ROLE_PALETTE.other];
      expect(read('src/web/styles.css')).toContain('color-mix(in srgb, var(--role) 14%, var(--panel))');
      const failures: string[] = [];
      for (const role of roles) {
        const marked = mixHex(role[s], 14, c('panel', s));
        for (const fg of ['ink', 'ink-2', 'muted', 'tok-comment', 'tok-string', 'tok-pre', 'tok-kw', 'tok-num']) {
          const r = contrastRatio(c(fg, s), marked);
          if (r < AA_TEXT) failures.push(`--${fg} on ${role[s]} 14%: ${r.toFixed(2)}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  it('keeps the roles of a lesson apart in both themes, and gives roleColor as light-dark()', () => {
    const roles = ['parent', 'parent#2', 'child#1', 'child#2', 'child#3', 'client#1', 'client#2', 'client#3', 'kernel'];
    for (const s of SCHEMES) expect(new Set(roles.map((r) => roleColours(r)[s])).size, s).toBe(roles.length);
    expect(roleColor('child#1')).toBe(`light-dark(${roleColours('child#1').light}, ${roleColours('child#1').dark})`);
  });
});
