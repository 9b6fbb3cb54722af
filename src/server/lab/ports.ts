// Choosing the lab server's port: one nothing on this machine uses, in any TCP state.

import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { SocketObserver } from './sockets.ts';

/** Ports the kernel hands out to clients (connect without bind); the lab's server stays out of them. */
function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'latin1').trim().split(/\s+/).map(Number);
    if (lo && hi) return [lo, hi];
  } catch {
    // not Linux, or no /proc: the usual default
  }
  return [32768, 60999];
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: '127.0.0.1', port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/**
 * Free for the lab server: no socket of any state (TIME_WAIT included: the lab's server does
 * not set SO_REUSEADDR, as in the book) uses it as its local port, and a listen succeeds.
 */
export async function portIsFree(port: number, observer: SocketObserver): Promise<boolean> {
  const sockets = await observer.sample([port]);
  if (sockets.some((s) => s.local.endsWith(`:${port}`))) return false;
  return canListen(port);
}

export async function pickFreePort(observer: SocketObserver): Promise<number> {
  const [lo, hi] = ephemeralRange();
  const [from, to] = lo > 12_000 ? [10_000, lo - 1] : [hi + 1, 65_535];
  for (let attempt = 0; attempt < 64; attempt++) {
    const port = from + Math.floor(Math.random() * (to - from + 1));
    if (await portIsFree(port, observer)) return port;
  }
  throw new Error(`no free TCP port found between ${from} and ${to}`);
}

/** The port a run asked for, if it is a port and free; else a free one. Throws naming what is wrong. */
export async function choosePort(requested: number | undefined, observer: SocketObserver): Promise<number> {
  if (requested === undefined) return pickFreePort(observer);
  if (!Number.isInteger(requested) || requested < 1 || requested > 65535) throw new Error(`bad port ${requested}`);
  if (!(await portIsFree(requested, observer))) throw new Error(`port ${requested} is in use (or in TIME_WAIT)`);
  return requested;
}
