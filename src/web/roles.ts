// One colour per role, the same in every panel: parent blue, children warm/green, clients purple.
// Each role has a light-theme and a dark-theme colour; roleColor gives CSS `light-dark(L, D)`, so
// the page's color-scheme (styles.css: the system's, or the reader's choice) picks one. Each is
// text-dark enough (or light enough) for its theme's panels: contrast ≥ 4.5:1, checked by
// tests/unit/web-theme.test.ts. Where a role colour is a background, text on it is var(--on-role).

export interface ThemedColour {
  light: string;
  dark: string;
}

const pair = (light: string, dark: string): ThemedColour => ({ light, dark });

// A restarted server (parent#2, parent#3 …) gets a blue of its own.
const PARENTS = [pair('#0a5aa0', '#6fb1f0'), pair('#1d6b7d', '#5cc6db'), pair('#3b4a9c', '#a3adff'), pair('#155f5f', '#4fd1c5')];
const CHILDREN = [
  pair('#b04a00', '#ff9a57'),
  pair('#00785a', '#3fd6a6'),
  pair('#8a6100', '#e6b84a'),
  pair('#a03040', '#ff8595'),
  pair('#4d7a00', '#a6d65a'),
  pair('#7a4a1a', '#d9a273'),
];
const CLIENTS = [
  pair('#8e2a80', '#e68ad6'),
  pair('#5b3db5', '#b7a3ff'),
  pair('#a02a55', '#ff85b0'),
  pair('#3e5aa8', '#8fb0ff'),
  pair('#7a3a9a', '#cf9cf0'),
  pair('#8a2a2a', '#f29a9a'),
];
const OTHER = pair('#4a4a4a', '#b8b8b0');

/** Every role colour, for checking contrast and distinctness. */
export const ROLE_PALETTE: { readonly parents: readonly ThemedColour[]; readonly children: readonly ThemedColour[]; readonly clients: readonly ThemedColour[]; readonly other: ThemedColour } = {
  parents: PARENTS,
  children: CHILDREN,
  clients: CLIENTS,
  other: OTHER,
};

export type RoleKind = 'parent' | 'child' | 'client' | 'other';

export function roleKind(role: string): RoleKind {
  if (/^parent(#\d+)?$/.test(role)) return 'parent';
  if (/^child#\d+$/.test(role)) return 'child';
  if (/^client#\d+$/.test(role)) return 'client';
  return 'other';
}

/** The N of child#N / client#N, or null. */
export function roleNumber(role: string): number | null {
  const m = /#(\d+)$/.exec(role);
  return m ? Number(m[1]) : null;
}

/** A role's two colours (light and dark theme). */
export function roleColours(role: string): ThemedColour {
  const kind = roleKind(role);
  const n = roleNumber(role) ?? 1;
  switch (kind) {
    case 'parent':
      return PARENTS[(n - 1) % PARENTS.length] ?? OTHER;
    case 'child':
      return CHILDREN[(n - 1) % CHILDREN.length] ?? OTHER;
    case 'client':
      return CLIENTS[(n - 1) % CLIENTS.length] ?? OTHER;
    default:
      return OTHER;
  }
}

/** A role's colour as CSS, following the theme: `light-dark(L, D)`. */
export function roleColor(role: string): string {
  const { light, dark } = roleColours(role);
  return `light-dark(${light}, ${dark})`;
}

/** Order for lists: parent, children by number, clients by number, others. */
export function roleOrder(role: string): number {
  const kind = roleKind(role);
  const n = roleNumber(role) ?? 0;
  if (kind === 'parent') return n;
  if (kind === 'child') return 1000 + n;
  if (kind === 'client') return 2_000_000 + n;
  return 4_000_000;
}
