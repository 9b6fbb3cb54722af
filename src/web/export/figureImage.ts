// The figure as a file: a standalone SVG (for documents, and for slides that take SVG) and a PNG
// (for slides). The figure on the page is styled by styles.css (classes, CSS variables, a role's
// colour in --role), none of which a file carries; so each element's computed style is written
// into the copy, every class and variable resolved to plain values. Nothing refers outside the
// file: no stylesheet, no font, no image.
//
// The pure half (which properties, what a style attribute holds, the PNG's size) is tested in
// tests/unit/web-export.test.ts; the DOM half in tests/e2e/export.spec.ts.

const SVG_NS = 'http://www.w3.org/2000/svg';

/** The CSS properties the figure's look depends on (styles.css's .fig-* and .figure rules). */
export const FIGURE_STYLE_PROPERTIES = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-dasharray',
  'stroke-linecap',
  'stroke-linejoin',
  'stroke-opacity',
  'opacity',
  'paint-order',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'font-variant-numeric',
  'letter-spacing',
  'text-anchor',
  'dominant-baseline',
] as const;

/** Computed values that say nothing beyond SVG's own defaults, left out to keep the file short. */
const DEFAULTS: Record<string, readonly string[]> = {
  'fill-opacity': ['1'],
  'stroke-opacity': ['1'],
  opacity: ['1'],
  stroke: ['none'],
  'stroke-dasharray': ['none'],
  'stroke-linecap': ['butt'],
  'stroke-linejoin': ['miter'],
  'paint-order': ['normal'],
  'font-style': ['normal'],
  'font-variant-numeric': ['normal'],
  'letter-spacing': ['normal'],
  'text-anchor': ['start'],
  'dominant-baseline': ['auto'],
};

/** A style attribute's text from computed values: `fill: rgb(…); stroke-width: 3px`, defaults left out. Pure. */
export function styleAttribute(values: ReadonlyArray<readonly [string, string]>): string {
  return values
    .filter(([name, value]) => value !== '' && !(DEFAULTS[name] ?? []).includes(value))
    .map(([name, value]) => `${name}: ${value}`)
    .join('; ');
}

/** The PNG is this wide; its height keeps the figure's aspect ratio (a 16:9 slide's width in full HD). */
export const PNG_WIDTH = 1920;

/** The PNG's size for a figure of this size in SVG user units. Pure. */
export function pngSize(width: number, height: number, pngWidth = PNG_WIDTH): { width: number; height: number } {
  if (!(width > 0) || !(height > 0)) throw new RangeError(`figure size must be positive (got ${width}×${height})`);
  return { width: pngWidth, height: Math.max(1, Math.round((pngWidth * height) / width)) };
}

/** The figure's size in user units, from its viewBox ("0 0 W H"). Pure. */
export function viewBoxSize(viewBox: string | null): { width: number; height: number } | null {
  const parts = (viewBox ?? '').trim().split(/[\s,]+/).map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || parts[2]! <= 0 || parts[3]! <= 0) return null;
  return { width: parts[2]!, height: parts[3]! };
}

/** The first colour in the list that is not transparent, or white. Pure. */
export function opaqueBackground(colors: readonly string[]): string {
  return colors.find((c) => c && c !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(c)) ?? '#ffffff';
}

export interface FigureFile {
  text: string;
  width: number;
  height: number;
}

function copyComputedStyle(from: Element, to: Element): void {
  const computed = getComputedStyle(from);
  const style = styleAttribute(FIGURE_STYLE_PROPERTIES.map((p) => [p, computed.getPropertyValue(p)] as const));
  if (style) to.setAttribute('style', style);
  else to.removeAttribute('style');
  // A box's place is a CSS transform (so moves animate): in the file it is the transform attribute.
  const transform = computed.getPropertyValue('transform');
  if (transform && transform !== 'none' && from.tagName.toLowerCase() === 'g') to.setAttribute('transform', transform);
}

/**
 * The figure `svg` as a standalone SVG file: xmlns, width and height in pixels (its size in user
 * units), its viewBox, a background, a title (the step's facts), and every element's computed
 * style inline. Any animation still running (a box fading in, a box moving) is finished first,
 * so the file shows the step as it ends.
 */
export function standaloneFigure(svg: SVGSVGElement, background: string): FigureFile {
  for (const a of svg.getAnimations({ subtree: true })) a.finish();
  const size = viewBoxSize(svg.getAttribute('viewBox'));
  if (!size) throw new Error(`the figure has no usable viewBox (${svg.getAttribute('viewBox') ?? 'none'})`);
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [copy, ...copy.querySelectorAll('*')];
  originals.forEach((el, i) => {
    const c = copies[i]!;
    copyComputedStyle(el, c);
    for (const attr of [...c.attributes]) {
      if (attr.name === 'class' || attr.name.startsWith('data-') || attr.name === 'role' || attr.name.startsWith('aria-')) c.removeAttribute(attr.name);
    }
  });
  copy.setAttribute('xmlns', SVG_NS);
  copy.setAttribute('version', '1.1');
  copy.setAttribute('width', String(size.width));
  copy.setAttribute('height', String(size.height));
  copy.setAttribute('viewBox', `0 0 ${size.width} ${size.height}`);
  const title = document.createElementNS(SVG_NS, 'title');
  title.textContent = svg.getAttribute('aria-label') ?? 'forkscope figure';
  const bg = document.createElementNS(SVG_NS, 'rect');
  bg.setAttribute('width', '100%');
  bg.setAttribute('height', '100%');
  bg.setAttribute('fill', background);
  copy.insertBefore(bg, copy.firstChild);
  copy.insertBefore(title, copy.firstChild);
  const text = `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}\n`;
  return { text, ...size };
}

/** The standalone SVG drawn on a canvas PNG_WIDTH wide, as a PNG. */
export async function figurePng(figure: FigureFile, pngWidth = PNG_WIDTH): Promise<Blob> {
  const size = pngSize(figure.width, figure.height, pngWidth);
  const url = URL.createObjectURL(new Blob([figure.text], { type: 'image/svg+xml' }));
  try {
    const img = new Image(size.width, size.height);
    img.src = url;
    await img.decode();
    const canvas = document.createElement('canvas');
    canvas.width = size.width;
    canvas.height = size.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('this browser gives no 2D canvas to draw the PNG on');
    ctx.drawImage(img, 0, 0, size.width, size.height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error(`the browser could not make a ${size.width}×${size.height} PNG`))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Save `data` as a download named `name`. */
export function saveFile(name: string, data: Blob): void {
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // The download has taken the data by the next task; a minute leaves room for a slow disk.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
