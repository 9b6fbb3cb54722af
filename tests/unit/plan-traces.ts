// Recorded traces for the plan analyses' tests (public/traces/*.jsonl), parsed once, and the ways
// a test changes one: cut at a step (as a stalled run ends), pids and ports moved (another run).

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseTrace } from '../../src/trace/parse.ts';
import type { EndEvent, Trace, TraceEvent } from '../../src/trace/types.ts';

const DIR = fileURLToPath(new URL('../../public/traces/', import.meta.url));

export const RECORDED = readdirSync(DIR)
  .filter((f) => f.endsWith('.jsonl'))
  .map((f) => f.replace(/\.jsonl$/, ''))
  .sort();

const cache = new Map<string, Trace>();

export function recorded(name: string): Trace {
  const hit = cache.get(name);
  if (hit) return hit;
  const parsed = parseTrace(readFileSync(`${DIR}${name}.jsonl`, 'utf8'));
  if (!parsed.ok) throw new Error(`${name}.jsonl does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  cache.set(name, parsed.trace);
  return parsed.trace;
}

export function stepCount(trace: Trace): number {
  return trace.events.filter((e) => e.kind === 'kernel' || e.kind === 'step').length;
}

/** The trace as a run that stopped after step `step` (its snapshot), with an `end` event saying why. */
export function cutAfter(trace: Trace, step: number, message: string): Trace {
  const at = trace.events.findIndex((e) => (e.kind === 'kernel' || e.kind === 'step') && e.step === step);
  const kept = trace.events.slice(0, at + 1);
  const last = kept[kept.length - 1]!;
  const end: EndEvent = { kind: 'end', seq: last.seq + 1, t: last.t + 1, reason: 'stopped', message };
  return { header: trace.header, events: [...kept, end] };
}

/** The same run as another one would give it: every pid moved by `by`, every client's ephemeral port too. */
export function anotherRun(trace: Trace, by = 7): Trace {
  const port = (addr: string): string => addr.replace(/:(\d+)$/, (m, p: string) => (Number(p) >= 32768 ? `:${Number(p) + by}` : m));
  const events = trace.events.map((e) => {
    const o = structuredClone(e) as TraceEvent & Record<string, unknown>;
    if (typeof o.pid === 'number') o.pid += by;
    if (typeof o.ppid === 'number') o.ppid += by;
    if (o.kind === 'return' && (o.fn === 'fork' || o.fn === 'waitpid') && o.ret > 0) o.ret += by;
    if (o.kind === 'return') {
      if (o.local) o.local = port(o.local);
      if (o.peer) o.peer = port(o.peer);
    }
    if (o.kind === 'kernel') {
      for (const p of o.processes) {
        p.pid += by;
        p.ppid += by;
      }
      for (const s of o.sockets) {
        s.local = port(s.local);
        s.remote = port(s.remote);
        for (const h of s.holders) h.pid += by;
      }
    }
    if (o.kind === 'packet') {
      o.from = port(o.from);
      o.to = port(o.to);
    }
    return o as TraceEvent;
  });
  return { header: trace.header, events };
}
