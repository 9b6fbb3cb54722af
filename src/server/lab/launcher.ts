// Starting a lab program through the reaper (src/lab/reaper.c), and reading what it writes.
// The reaper and the program share stdout: the reaper's own lines (lab-launched, lab-reaped,
// lab-exec-failed) are the runner's, never in a trace; the program's are trace events; anything
// else is output for people.

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { Program } from '../../trace/types.ts';
import { labPath, type LabProgram } from './availability.ts';
import type { LabEvent } from './labProcess.ts';

/** A program started through the reaper. */
export interface Launch {
  role: string;
  program: Program;
  args: string[];
  child: ChildProcessByStdio<null, Readable, Readable>;
  pid: number | null;
  pgid: number | null;
  /** Its pipes have closed: everything it started is gone (and the ids may be reused). */
  closed: boolean;
}

/** One line of a launch's stdout, read. */
export type LabLine =
  | { kind: 'launched'; pid: number; ppid: number; pgid: number; t: number }
  | { kind: 'reaped'; pid: number; status: number | null; signal: string | null; t: number }
  | { kind: 'exec-failed'; errno: string }
  | { kind: 'event'; event: LabEvent }
  | { kind: 'text'; text: string };

const EVENT_KINDS = new Set(['call', 'ready', 'return', 'output', 'signal']);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What a line of stdout is. Pure. */
export function parseLabLine(line: string): LabLine {
  let obj: unknown;
  try {
    obj = JSON.parse(line);
  } catch {
    obj = null;
  }
  if (!isObject(obj) || typeof obj.kind !== 'string') return { kind: 'text', text: line };
  switch (obj.kind) {
    case 'lab-launched':
      return { kind: 'launched', pid: Number(obj.pid), ppid: Number(obj.ppid), pgid: Number(obj.pgid), t: Number(obj.t) };
    case 'lab-reaped':
      return { kind: 'reaped', pid: Number(obj.pid), status: obj.status as number | null, signal: obj.signal as string | null, t: Number(obj.t) };
    case 'lab-exec-failed':
      return { kind: 'exec-failed', errno: String(obj.errno) };
  }
  if (EVENT_KINDS.has(obj.kind) && typeof obj.pid === 'number' && typeof obj.role === 'string' && typeof obj.t === 'number') {
    return { kind: 'event', event: obj as unknown as LabEvent };
  }
  return { kind: 'text', text: line };
}

/** A line longer than this without a newline is passed on as it is. */
const MAX_LINE = 64 * 1024;

/** Call `onLine` for each line of the stream (and for a final line without a newline). */
export function readLines(stream: Readable, onLine: (line: string) => void): void {
  let buffer = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      onLine(line);
    }
    if (buffer.length > MAX_LINE) {
      onLine(buffer);
      buffer = '';
    }
  });
  stream.on('end', () => {
    if (buffer) onLine(buffer);
    buffer = '';
  });
}

export interface LaunchHandlers {
  onStdout: (l: Launch, line: LabLine) => void;
  onStderr: (l: Launch, line: string) => void;
  /** The reaper's pipes closed: it has exited, and reaped everything its program left. */
  onClosed: (l: Launch) => void;
}

/**
 * Start `program` through the reaper (from the file `binary`: the program itself, or the sandbox
 * that plays every role of a plan); resolves with the program's pid once the reaper says it
 * launched it, or fails naming what went wrong (no reaper, an early exit, no word in `timeoutMs`).
 */
export function launch(
  labDir: string,
  program: Program,
  role: string,
  args: string[],
  handlers: LaunchHandlers,
  timeoutMs: number,
  binary: LabProgram = program,
): { launch: Launch; launched: Promise<number> } {
  const child = spawn(labPath('reaper', labDir), [labPath(binary, labDir), binary, ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LC_ALL: 'C',
      FORKSCOPE_STEP: '1',
      FORKSCOPE_PPID: String(process.pid),
    },
  });
  const l: Launch = { role, program, args, child, pid: null, pgid: null, closed: false };
  const launched = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${program} did not start within ${timeoutMs} ms`)), timeoutMs);
    const settle = (f: () => void) => {
      clearTimeout(timer);
      f();
    };
    readLines(child.stdout, (text) => {
      const line = parseLabLine(text);
      if (line.kind === 'launched') {
        l.pid = line.pid;
        l.pgid = line.pgid;
      }
      handlers.onStdout(l, line);
      if (line.kind === 'launched') settle(() => resolve(line.pid));
    });
    readLines(child.stderr, (text) => handlers.onStderr(l, text));
    child.on('error', (err) => settle(() => reject(new Error(`could not start ${program}: ${err.message}`))));
    child.on('exit', (code, signal) => {
      if (l.pid === null) settle(() => reject(new Error(`could not start ${program}: the reaper exited (${signal ?? `status ${code}`})`)));
    });
  });
  child.on('close', () => {
    l.closed = true;
    handlers.onClosed(l);
  });
  return { launch: l, launched };
}
