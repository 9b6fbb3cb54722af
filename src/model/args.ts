// Addresses in trace events ("a.b.c.d:port", "[v6]:port"): their port and host.

export function portOf(address: string): number | null {
  const m = /:(\d+)$/.exec(address);
  return m ? Number(m[1]) : null;
}

export function hostOf(address: string): string {
  return address.replace(/:\d+$/, '');
}

/** The wildcard address as the lab writes it (sock_ntop): IPv4's and IPv6's. */
export const WILDCARD_HOSTS = new Set(['0.0.0.0', '[::]']);
