// WCAG 2.x contrast, for checking the palettes in tests (src/web/roles.ts, the theme's colours in
// styles.css). Only #rgb and #rrggbb: the palettes are written that way on purpose.

/** The sRGB channels (0–255) of `#rgb` or `#rrggbb`; throws naming the value otherwise. */
export function parseHex(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) throw new Error(`not a #rgb or #rrggbb colour: "${hex}"`);
  const h = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as [number, number, number];
}

/** WCAG relative luminance (0 black … 1 white). */
export function luminance(hex: string): number {
  const [r, g, b] = parseHex(hex).map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG contrast ratio of two colours, 1 … 21, whichever is lighter. */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** WCAG AA: 4.5:1 for text, 3:1 for large text and graphics. */
export const AA_TEXT = 4.5;
export const AA_GRAPHICS = 3;

/** CSS `color-mix(in srgb, a p%, b)` of two #hex colours, as #rrggbb (for tinted backgrounds). */
export function mixHex(a: string, percentOfA: number, b: string): string {
  const [x, y] = [parseHex(a), parseHex(b)];
  const t = percentOfA / 100;
  return `#${x.map((c, i) => Math.round(c * t + y[i]! * (1 - t)).toString(16).padStart(2, '0')).join('')}`;
}
