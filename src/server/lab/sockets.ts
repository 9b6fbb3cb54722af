// The kernel observer's view of TCP: every TCP socket on some ports, with state, addresses,
// inode and timer. Primary: the resident sock_diag helper (src/lab/sockdiag.c), one netlink
// dump per sample. Fallback: parsing /proc/net/tcp and /proc/net/tcp6.

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { endianness } from 'node:os';
import type { KernelSocket, TcpState } from '../../trace/types.ts';
import { TCP_STATES } from '../../trace/types.ts';
import { portOf } from '../../trace/address.ts';

export type ObservedSocket = Omit<KernelSocket, 'holders'> & {
  /** Data bytes this end has sent (without retransmissions), when the observer knows (sock_diag does). */
  sent?: number;
  /** Data bytes this end has received in order, when the observer knows. */
  received?: number;
};

export interface SocketObserver {
  readonly kind: 'sock_diag' | 'proc';
  /** Every TCP socket whose local or remote port is one of `ports`. */
  sample(ports: readonly number[]): Promise<ObservedSocket[]>;
  close(): void;
}

const TIMER_KINDS = { 1: 'retransmit', 2: 'keepalive', 3: 'timewait', 4: 'probe' } as const;

function timer(kind: number, remainingMs: number): KernelSocket['timer'] | undefined {
  const k = TIMER_KINDS[kind as keyof typeof TIMER_KINDS];
  return k ? { kind: k, remainingMs } : undefined;
}

function socket(state: TcpState, local: string, remote: string, inode: number, t?: KernelSocket['timer']): ObservedSocket {
  return t ? { inode, state, local, remote, timer: t } : { inode, state, local, remote };
}


// ---------------------------------------------------------------------------------------------
// /proc/net/tcp

/** The kernel's state numbers (include/net/tcp_states.h) as RFC 9293 names. */
const PROC_STATES: Record<number, TcpState> = {
  1: 'ESTABLISHED',
  2: 'SYN_SENT',
  3: 'SYN_RECEIVED',
  4: 'FIN_WAIT_1',
  5: 'FIN_WAIT_2',
  6: 'TIME_WAIT',
  7: 'CLOSED',
  8: 'CLOSE_WAIT',
  9: 'LAST_ACK',
  10: 'LISTEN',
  11: 'CLOSING',
  12: 'SYN_RECEIVED', // NEW_SYN_RECV
};

/** USER_HZ: /proc/net/tcp gives timers in clock ticks, which are 1/100 s on Linux. */
const CLOCK_TICKS_PER_SECOND = 100;
const LITTLE_ENDIAN = endianness() === 'LE';

/** One 32-bit word of a /proc/net/tcp address, printed as the host's integer: its bytes in memory order. */
function wordBytes(hex: string): number[] {
  const v = parseInt(hex, 16);
  const bytes = [(v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
  return LITTLE_ENDIAN ? bytes.reverse() : bytes;
}

function procAddress(text: string): string {
  const [addrHex = '', portHex = '0'] = text.split(':');
  const port = parseInt(portHex, 16);
  const words = addrHex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap(wordBytes);
  if (bytes.length === 4) return `${bytes.join('.')}:${port}`;
  // IPv6; a v4-mapped address (::ffff:a.b.c.d) is shown as IPv4.
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) {
    return `${bytes.slice(12).join('.')}:${port}`;
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i]! << 8) | bytes[i + 1]!).toString(16));
  return `[${compressV6(groups)}]:${port}`;
}

/** RFC 5952 text form: the longest run of two or more zero groups becomes "::". */
function compressV6(groups: string[]): string {
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === '0') j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

/** Parse the text of /proc/net/tcp or /proc/net/tcp6. */
export function parseProcNetTcp(text: string): ObservedSocket[] {
  const out: ObservedSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    // sl local rem st tx:rx tr:when retrnsmt uid timeout inode …
    const f = line.trim().split(/\s+/);
    if (f.length < 10) continue;
    const state = PROC_STATES[parseInt(f[3]!, 16)];
    if (!state) continue;
    const [tr = '0', when = '0'] = f[5]!.split(':');
    const t = timer(parseInt(tr, 16), Math.round((parseInt(when, 16) * 1000) / CLOCK_TICKS_PER_SECOND));
    out.push(socket(state, procAddress(f[1]!), procAddress(f[2]!), Number(f[9]), t));
  }
  return out;
}

export function readProcNetTcp(ports: readonly number[]): ObservedSocket[] {
  const wanted = new Set(ports);
  const all: ObservedSocket[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'latin1');
    } catch {
      continue; // no IPv6
    }
    all.push(...parseProcNetTcp(text));
  }
  return all.filter((s) => wanted.has(portOf(s.local) ?? -1) || wanted.has(portOf(s.remote) ?? -1));
}

export class ProcNetObserver implements SocketObserver {
  readonly kind = 'proc' as const;
  async sample(ports: readonly number[]): Promise<ObservedSocket[]> {
    return readProcNetTcp(ports);
  }
  close(): void {}
}

// ---------------------------------------------------------------------------------------------
// sock_diag helper

interface HelperReply {
  ok: boolean;
  error?: string;
  sockets?: { state: string; local: string; remote: string; inode: number; timer: number; expiresMs: number; sent?: number; received?: number }[];
}

const STATES = new Set<string>(TCP_STATES);

/** How long one sock_diag dump may take before the helper is given up for /proc. It takes well under 1 ms. */
const HELPER_TIMEOUT_MS = 1000;

