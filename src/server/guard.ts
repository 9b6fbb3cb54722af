// Checks made before a WebSocket upgrade is accepted. The companion starts processes on
// the user's machine, so a page from any other origin (or a DNS-rebound host name) must
// not be able to drive it.

import { timingSafeEqual } from 'node:crypto';

export interface GuardConfig {
  /** The port the companion listens on. */
  port: number;
  /** Host names (without port) this companion answers to. */
  hostNames: readonly string[];
  token: string;
}

export type GuardVerdict = { ok: true } | { ok: false; status: 400 | 403; reason: string };

/** Host names a loopback companion answers to; the listening address is added when it is another one. */
export function allowedHostNames(bindHost: string): string[] {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  if (bindHost !== '0.0.0.0' && bindHost !== '::') names.add(bindHost.includes(':') ? `[${bindHost}]` : bindHost);
  return [...names];
}

function hostAllowed(host: string | undefined, config: GuardConfig): boolean {
  if (!host) return false;
  return config.hostNames.some((name) => host === `${name}:${config.port}`);
}

function originAllowed(origin: string | undefined, config: GuardConfig): boolean {
  if (!origin) return false;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  return url.protocol === 'http:' && hostAllowed(url.host, config);
}

function tokenMatches(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Decide whether an upgrade request for `url` with these headers may become a WebSocket. */
export function checkUpgrade(
  url: string | undefined,
  headers: { host?: string | undefined; origin?: string | undefined },
  config: GuardConfig,
): GuardVerdict {
  if (!hostAllowed(headers.host, config)) {
    return { ok: false, status: 403, reason: `Host "${headers.host ?? ''}" is not this companion` };
  }
  if (!originAllowed(headers.origin, config)) {
    return { ok: false, status: 403, reason: `Origin "${headers.origin ?? ''}" is not this companion's page` };
  }
  let parsed: URL;
  try {
    parsed = new URL(url ?? '/', 'http://placeholder');
  } catch {
    return { ok: false, status: 400, reason: 'the request target is not a valid URL' };
  }
  if (parsed.pathname !== '/ws') return { ok: false, status: 400, reason: 'WebSocket path must be /ws' };
  if (!tokenMatches(parsed.searchParams.get('token'), config.token)) {
    return { ok: false, status: 403, reason: 'missing or wrong token: reload the page the companion printed' };
  }
  return { ok: true };
}

/** Plain HTTP requests: a wrong Host is refused (DNS rebinding); the page itself needs no Origin. */
export function checkHttpHost(host: string | undefined, config: GuardConfig): boolean {
  return hostAllowed(host, config);
}
