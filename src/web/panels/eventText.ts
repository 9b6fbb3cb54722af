// One line of the event log for one trace event. Pure.

import type { Scalar, TraceEvent } from '../../trace/types.ts';

function scalar(v: Scalar): string {
  if (typeof v === 'string') return /^[A-Z_0-9|]+$|^\d+\.\d+\.\d+\.\d+:\d+$/.test(v) ? v : JSON.stringify(v);
  return String(v);
}

export function formatArgs(args: Record<string, Scalar>): string {
  return Object.entries(args)
    .map(([k, v]) => `${k}=${scalar(v)}`)
    .join(', ');
}

function clip(s: string, n = 60): string {
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

export interface EventLine {
  /** Who: a role, or 'kernel' / 'model' (a predicted step's end) / 'run'. */
  who: string;
  kind: TraceEvent['kind'];
  text: string;
}

export function eventLine(e: TraceEvent): EventLine {
  switch (e.kind) {
    case 'spawn':
      return { who: e.role, kind: e.kind, text: `started ${e.program} (pid ${e.pid}, ppid ${e.ppid})` };
    case 'call':
      return { who: e.role, kind: e.kind, text: `${e.fn}(${formatArgs(e.args)})  ${e.file}:${e.line}` };
    case 'ready':
      return { who: e.role, kind: e.kind, text: `${e.fn} woken on fd ${e.fd}` };
    case 'release':
      return { who: e.role, kind: e.kind, text: `the lab's gate opens: on into ${e.fn}()` };
    case 'return': {
      const extra: string[] = [];
      if (e.peer) extra.push(`peer ${e.peer}`);
      if (e.local && !e.peer) extra.push(`local ${e.local}`);
      if (e.data !== undefined) extra.push(JSON.stringify(clip(e.data, 30)));
      const err = e.errno ? ` ${e.errno}` : '';
      return { who: e.role, kind: e.kind, text: `${e.fn} → ${e.ret}${err}${extra.length ? `  ${extra.join(', ')}` : ''}` };
    }
    case 'exit':
      return {
        who: e.role,
        kind: e.kind,
        text: e.signal ? `killed by ${e.signal}` : `exited with status ${e.status ?? '?'}`,
      };
    case 'signal':
      if (e.from === 'lab') {
        return { who: e.role, kind: e.kind, text: `${e.signal}: the lab's parent-death check (forkscope's session is alive; the call goes on)` };
      }
      return { who: e.role, kind: e.kind, text: `the ${e.from} sends ${e.signal} to pid ${e.pid}` };
    case 'drop':
      return { who: e.role, kind: e.kind, text: `the runner drops the next ${e.segment} arriving at fd ${e.fd}'s socket` };
    case 'lost':
      return { who: e.role, kind: e.kind, text: `a ${e.segment} is lost at fd ${e.fd}'s socket (${e.local} ↔ ${e.remote})` };
    case 'retransmit':
      return { who: e.role, kind: e.kind, text: `${e.segment} retransmitted, ${Math.round((e.t - e.droppedAt) / 1e6)} ms after the lost one: it gets through to fd ${e.fd}'s socket` };
    case 'output':
      return { who: e.role, kind: e.kind, text: `${e.stream}: ${JSON.stringify(clip(e.text))}` };
    case 'kernel':
      return {
        who: 'kernel',
        kind: e.kind,
        text: `snapshot after step ${e.step + 1} (${e.label}): ${e.processes.length} processes, ${e.sockets.length} sockets`,
      };
    case 'step':
      return { who: 'model', kind: e.kind, text: `predicted step ${e.step + 1} (${e.label}): the model alone, no kernel ran it` };
    case 'packet': {
      // Raw numbers, as captured; the sequence diagram shows them relative to each side's first.
      const ack = e.tcpAck === null ? '' : ` ack ${e.tcpAck}`;
      return { who: 'lo', kind: e.kind, text: `${e.from} → ${e.to} ${e.flags.join('+')} seq ${e.tcpSeq}${ack} len ${e.len} win ${e.window}` };
    }
    case 'end':
      return { who: 'run', kind: e.kind, text: `run ${e.reason}${e.message ? `: ${e.message}` : ''}` };
  }
}

/** Rows to render for a scrolled list of fixed-height rows: [first, last) with overscan. */
export function windowRange(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 10): [number, number] {
  if (count <= 0 || rowHeight <= 0) return [0, 0];
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(count, Math.ceil((scrollTop + Math.max(viewport, rowHeight)) / rowHeight) + overscan);
  return [first, Math.max(first, last)];
}

/** Which row ↑, ↓, Home or End moves to from row `at` of `count` (no wrapping), or null for other keys. Pure. */
export function rowKeyTarget(key: string, at: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowDown':
      return Math.min(count - 1, at + 1);
    case 'ArrowUp':
      return Math.max(0, at - 1);
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}

/**
 * The line under the event log about the events not shown yet. Before the last step they are the
 * steps to come; after it, the run's end (the processes forkscope stops, the end record). Pure.
 */
export function laterEventsText(later: readonly TraceEvent[], atLastStep: boolean): string {
  const n = later.length;
  const events = n === 1 ? 'event' : 'events';
  if (!atLastStep) return `${n} later ${events}: step on to see ${n === 1 ? 'it' : 'them'}`;
  const stopped = [...new Set(later.filter((e) => e.kind === 'exit').map((e) => ('role' in e ? String(e.role) : '')))].filter(Boolean);
  const what = stopped.length > 0 ? `forkscope stops ${stopped.join(', ')} and ends the run` : 'the run ends';
  return `${n} ${events} after the last step: the run’s end (${what})`;
}
