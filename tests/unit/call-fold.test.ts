// The lifecycle of a call (src/trace/callFold.ts), row by row: from each place a process can be in,
// what each event of that process does. Then the fold alone — no model — against the kernel's own
// answer in every recorded trace: at each snapshot, a process the fold has at the gate sleeps in
// the gate's system call, one it has inside a call sleeps in a system call that stands for it,
// and one it has running is in none.

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CALLS_START, atGate, foldCall, foldCalls, inHandler, kernelCallsAt, type CallLifeEvent, type CallState } from '../../src/trace/callFold.ts';
import { parseTrace } from '../../src/trace/parse.ts';
import { GATE_SYSCALL, kernelCallsFor } from '../../src/trace/syscalls.ts';
import type { CallName, ReturningCall, TraceEvent } from '../../src/trace/types.ts';

// Built as the lab writes them; typed loosely here so that rows can be short.
const call = (fn: string, line: number, args: Record<string, string | number> = {}, waitsIn?: 'poll'): CallLifeEvent => ({
  kind: 'call',
  fn: fn as CallName,
  file: fn === 'waitpid' ? 'sigchld.c' : 'server.c',
  line,
  args: args as never,
  ...(waitsIn ? { waitsIn } : {}),
});
const E = {
  accept: call('accept', 30, { fd: 3 }),
  acceptPoll: call('accept', 30, { fd: 3 }, 'poll'),
  waitpid: call('waitpid', 12, { pid: -1, options: 'WNOHANG' }),
  release: (fn: string): CallLifeEvent => ({ kind: 'release', fn: fn as CallName }),
  ready: (fn: string): CallLifeEvent => ({ kind: 'ready', fn: fn as 'accept' }),
  ret: (fn: string): CallLifeEvent => ({ kind: 'return', fn: fn as ReturningCall }),
  exit: { kind: 'exit' } as CallLifeEvent,
  stepEnd: { kind: 'step-end' } as CallLifeEvent,
  seen: (place: 'gate' | 'kernel' | 'running', blockedIn: string | null): CallLifeEvent => ({ kind: 'step-end', observed: { place, blockedIn } }),
};

/** A route from a process's start to each place it can be in. */
const ROUTES = {
  running: [],
  'running (after a call)': [E.accept, E.release('accept'), E.ret('accept')],
  gate: [E.accept],
  'in-call': [E.accept, E.release('accept')],
  'in-call (waiting in poll)': [E.acceptPoll, E.release('accept')],
  'handler, at its gate (accept was in the kernel)': [E.accept, E.release('accept'), E.waitpid],
  'handler, in its call': [E.accept, E.release('accept'), E.waitpid, E.release('waitpid')],
  'handler, its call returned (accept was in the kernel)': [E.accept, E.release('accept'), E.waitpid, E.release('waitpid'), E.ret('waitpid')],
  'handler, its call returned (accept was at its gate)': [E.accept, E.waitpid, E.release('waitpid'), E.ret('waitpid')],
  'handler, its call returned (accept waited in poll)': [E.acceptPoll, E.release('accept'), E.waitpid, E.release('waitpid'), E.ret('waitpid')],
  exited: [E.accept, E.release('accept'), E.exit],
} satisfies Record<string, CallLifeEvent[]>;

type From = keyof typeof ROUTES;

/** What a state shows: where, the pending call (fn, line, waitsIn), the interrupted calls, the last call's line. */
interface Shown {
  place: CallState['place'];
  pending: string | null;
  interrupted: string[];
  line: number | null;
}

function show(s: CallState): Shown {
  const text = (c: { fn: string; line: number; waitsIn?: string }) => `${c.fn}:${c.line}${c.waitsIn ? ` (${c.waitsIn})` : ''}`;
  return {
    place: s.place,
    pending: s.pending && text(s.pending),
    interrupted: s.interrupted.map((c) => `${text(c.call)} ${c.place}`),
    line: s.last?.line ?? null,
  };
}

interface Row {
  from: From;
  behaviour: string;
  event: CallLifeEvent;
  to: Shown | 'unchanged';
}

