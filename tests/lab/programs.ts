// Starting lab programs directly (through build/lab/reaper, as the runner does), for tests of
// the lab itself rather than of the runner.

import { spawn, type ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { labPath } from '../../src/server/lab/availability.ts';

export interface Started {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Every stdout line so far, as read. */
  lines: string[];
  /** Resolves with the lab program's pid (from the reaper's lab-launched line). */
  pid: Promise<number>;
  /** Resolves when a stdout line satisfies the predicate (lines already read count). */
  waitFor(pred: (obj: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** Resolves when the reaper's pipes have closed: the program and all its children are gone. */
  closed: Promise<void>;
}

export function startProgram(program: 'server' | 'client', args: string[], opts: { step: boolean }): Started {
  const child = spawn(labPath('reaper'), [labPath(program), program, ...args], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH, FORKSCOPE_STEP: opts.step ? '1' : '0', FORKSCOPE_PPID: String(process.pid) },
  });
  const lines: string[] = [];
  const waiters: { pred: (o: Record<string, unknown>) => boolean; resolve: (o: Record<string, unknown>) => void }[] = [];
  let buffer = '';
  const check = (line: string) => {
    let obj: Record<string, unknown>;
    try {
      obj = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    for (const w of [...waiters]) {
      if (w.pred(obj)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(obj);
      }
    }
  };
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      check(line);
    }
  });
  child.stderr.resume();
  const waitFor = (pred: (o: Record<string, unknown>) => boolean, timeoutMs = 5000) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      for (const line of lines) {
        try {
          const obj = JSON.parse(line) as Record<string, unknown>;
          if (pred(obj)) return resolve(obj);
        } catch {
          // not JSON
        }
      }
      const timer = setTimeout(() => reject(new Error(`no matching line within ${timeoutMs} ms; got:\n${lines.join('\n')}`)), timeoutMs);
      waiters.push({
        pred,
        resolve: (o) => {
          clearTimeout(timer);
          resolve(o);
        },
      });
    });
  const pid = waitFor((o) => o.kind === 'lab-launched').then((o) => Number(o.pid));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, lines, pid, waitFor, closed };
}

/** Kill a started program's process group and wait until everything in it is reaped. */
export async function killProgram(s: Started): Promise<void> {
  const pid = await s.pid;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
  await s.closed;
}
