// Reading the arguments of trace events: descriptors, addresses, ports.

import type { Scalar } from '../trace/types.ts';

export function num(v: Scalar | undefined): number | null {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return null;
}

export function str(v: Scalar | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

/** The descriptor argument of a call: fd, sockfd, listenfd, connfd … whichever the lab names it. */
export function fdArg(args: Readonly<Record<string, Scalar>>): number | null {
  for (const k of ['fd', 'sockfd', 'listenfd', 'connfd', 's']) {
    const n = num(args[k]);
    if (n !== null) return n;
  }
  return null;
}

/** The address argument of bind/connect ("a.b.c.d:port"). */
export function addrArg(args: Readonly<Record<string, Scalar>>): string | null {
  for (const k of ['addr', 'address', 'servaddr', 'sockaddr']) {
    const s = str(args[k]);
    if (s !== null) return s;
  }
  return null;
}

export { hostOf, portOf, WILDCARD_HOSTS } from '../trace/address.ts';