const ROWS: Row[] = [
  // running
  { from: 'running', behaviour: 'a call stops it at the gate before the call', event: E.accept, to: { place: 'gate', pending: 'accept:30', interrupted: [], line: 30 } },
  { from: 'running', behaviour: 'a release with nothing pending changes nothing', event: E.release('accept'), to: 'unchanged' },
  { from: 'running', behaviour: 'the end of a step changes nothing', event: E.stepEnd, to: 'unchanged' },
  { from: 'running (after a call)', behaviour: 'a return with nothing pending (a forked child’s half of fork) leaves it running', event: E.ret('fork'), to: { place: 'running', pending: null, interrupted: [], line: 30 } },
  { from: 'running (after a call)', behaviour: 'a ready no call announced puts it at the gate before that call, at the last line', event: E.ready('accept'), to: { place: 'gate', pending: 'accept:30', interrupted: [], line: 30 } },
  { from: 'running', behaviour: 'exit ends it', event: E.exit, to: { place: 'exited', pending: null, interrupted: [], line: null } },
  // gate
  { from: 'gate', behaviour: 'the release takes it into its call', event: E.release('accept'), to: { place: 'in-call', pending: 'accept:30', interrupted: [], line: 30 } },
  { from: 'gate', behaviour: 'a return (no release in a 1.0 trace) makes it run', event: E.ret('accept'), to: { place: 'running', pending: null, interrupted: [], line: 30 } },
  { from: 'gate', behaviour: 'a call while at the gate is a signal handler’s: the gated call is interrupted, at its gate', event: E.waitpid, to: { place: 'gate', pending: 'waitpid:12', interrupted: ['accept:30 gate'], line: 12 } },
  { from: 'gate', behaviour: 'exit (killed at the gate) leaves nothing pending', event: E.exit, to: { place: 'exited', pending: null, interrupted: [], line: 30 } },
  { from: 'gate', behaviour: 'the end of a step changes nothing (1.1)', event: E.stepEnd, to: 'unchanged' },
  { from: 'gate', behaviour: 'a 1.0 snapshot that has it asleep in its call puts it inside', event: E.seen('kernel', 'accept'), to: { place: 'in-call', pending: 'accept:30', interrupted: [], line: 30 } },
  { from: 'gate', behaviour: 'a 1.0 snapshot that has it at the gate changes nothing', event: E.seen('gate', 'accept'), to: 'unchanged' },
  { from: 'gate', behaviour: 'a 1.0 snapshot that has it asleep in another call changes nothing', event: E.seen('kernel', 'read'), to: 'unchanged' },
  // in-call
  { from: 'in-call', behaviour: 'the return makes it run', event: E.ret('accept'), to: { place: 'running', pending: null, interrupted: [], line: 30 } },
  { from: 'in-call', behaviour: 'a second release changes nothing', event: E.release('accept'), to: 'unchanged' },
  { from: 'in-call', behaviour: 'a call inside it is a signal handler’s: the call is interrupted, in the kernel', event: E.waitpid, to: { place: 'gate', pending: 'waitpid:12', interrupted: ['accept:30 in-call'], line: 12 } },
  { from: 'in-call', behaviour: 'the end of a step changes nothing', event: E.stepEnd, to: 'unchanged' },
  { from: 'in-call (waiting in poll)', behaviour: 'ready: the wait in poll is over, at the gate before the call itself', event: E.ready('accept'), to: { place: 'gate', pending: 'accept:30', interrupted: [], line: 30 } },
  { from: 'in-call (waiting in poll)', behaviour: 'the return (no lab pause) makes it run', event: E.ret('accept'), to: { place: 'running', pending: null, interrupted: [], line: 30 } },
  // in a signal handler
  { from: 'handler, at its gate (accept was in the kernel)', behaviour: 'the release takes it into the handler’s call; accept stays interrupted', event: E.release('waitpid'), to: { place: 'in-call', pending: 'waitpid:12', interrupted: ['accept:30 in-call'], line: 12 } },
  { from: 'handler, in its call', behaviour: 'the handler’s call returns: running in the handler, accept still interrupted', event: E.ret('waitpid'), to: { place: 'running', pending: null, interrupted: ['accept:30 in-call'], line: 12 } },
  { from: 'handler, its call returned (accept was in the kernel)', behaviour: 'the end of the step: the handler has returned, back inside accept (SA_RESTART)', event: E.stepEnd, to: { place: 'in-call', pending: 'accept:30', interrupted: [], line: 30 } },
  { from: 'handler, its call returned (accept was at its gate)', behaviour: 'the end of the step: back at accept’s gate', event: E.stepEnd, to: { place: 'gate', pending: 'accept:30', interrupted: [], line: 30 } },
  { from: 'handler, its call returned (accept waited in poll)', behaviour: 'the end of the step: back in the lab’s wait in poll', event: E.stepEnd, to: { place: 'in-call', pending: 'accept:30 (poll)', interrupted: [], line: 30 } },
  { from: 'handler, its call returned (accept was in the kernel)', behaviour: 'accept fails with EINTR: the handler returned into it, and it returns', event: E.ret('accept'), to: { place: 'running', pending: null, interrupted: [], line: 30 } },
  { from: 'handler, its call returned (accept was in the kernel)', behaviour: 'another waitpid (the handler’s loop): at its gate, accept still interrupted', event: E.waitpid, to: { place: 'gate', pending: 'waitpid:12', interrupted: ['accept:30 in-call'], line: 12 } },
  { from: 'handler, its call returned (accept waited in poll)', behaviour: 'ready: the handler returned and the poll found a connection, at accept’s gate', event: E.ready('accept'), to: { place: 'gate', pending: 'accept:30', interrupted: [], line: 30 } },
  { from: 'handler, its call returned (accept was in the kernel)', behaviour: 'a 1.0 snapshot that has it asleep in accept: back inside accept', event: E.seen('kernel', 'accept'), to: { place: 'in-call', pending: 'accept:30', interrupted: [], line: 30 } },
  { from: 'handler, its call returned (accept was at its gate)', behaviour: 'a 1.0 snapshot that has it at accept’s gate: back at the gate', event: E.seen('gate', 'accept'), to: { place: 'gate', pending: 'accept:30', interrupted: [], line: 30 } },
  { from: 'handler, its call returned (accept was in the kernel)', behaviour: 'a 1.0 snapshot that has it running: still in the handler', event: E.seen('running', null), to: 'unchanged' },
  { from: 'handler, in its call', behaviour: 'exit ends it, the interrupted call with it', event: E.exit, to: { place: 'exited', pending: null, interrupted: [], line: 12 } },
  // exited
  { from: 'exited', behaviour: 'nothing happens after exit: a call', event: E.accept, to: 'unchanged' },
  { from: 'exited', behaviour: 'nothing happens after exit: a return', event: E.ret('accept'), to: 'unchanged' },
  { from: 'exited', behaviour: 'nothing happens after exit: the end of a step', event: E.stepEnd, to: 'unchanged' },
];

