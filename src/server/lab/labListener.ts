// What the lab says, line by line (launcher.ts reads the lines): the reaper's reports, the
// programs' events, and text for people. Each becomes a trace event, and tells the runner where
// its process is (labProcess.ts), which processes exist, and which sockets are the run's.

import type { LabLine, Launch } from './launcher.ts';
import type { LabEvent } from './labProcess.ts';
import { noteLabEvent } from './labProcess.ts';
import type { LabProcesses } from './labProcesses.ts';
import type { Ownership } from './ownership.ts';
import { nowNs, type TraceWriter } from './records.ts';
import { portOf } from '../../trace/address.ts';
import { childRole } from '../../trace/roles.ts';

export class LabListener {
  constructor(
    private readonly procs: LabProcesses,
    private readonly trace: TraceWriter,
    private readonly owned: Ownership,
    /** The server's port and the local ports the run's clients connected from. */
    private readonly ports: Set<number>,
  ) {}

  line(l: Launch, line: LabLine): void {
    switch (line.kind) {
      case 'text':
        return this.output(l, 'stdout', `${line.text}\n`);
      case 'launched':
        this.procs.register(line.pid, l.role, l.program, true);
        this.trace.push({ kind: 'spawn', t: line.t, pid: line.pid, ppid: line.ppid, role: l.role, program: l.program, argv: l.args });
        return;
      case 'reaped':
        return this.procs.reaperReported(line.pid, line.status, line.signal, line.t);
      case 'exec-failed':
        return this.output(l, 'stderr', `could not run ${l.program}: errno ${line.errno}\n`);
      case 'event':
        return this.event(l, line.event);
    }
  }

  /** Text a program printed for people (err_sys's message on stderr explains an unexpected exit). */
  output(l: Launch, stream: 'stdout' | 'stderr', text: string, t = nowNs()): void {
    const p = l.pid !== null ? this.procs.get(l.pid) : undefined;
    if (p && stream === 'stderr') p.lastError = text;
    // Before the program has started, what is said is the reaper's own (exec failed …).
    this.trace.push({ kind: 'output', t, pid: l.pid ?? l.child.pid ?? 0, role: l.role, stream, text });
  }

  private event(l: Launch, e: LabEvent): void {
    const p = this.procs.register(e.pid, e.role, l.program, false);
    noteLabEvent(p, e);
    if (e.kind === 'return') {
      if (e.fn === 'fork' && e.ret > 0) this.procs.register(e.ret, childRole(p.forks), p.program, false, p.pid);
      if (e.fn === 'waitpid' && e.ret > 0) {
        const child = this.procs.get(e.ret);
        if (child) child.reapedStatus = { status: e.status ?? null, signal: e.signal ?? null };
      }
      const port = e.fn === 'connect' && e.local ? portOf(e.local) : null;
      if (port !== null) this.ports.add(port);
    }
    // The only signal a lab program reports is the lab's own parent-death check (lab.c).
    if (e.kind === 'signal') return this.trace.push({ ...e, from: 'lab' });
    this.owned.note(e);
    this.trace.push(e);
  }
}
