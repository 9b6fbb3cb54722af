// The run's own TCP segments, captured on lo by the resident helper build/lab/capture
// (src/lab/capture.c). It needs root or CAP_NET_RAW; where it is not allowed (or turned off with
// FORKSCOPE_CAPTURE=off) the run goes on without it and its header says why, so the packet
// diagram says "modelled".
//
//   openCapture()      start the helper: a PacketCapture, or the reason there is none
//   capture.sync(ps)   the segments between the ports `ps` that arrived since the last sync
//   capture.close()    kill the helper; resolves once it has exited

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { PACKET_FLAGS, type CaptureStatus, type PacketEvent, type PacketFlag } from '../../trace/types.ts';
import { LabError } from './errors.ts';
import { portOf } from '../../trace/address.ts';

/** A packet as the trace carries it, before the runner numbers it. */
export type CapturedSegment = Omit<PacketEvent, 'seq'>;

export type CaptureMode = 'auto' | 'off';

/** How long the helper may take to start or to answer a command (a sync takes well under 1 ms; a busy machine is slow). */
const HELPER_TIMEOUT_MS = 2000;

/** FORKSCOPE_CAPTURE=off turns capture off; anything else leaves it to what the machine allows. */
export function captureModeFromEnv(env: NodeJS.ProcessEnv = process.env): CaptureMode {
  return env.FORKSCOPE_CAPTURE?.trim().toLowerCase() === 'off' ? 'off' : 'auto';
}

interface HelperLine {
  kind: string;
  error?: string;
  errno?: string;
  count?: number;
  dropped?: number;
  [field: string]: unknown;
}

interface Waiter {
  lines: HelperLine[];
  /** The line that ends this command's answer. */
  last: (l: HelperLine) => boolean;
  resolve: (lines: HelperLine[]) => void;
  reject: (e: Error) => void;
}

const FLAGS = new Set<string>(PACKET_FLAGS);

/** The helper's packet line as a trace packet, or null if it is not one. */
export function toSegment(l: HelperLine): CapturedSegment | null {
  const { t, from, to, flags, tcpSeq, tcpAck, len, window } = l;
  if (l.kind !== 'packet' || typeof t !== 'number' || typeof from !== 'string' || typeof to !== 'string') return null;
  if (!Array.isArray(flags) || !flags.every((f) => typeof f === 'string' && FLAGS.has(f))) return null;
  if (typeof tcpSeq !== 'number' || (tcpAck !== null && typeof tcpAck !== 'number') || typeof len !== 'number' || typeof window !== 'number') return null;
  return { kind: 'packet', t, from, to, flags: flags as PacketFlag[], tcpSeq, tcpAck: tcpAck as number | null, len, window };
}

/**
 * This run's segments, oldest first. The kernel filter keeps a segment with either port in the
 * set (a client's SYN comes before its connect returns and names its port); here both must be
 * ours, so another run's connection that happens to reuse one of our clients' ports is left out.
 */
export function ownSegments(segments: readonly CapturedSegment[], ports: ReadonlySet<number>): CapturedSegment[] {
  return segments.filter((s) => ports.has(portOf(s.from) ?? -1) && ports.has(portOf(s.to) ?? -1)).sort((a, b) => a.t - b.t);
}

