// Checks made before a WebSocket upgrade is accepted. The companion starts processes on
// the user's machine, so a page from any other origin (or a DNS-rebound host name) must
// not be able to drive it.

import { timingSafeEqual } from 'node:crypto';
import { hostname, networkInterfaces } from 'node:os';

export interface GuardConfig {
  /** The port the companion listens on. */
  port: number;
  /** Host names (without port) this companion answers to (read again when interfaces change). */
  hostNames: readonly string[];
  token: string;
}

export type GuardVerdict = { ok: true } | { ok: false; status: 400 | 403; reason: string };

/** What other machines may call this one: its interface addresses and its host name. */
export interface MachineNames {
  addresses: readonly string[];
  hostName: string;
}

/** This machine's names now (interfaces come and go: a laptop joins the classroom's network after starting). */
export function thisMachine(): MachineNames {
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  return { addresses, hostName: hostname() };
}

/** Whether the companion listens on every interface (other machines may reach it). */
export function bindsAllInterfaces(bindHost: string): boolean {
  return bindHost === '0.0.0.0' || bindHost === '::' || bindHost === '[::]';
}

const asHostName = (address: string) => (address.includes(':') ? `[${address}]` : address);

/**
 * Host names the companion answers to: loopback's always; the listening address when it is
 * another one; and, listening on every interface, each of the machine's addresses (v4, and v6
 * in brackets) and its host name, so that another machine in the classroom can open the
 * lessons. Any other name stays refused: a DNS-rebound name never reaches a page.
 */
export function allowedHostNames(bindHost: string, machine: () => MachineNames = thisMachine): string[] {
  const names = new Set(['localhost', '127.0.0.1', '[::1]']);
  if (!bindsAllInterfaces(bindHost)) {
    names.add(asHostName(bindHost));
    return [...names];
  }
  const { addresses, hostName } = machine();
  for (const address of addresses) names.add(asHostName(address));
  if (hostName) names.add(hostName.toLowerCase());
  return [...names];
}

function hostAllowed(host: string | undefined, config: GuardConfig): boolean {
  if (!host) return false;
  // Host names are case-insensitive; addresses have no case but for IPv6 hex digits.
  const given = host.toLowerCase();
  return config.hostNames.some((name) => given === `${name.toLowerCase()}:${config.port}`);
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

/** Whether a peer address is this machine's loopback (IPv4, IPv6, or IPv4-mapped). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4.startsWith('127.') || address === '::1';
}

export const LIVE_ONLY_HERE = 'live runs only on the machine running the companion';

/**
 * An upgrade from another machine is refused outright, whatever it carries: live runs start
 * processes here, so they are for a browser on this machine (which alone is given the token).
 */
export function checkUpgradePeer(remoteAddress: string | undefined): GuardVerdict {
  if (isLoopback(remoteAddress)) return { ok: true };
  return { ok: false, status: 403, reason: `${LIVE_ONLY_HERE}: ${remoteAddress ?? 'an unknown peer'} is another machine` };
}

/** Plain HTTP requests: a wrong Host is refused (DNS rebinding); the page itself needs no Origin. */
export function checkHttpHost(host: string | undefined, config: GuardConfig): boolean {
  return hostAllowed(host, config);
}
