// One colour per role, the same in every panel: parent blue, children warm/green, clients purple.
// Dark enough for text on white (contrast ≥ 4.5:1).

// A restarted server (parent#2, parent#3 …) gets a blue of its own.
const PARENTS = ['#0a5aa0', '#1d6b7d', '#3b4a9c', '#155f5f'];
const CHILDREN = ['#b04a00', '#00785a', '#8a6100', '#a03040', '#4d7a00', '#7a4a1a'];
const CLIENTS = ['#8e2a80', '#5b3db5', '#a02a55', '#3e5aa8', '#7a3a9a', '#8a2a2a'];
const OTHER = '#4a4a4a';

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

export function roleColor(role: string): string {
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

/** Order for lists: parent, children by number, clients by number, others. */
export function roleOrder(role: string): number {
  const kind = roleKind(role);
  const n = roleNumber(role) ?? 0;
  if (kind === 'parent') return n;
  if (kind === 'child') return 1000 + n;
  if (kind === 'client') return 2_000_000 + n;
  return 4_000_000;
}
