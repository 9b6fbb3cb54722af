// Which line of which C file each process is at. Pure.

import type { ModelProcess, ModelSnapshot } from '../../model/types.ts';

export interface SourceMark {
  pid: number;
  role: string;
  /** Base name: server.c, client.c */
  file: string;
  line: number;
  /** What the process is doing there ("blocked in accept()"). */
  text: string;
}

export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/** One mark per live or zombie process that has a line; exited processes have none. */
export function sourceMarks(snapshot: ModelSnapshot, describe: (p: ModelProcess) => string): SourceMark[] {
  const out: SourceMark[] = [];
  for (const p of snapshot.processes) {
    if (p.status === 'exited') continue;
    const file = p.pendingCall?.file ?? p.file;
    const line = p.pendingCall?.line ?? p.line;
    if (!file || line === null || line === undefined) continue;
    out.push({ pid: p.pid, role: p.role, file: baseName(file), line, text: describe(p) });
  }
  return out;
}
