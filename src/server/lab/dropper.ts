// A `drop` step: lose the next segment of one kind arriving at one socket, with the helper
// build/lab/dropper (src/lab/dropper.c; docs/drops.md says why it works this way). The helper
// takes its own descriptor for the socket (pidfd_getfd), attaches a one-shot eBPF socket filter
// and closes that descriptor before it says "armed", so the lab process makes no extra call and
// the descriptor counts never change. It needs root (CAP_BPF, and ptrace rights over the lab
// process); where it is not allowed the drop is refused with the helper's reason.
//
//   armDrop(labDir, pid, fd, segment)   an ArmedDrop, or rejects with LabError 'lab-unavailable' (why)
//   drop.state                          'armed' → 'dropped' → 'passed'
//   drop.passed                         resolves once the retransmission got through
//   drop.close()                        kill the helper (the filter stays on the socket, harmless)

import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DropSegment } from '../../plan/types.ts';
import { LabError } from './errors.ts';

/** How long the helper may take to load and attach its filter. */
const ARM_TIMEOUT_MS = 2000;

export type DropState = 'armed' | 'dropped' | 'passed';

/** The kernel's CLOCK_MONOTONIC nanoseconds of the loss and of the retransmission that got through. */
export interface DropTimes {
  droppedAt: number;
  passedAt: number;
}

export function dropperPath(labDir: string): string {
  return join(labDir, 'dropper');
}

export class ArmedDrop {
  state: DropState = 'armed';
  droppedAt: number | null = null;
  passedAt: number | null = null;
  /** Resolves when the retransmission gets through; null if the helper ended first. */
  readonly passed: Promise<DropTimes | null>;
  private settlePassed!: (t: DropTimes | null) => void;

  constructor(
    private readonly helper: ChildProcessWithoutNullStreams,
    readonly pid: number,
    readonly fd: number,
    readonly segment: DropSegment,
  ) {
    this.passed = new Promise((resolve) => (this.settlePassed = resolve));
    helper.on('close', () => this.settlePassed(null));
  }

  /** A line from the helper after "armed". */
  hear(line: { kind?: unknown; t?: unknown }): void {
    const t = typeof line.t === 'number' ? line.t : null;
    if (line.kind === 'dropped' && this.state === 'armed') {
      this.state = 'dropped';
      this.droppedAt = t;
    } else if (line.kind === 'passed' && t !== null) {
      this.state = 'passed';
      this.passedAt = t;
      this.settlePassed({ droppedAt: this.droppedAt ?? t, passedAt: t });
    }
  }

  /** Whether the lost segment's retransmission has yet to get through: the socket is held. */
  get holding(): boolean {
    return this.state === 'dropped';
  }

  close(): void {
    if (this.helper.exitCode === null && this.helper.signalCode === null) this.helper.kill('SIGKILL');
  }
}

/** Arm a drop on the socket that process `pid`'s descriptor `fd` names. */
export function armDrop(labDir: string, pid: number, fd: number, segment: DropSegment): Promise<ArmedDrop> {
  const path = dropperPath(labDir);
  try {
    accessSync(path, constants.X_OK);
  } catch {
    return Promise.reject(new LabError('lab-unavailable', `a drop step needs build/lab/dropper, which is not built (run npm run build:lab)`));
  }
  const helper = spawn(path, [String(pid), String(fd), segment], { stdio: ['pipe', 'pipe', 'pipe'] });
  const drop = new ArmedDrop(helper, pid, fd, segment);
  let errors = '';
  helper.stderr.on('data', (c: Buffer) => (errors += c.toString()));
  return new Promise((resolve, reject) => {
    let armed = false;
    const timer = setTimeout(() => {
      drop.close();
      reject(new LabError('lab-unavailable', `the dropper did not arm its filter within ${ARM_TIMEOUT_MS / 1000} s`));
    }, ARM_TIMEOUT_MS);
    createInterface({ input: helper.stdout }).on('line', (text) => {
      let line: { kind?: unknown; error?: unknown; t?: unknown };
      try {
        line = JSON.parse(text) as typeof line;
      } catch {
        return;
      }
      if (armed) return drop.hear(line);
      clearTimeout(timer);
      if (line.kind === 'armed') {
        armed = true;
        resolve(drop);
      } else {
        const why = typeof line.error === 'string' ? line.error : text;
        reject(new LabError('lab-unavailable', `cannot drop segments here (${why}): a drop step needs root (CAP_BPF to load the socket filter, and the right to take the lab process's descriptor with pidfd_getfd)`));
      }
    });
    helper.on('error', (err) => {
      clearTimeout(timer);
      reject(new LabError('lab-unavailable', `the dropper did not start: ${err.message}`));
    });
    helper.on('close', (code) => {
      clearTimeout(timer);
      if (!armed) reject(new LabError('lab-unavailable', `the dropper ended (exit ${code}) before arming its filter${errors ? `: ${errors.trim()}` : ''}`));
    });
  });
}