describe('the call fold, row by row', () => {
  it('starts running, nothing pending, no handler', () => {
    expect(show(CALLS_START)).toEqual({ place: 'running', pending: null, interrupted: [], line: null });
    expect(atGate(CALLS_START)).toBe(false);
    expect(inHandler(CALLS_START)).toBe(false);
  });

  const groups = new Map<string, Row[]>();
  for (const row of ROWS) {
    const from = row.from.split(/[ ,]/)[0]!;
    groups.set(from, [...(groups.get(from) ?? []), row]);
  }
  for (const [from, rows] of groups) {
    describe(`from ${from}`, () => {
      for (const row of rows) {
        const via = row.from === from ? '' : ` (${row.from})`;
        it(`${row.behaviour}${via}`, () => {
          const before = foldCalls(ROUTES[row.from]);
          const after = foldCall(before, row.event);
          if (row.to === 'unchanged') expect(after).toBe(before);
          else expect(show(after)).toEqual(row.to);
        });
      }
    });
  }

  it('keeps a call’s arguments: the pending call’s, and the interrupted call’s once it resumes', () => {
    const s = foldCalls([E.accept, E.release('accept'), E.waitpid]);
    expect(s.pending?.args).toEqual({ pid: -1, options: 'WNOHANG' });
    const back = foldCalls([E.release('waitpid'), E.ret('waitpid'), E.stepEnd], s);
    expect(back.pending?.args).toEqual({ fd: 3 });
    expect(back.last).toBe(back.pending);
  });

  it('nests: a handler inside a handler resumes innermost first', () => {
    const s = foldCalls([E.accept, E.release('accept'), call('read', 40), call('waitpid', 12)]);
    expect(show(s).interrupted).toEqual(['accept:30 in-call', 'read:40 gate']);
    const out = foldCalls([E.ret('waitpid'), E.stepEnd], s);
    expect(show(out)).toEqual({ place: 'gate', pending: 'read:40', interrupted: ['accept:30 in-call'], line: 40 });
    // A return of the outer call ends every handler inside it.
    expect(show(foldCall(foldCall(s, E.ret('waitpid')), E.ret('accept')))).toEqual({ place: 'running', pending: null, interrupted: [], line: 30 });
  });

  it('says which system calls the kernel may show the process in', () => {
    expect(kernelCallsAt(foldCalls(ROUTES.gate))).toEqual([GATE_SYSCALL]);
    expect(kernelCallsAt(foldCalls(ROUTES['in-call']))).toEqual(kernelCallsFor('accept'));
    expect(kernelCallsAt(foldCalls(ROUTES['in-call (waiting in poll)']))).toEqual(['poll', 'ppoll']);
    expect(kernelCallsAt(foldCalls(ROUTES['handler, in its call']))).toEqual(['wait4', 'waitid']);
    expect(kernelCallsAt(foldCalls(ROUTES['handler, its call returned (accept was in the kernel)']))).toEqual([]);
    expect(kernelCallsAt(foldCalls(ROUTES.exited))).toEqual([]);
  });

  it('takes the runner’s events as they are (no seq or t) and the trace’s', () => {
    const traceEvent: TraceEvent = { kind: 'call', seq: 4, t: 99, pid: 7, role: 'parent', fn: 'listen', args: { fd: 3, backlog: 5 }, file: 'server.c', line: 25 };
    const unsequenced = { kind: 'release', t: 100, pid: 7, role: 'parent', fn: 'listen' } as const;
    expect(show(foldCalls([traceEvent, unsequenced]))).toEqual({ place: 'in-call', pending: 'listen:25', interrupted: [], line: 25 });
  });
});