export class SockDiagObserver implements SocketObserver {
  readonly kind = 'sock_diag' as const;
  private readonly waiting: { resolve: (r: HelperReply) => void; reject: (e: Error) => void }[] = [];
  private buffer = '';
  private dead: Error | null = null;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        const waiter = this.waiting.shift();
        if (!waiter) continue;
        try {
          waiter.resolve(JSON.parse(line) as HelperReply);
        } catch {
          waiter.reject(new Error(`sock_diag helper: unreadable reply ${JSON.stringify(line.slice(0, 200))}`));
        }
      }
    });
    child.stderr.resume();
    const die = (why: string) => this.kill(why);
    child.on('error', (err) => die(`failed: ${err.message}`));
    child.on('exit', (code, signal) => die(`exited (${signal ?? `status ${code}`})`));
    child.stdin.on('error', () => die('closed its input'));
  }

  /** Start the helper and check that it answers. Rejects if sock_diag does not work here. */
  static async start(path: string): Promise<SockDiagObserver> {
    const child = spawn(path, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    const observer = new SockDiagObserver(child);
    try {
      await observer.sample([1]);
    } catch (err) {
      observer.close();
      throw err;
    }
    return observer;
  }

  sample(ports: readonly number[]): Promise<ObservedSocket[]> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<HelperReply>((resolve, reject) => {
      // Replies are matched to requests by order, so a helper that stops answering is killed,
      // not waited for: the caller falls back to /proc.
      const timer = setTimeout(() => {
        this.kill(`did not answer within ${HELPER_TIMEOUT_MS} ms`);
      }, HELPER_TIMEOUT_MS);
      this.waiting.push({
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.stdin.write(`${ports.join(' ')}\n`);
    }).then((reply) => {
      if (!reply.ok || !reply.sockets) throw new Error(`sock_diag helper: ${reply.error ?? 'no answer'}`);
      const out: ObservedSocket[] = [];
      for (const s of reply.sockets) {
        if (!STATES.has(s.state)) continue;
        const o = socket(s.state as TcpState, s.local, s.remote, s.inode, timer(s.timer, s.expiresMs));
        if (s.sent !== undefined && s.received !== undefined) {
          o.sent = s.sent;
          o.received = s.received;
        }
        out.push(o);
      }
      return out;
    });
  }

  private kill(why: string): void {
    this.dead ??= new Error(`sock_diag helper ${why}`);
    for (const w of this.waiting.splice(0)) w.reject(this.dead);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  close(): void {
    this.dead ??= new Error('sock_diag helper closed');
    this.child.stdin.end();
    this.child.kill('SIGKILL');
  }
}

/**
 * sock_diag when it works, /proc/net/tcp otherwise. If the helper fails mid-run, this switches
 * to /proc for good (and says so in `fallbackReason`) rather than failing the run.
 */
export class ResilientObserver implements SocketObserver {
  fallbackReason: string | null = null;
  private constructor(private primary: SocketObserver | null) {}

  static async open(helperPath: string): Promise<ResilientObserver> {
    try {
      return new ResilientObserver(await SockDiagObserver.start(helperPath));
    } catch (err) {
      const o = new ResilientObserver(null);
      o.fallbackReason = err instanceof Error ? err.message : String(err);
      return o;
    }
  }

  get kind(): 'sock_diag' | 'proc' {
    return this.primary ? this.primary.kind : 'proc';
  }

  async sample(ports: readonly number[]): Promise<ObservedSocket[]> {
    if (this.primary) {
      try {
        return await this.primary.sample(ports);
      } catch (err) {
        this.fallbackReason = err instanceof Error ? err.message : String(err);
        this.primary.close();
        this.primary = null;
      }
    }
    return readProcNetTcp(ports);
  }

  close(): void {
    this.primary?.close();
    this.primary = null;
  }
}

// ───────────── comparing samples (the runner waits until two agree) ─────────────

export function socketsKey(sockets: readonly ObservedSocket[]): string {
  return sockets.map((s) => `${s.inode} ${s.state} ${s.local} ${s.remote} ${s.sent ?? ''} ${s.received ?? ''}`).join('\n');
}

/**
 * Data sent by one end of a connection that its peer has not received yet: a segment still on
 * its way through loopback (softirq work can be deferred under load). A reader about to be woken
 * by it looks asleep in read(), so the step is not over until it has arrived. Also data not yet
 * acknowledged (the retransmission timer runs until it is): an ACK the receiver delays (~40 ms
 * on loopback) belongs to the step that sent the data, and the captured packets of a step must
 * not depend on how fast the next one comes.
 */
export function dataInFlight(sockets: readonly ObservedSocket[]): boolean {
  const byEnds = new Map(sockets.map((s) => [`${s.local} ${s.remote}`, s]));
  return sockets.some((s) => {
    const peer = byEnds.get(`${s.remote} ${s.local}`);
    if (s.timer?.kind === 'retransmit' && peer !== undefined) return true;
    return s.sent !== undefined && peer?.received !== undefined && s.sent > peer.received;
  });
}

/** By address then port, numerically: the listener, then the server's connections, then clients. */
function compareAddresses(a: string, b: string): number {
  const hostA = a.slice(0, a.lastIndexOf(':'));
  const hostB = b.slice(0, b.lastIndexOf(':'));
  return hostA < hostB ? -1 : hostA > hostB ? 1 : (portOf(a) ?? 0) - (portOf(b) ?? 0);
}

export function compareSockets(a: ObservedSocket, b: ObservedSocket): number {
  return compareAddresses(a.local, b.local) || compareAddresses(a.remote, b.remote) || a.inode - b.inode;
}