export class PacketCapture {
  private readonly waiting: Waiter[] = [];
  private buffer = '';
  private dead: Error | null = null;
  private portsSent = '';
  /** Segments the kernel dropped because our queue was full (the capture is then incomplete). */
  dropped = 0;
  private readonly exited: Promise<void>;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    // 'close', not 'exit': stdout is read to its end first, so a last line (unavailable …) is not lost.
    this.exited = new Promise((resolve) => child.once('close', () => resolve()));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onData(chunk));
    child.stderr.resume();
    child.on('error', (err) => this.fail(`failed: ${err.message}`));
    child.on('close', (code, signal) => this.fail(`exited (${signal ?? `status ${code}`})`));
    child.stdin.on('error', () => this.fail('closed its input'));
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /**
   * Start the helper (`command` goes before its path: tests run it as another user). Resolves
   * with the capture, or with the reason capture is unavailable; never rejects.
   */
  static async start(path: string, command: readonly string[] = []): Promise<{ capture: PacketCapture } | { capture: null; reason: string }> {
    const [file, ...args] = [...command, path];
    const child = spawn(file!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const capture = new PacketCapture(child);
    try {
      const [first] = await capture.request(null, () => true);
      if (first?.kind === 'ready') return { capture };
      const why = first?.errno === 'EPERM' || first?.errno === 'EACCES' ? 'not permitted (capturing on lo needs root or CAP_NET_RAW)' : 'the capture helper could not start';
      capture.close();
      return { capture: null, reason: `${why}: ${first?.error ?? JSON.stringify(first)}` };
    } catch (err) {
      capture.close();
      return { capture: null, reason: err instanceof Error ? err.message : String(err) };
    }
  }

  /** The segments between `ports` (both ends) that arrived since the last sync, oldest first. */
  async sync(ports: ReadonlySet<number>): Promise<CapturedSegment[]> {
    const list = [...ports].sort((a, b) => a - b).join(' ');
    if (list !== this.portsSent) {
      const [answer] = await this.request(`ports ${list}`, () => true);
      if (answer?.kind !== 'ports') throw new Error(`packet capture helper: ${answer?.error ?? 'no answer to ports'}`);
      this.portsSent = list;
    }
    const lines = await this.request('sync', (l) => l.kind === 'synced' || l.kind === 'error');
    const end = lines.at(-1);
    if (end?.kind !== 'synced') throw new Error(`packet capture helper: ${end?.error ?? 'no answer to sync'}`);
    this.dropped += end.dropped ?? 0;
    // The header promised every step's segments: a capture that lost some would make the model
    // look wrong ("not captured") when the capture is.
    if ((end.dropped ?? 0) > 0) throw new Error(`packet capture lost ${end.dropped} segments (its queue was full)`);
    const segments = lines.map(toSegment).filter((s): s is CapturedSegment => s !== null);
    return ownSegments(segments, ports);
  }

  /** Kill the helper; resolves when it has exited. */
  close(): Promise<void> {
    this.dead ??= new Error('packet capture helper closed');
    for (const w of this.waiting.splice(0)) w.reject(this.dead);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
    return this.exited;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const text = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const waiter = this.waiting[0];
      if (!waiter) continue;
      let line: HelperLine;
      try {
        line = JSON.parse(text) as HelperLine;
      } catch {
        this.fail(`unreadable line ${JSON.stringify(text.slice(0, 200))}`);
        return;
      }
      waiter.lines.push(line);
      if (waiter.last(line)) {
        this.waiting.shift();
        waiter.resolve(waiter.lines);
      }
    }
  }

  /** Send a command (null: only wait for the first line) and collect its answer. */
  private request(command: string | null, last: (l: HelperLine) => boolean): Promise<HelperLine[]> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise<HelperLine[]>((resolve, reject) => {
      // Answers are matched to commands by order, so a helper that stops answering is killed.
      const timer = setTimeout(() => this.fail(`did not answer within ${HELPER_TIMEOUT_MS} ms`), HELPER_TIMEOUT_MS);
      this.waiting.push({
        lines: [],
        last,
        resolve: (lines) => {
          clearTimeout(timer);
          resolve(lines);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      if (command !== null) this.child.stdin.write(`${command}\n`);
    });
  }

  private fail(why: string): void {
    this.dead ??= new Error(`packet capture helper ${why}`);
    for (const w of this.waiting.splice(0)) w.reject(this.dead);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** The path of the helper in a lab directory. */
export function capturePath(labDir: string): string {
  return join(labDir, 'capture');
}

/** Start capturing for a run if allowed: the capture (or null) and what the trace header says. */
export async function openCapture(labDir: string, mode: CaptureMode): Promise<{ capture: PacketCapture | null; status: CaptureStatus }> {
  if (mode === 'off') return { capture: null, status: { packets: false, reason: 'packet capture is turned off (FORKSCOPE_CAPTURE=off)' } };
  const path = capturePath(labDir);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return { capture: null, status: { packets: false, reason: 'the capture helper is not built (npm run build:lab builds build/lab/capture)' } };
  }
  const started = await PacketCapture.start(path);
  return started.capture ? { capture: started.capture, status: { packets: true } } : { capture: null, status: { packets: false, reason: started.reason } };
}

/**
 * The run's segments that crossed lo since the last call: none when not capturing. Called once a
 * step has settled, when every segment it caused has been queued to the capture socket (a packet
 * socket gets a segment as it arrives on lo, before TCP processes it). A failed sync fails the
 * run: the header promised every step's packets, and a trace that silently lost some would be wrong.
 */
export async function stepSegments(capture: PacketCapture | null, ports: ReadonlySet<number>): Promise<CapturedSegment[]> {
  if (!capture) return [];
  try {
    return await capture.sync(ports);
  } catch (err) {
    throw new LabError('lab-failed', `packet capture failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