// ───────────────────────── the fold against the kernel, in every recorded trace ─────────────────────────

const DIR = fileURLToPath(new URL('../../public/traces/', import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.jsonl'))
  .sort();

describe('the fold alone agrees with the kernel at every snapshot of every recorded trace', () => {
  for (const file of FILES) {
    it(file, () => {
      const parsed = parseTrace(readFileSync(`${DIR}/${file}`, 'utf8'));
      if (!parsed.ok) throw new Error(`${file} does not parse`);
      const calls = new Map<number, CallState>();
      const fold = (pid: number, e: CallLifeEvent) => calls.set(pid, foldCall(calls.get(pid) ?? CALLS_START, e));
      let compared = 0;
      for (const e of parsed.trace.events) {
        switch (e.kind) {
          case 'call':
          case 'release':
          case 'ready':
          case 'return':
          case 'exit':
            fold(e.pid, e);
            break;
          case 'kernel': {
            for (const pid of calls.keys()) fold(pid, { kind: 'step-end' });
            for (const kp of e.processes) {
              if (kp.state === 'Z' || kp.syscall === undefined) continue;
              const s = calls.get(kp.pid) ?? CALLS_START;
              const where = `step ${e.step}: ${kp.role} (${s.place} ${s.pending?.fn ?? ''})`;
              if (s.place === 'running') expect(kp.syscall, where).toBeNull();
              else expect(kernelCallsAt(s), where).toContain(kp.syscall);
              expect(kp.blockedIn, where).toBe(s.pending?.fn ?? null);
              compared++;
            }
            break;
          }
        }
      }
      expect(compared).toBeGreaterThan(0);
    });
  }
});
