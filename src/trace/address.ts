// Addresses as the trace writes them: "a.b.c.d:port", "[v6]:port". One home for reading them,
// for the runner, the model and the lessons.

/** The port of "a.b.c.d:port" (or "[v6]:port"); null when the text has none. */
export function portOf(address: string): number | null {
  const m = /:(\d+)$/.exec(address);
  return m ? Number(m[1]) : null;
}

/** The address without its port: "127.0.0.1", "[::1]". */
export function hostOf(address: string): string {
  return address.replace(/:\d+$/, '');
}

/** The wildcard address (a socket bound to INADDR_ANY) as the lab writes it (sock_ntop): IPv4's and IPv6's. */
export const WILDCARD_HOSTS = new Set(['0.0.0.0', '[::]']);
