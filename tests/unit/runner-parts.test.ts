// The runner's parts that need no kernel: each lab process's life from its events, reading the
// lab's lines, the kernel snapshot from what /proc says, and the trace as written.

import { describe, expect, it } from 'vitest';
import { describeProc, endByEvents, endLife, exitStatusOf, hasEnded, newLabProc, type Life, noteExit, noteLabEvent, noteRelease, noteStepEnd, placeByEvents, waitsAtGate, type LabEvent, type LabProc } from '../../src/server/lab/labProcess.ts';
import { LabProcesses } from '../../src/server/lab/labProcesses.ts';
import { parseLabLine } from '../../src/server/lab/launcher.ts';
import { TraceWriter } from '../../src/server/lab/records.ts';
import { kernelProcesses, kernelSockets, type ProcReaders } from '../../src/server/lab/snapshot.ts';
import type { CallName, ReturningCall, TraceRecord } from '../../src/trace/types.ts';

const PID = 100;
let t = 0;
const call = (fn: string, args: Record<string, number | string> = {}): LabEvent => ({ kind: 'call', t: ++t, pid: PID, role: 'parent', fn: fn as CallName, args: args as never, file: 'server.c', line: 10 }) as LabEvent;
const ret = (fn: string, r = 0): LabEvent => ({ kind: 'return', t: ++t, pid: PID, role: 'parent', fn: fn as ReturningCall, ret: r, errno: null }) as LabEvent;
const ready = (fn: string): LabEvent => ({ kind: 'ready', t: ++t, pid: PID, role: 'parent', fn: fn as 'accept', fd: 3 });

function proc(): LabProc {
  return newLabProc(PID, 'parent', 'server', 0, true);
}

describe("a lab process's life, from its own events", () => {
  it('a call puts it at the gate before that call; a release sends it into the call; a return ends it', () => {
    const p = proc();
    noteLabEvent(p, call('accept', { fd: 3 }));
    expect([waitsAtGate(p), p.calls.pending?.fn]).toEqual([true, 'accept']);
    expect(describeProc(p)).toBe('waiting at the gate before accept()');
    noteRelease(p);
    expect([waitsAtGate(p), p.calls.pending?.fn]).toEqual([false, 'accept']);
    expect(describeProc(p)).toBe('inside accept() (released at server.c:10)');
    noteLabEvent(p, ready('accept'));
    expect(waitsAtGate(p)).toBe(true);
    noteRelease(p);
    noteLabEvent(p, ret('accept', 4));
    expect([waitsAtGate(p), p.calls.pending]).toEqual([false, null]);
    expect(describeProc(p)).toBe('running');
  });

  it("a call made inside another comes from a signal handler: the interrupted call is pending again once the step ends with the handler's calls returned", () => {
    const p = proc();
    noteLabEvent(p, call('accept'));
    noteRelease(p);
    noteLabEvent(p, call('waitpid'));
    expect(p.calls.pending?.fn).toBe('waitpid');
    expect(p.calls.interrupted.map((c) => [c.call.fn, c.place])).toEqual([['accept', 'in-call']]);
    noteRelease(p);
    noteLabEvent(p, ret('waitpid', 101));
    expect([p.calls.place, p.calls.pending]).toEqual(['running', null]); // still in the handler
    noteStepEnd(p);
    expect([p.calls.place, p.calls.pending?.fn, p.calls.interrupted]).toEqual(['in-call', 'accept', []]);
  });

  it('counts the forks it was released into (naming child#N), and expects the exit it was released into', () => {
    const p = proc();
    noteLabEvent(p, call('fork'));
    noteRelease(p);
    expect(p.forks).toBe(1);
    noteLabEvent(p, ret('fork', 101));
    noteLabEvent(p, call('exit', { status: 0 }));
    noteRelease(p);
    expect(p.exitExpected).toBe(true);
    expect(exitStatusOf(p)).toBe(0);
    noteExit(p);
    expect([p.calls.place, p.calls.pending, waitsAtGate(p)]).toEqual(['exited', null, false]);
  });

  it('tells how a process that vanished without a word ended: exit\'s status, the runner\'s signal, SIGPIPE inside a write', () => {
    const exiting = proc();
    noteLabEvent(exiting, call('exit', { status: 3 }));
    noteRelease(exiting);
    expect(endByEvents(exiting)).toEqual({ status: 3, signal: null });
    const killed = proc();
    killed.killedBy = 'SIGTERM';
    expect(endByEvents(killed)).toEqual({ status: null, signal: 'SIGTERM' });
    const writing = proc();
    noteLabEvent(writing, call('write', { fd: 4, count: 1 }));
    expect(endByEvents(writing)).toEqual({ status: null, signal: null }); // at the gate: it never wrote
    noteRelease(writing);
    expect(endByEvents(writing)).toEqual({ status: null, signal: 'SIGPIPE' });
  });

  it('ends once: alive → zombie → gone, or alive → gone; the exit is due only at the first', () => {
    // [from, seen] → [to, ended]
    const rows: [Life, 'zombie' | 'gone', Life, boolean][] = [
      ['alive', 'zombie', 'zombie', true],
      ['alive', 'gone', 'gone', true],
      ['zombie', 'gone', 'gone', false],
      ['zombie', 'zombie', 'zombie', false],
      ['gone', 'gone', 'gone', false],
      ['gone', 'zombie', 'gone', false],
    ];
    for (const [from, seen, to, ended] of rows) expect(endLife(from, seen), `${from} + ${seen}`).toEqual({ life: to, ended });
    const p = proc();
    expect(hasEnded(p)).toBe(false);
    p.life = 'zombie';
    expect([hasEnded(p), describeProc(p)]).toEqual([true, 'a zombie']);
  });

  it('says where it is by its events alone when the kernel will not say', () => {
    const p = proc();
    expect(placeByEvents(p, 'S')).toBe('kernel'); // has not said anything: asleep before its first gate
    noteLabEvent(p, call('read'));
    expect(placeByEvents(p, 'S')).toBe('gate');
    noteRelease(p);
    expect(placeByEvents(p, 'S')).toBe('kernel');
    expect(placeByEvents(p, 'R')).toBe('running');
  });

  it('remembers the last thing it said on stderr, to explain an unexpected exit', () => {
    const p = proc();
    noteLabEvent(p, { kind: 'output', t: ++t, pid: PID, role: 'parent', stream: 'stderr', text: 'accept error: Interrupted system call\n' });
    expect(p.lastError).toContain('Interrupted system call');
  });
});

describe("reading the lab's lines", () => {
  it("tells the reaper's reports, the programs' events and text for people apart", () => {
    expect(parseLabLine('{"kind":"lab-launched","t":5,"pid":10,"ppid":9,"pgid":10}')).toEqual({ kind: 'launched', pid: 10, ppid: 9, pgid: 10, t: 5 });
    expect(parseLabLine('{"kind":"lab-reaped","t":6,"pid":10,"status":0,"signal":null}')).toEqual({ kind: 'reaped', pid: 10, status: 0, signal: null, t: 6 });
    expect(parseLabLine('{"kind":"lab-exec-failed","errno":2}')).toEqual({ kind: 'exec-failed', errno: '2' });
    expect(parseLabLine('{"kind":"call","t":1,"pid":10,"role":"parent","fn":"socket","args":{},"file":"server.c","line":3}')).toMatchObject({ kind: 'event', event: { fn: 'socket' } });
    expect(parseLabLine('hello')).toEqual({ kind: 'text', text: 'hello' });
    // An event without its pid is not believed: it is text.
    expect(parseLabLine('{"kind":"call","t":1,"role":"parent"}')).toEqual({ kind: 'text', text: '{"kind":"call","t":1,"role":"parent"}' });
    expect(parseLabLine('{"kind":"kernel","t":1,"pid":1,"role":"x"}').kind).toBe('text'); // a program cannot write a snapshot
  });
});

describe('the kernel snapshot, from what /proc says', () => {
  const atGate = (() => {
    const p = proc();
    noteLabEvent(p, call('accept'));
    return p;
  })();
  const readers = (syscall: string | null | 'unreadable', state = 'S'): ProcReaders => ({
    readStat: (pid) => ({ pid, state, ppid: 1, pgrp: pid, exitCode: 0 }),
    readKernelWait: () => (syscall === 'unreadable' ? null : { syscall, wchan: syscall === null ? null : 'somewhere' }),
    socketFds: () => [{ fd: 3, inode: 777 }],
  });

  it("takes the place from the kernel's system call: the gate, another call, or none", () => {
    expect(kernelProcesses([atGate], readers('rt_sigtimedwait')).processes[0]).toMatchObject({ place: 'gate', blockedIn: 'accept', syscall: 'rt_sigtimedwait' });
    expect(kernelProcesses([atGate], readers('poll')).processes[0]).toMatchObject({ place: 'kernel', blockedIn: 'accept', syscall: 'poll' });
    expect(kernelProcesses([atGate], readers(null, 'R')).processes[0]).toMatchObject({ place: 'running', blockedIn: null, syscall: null });
  });

  it('falls back to the events, without a syscall field, when the kernel will not say', () => {
    const k = kernelProcesses([atGate], readers('unreadable')).processes[0]!;
    expect(k).toMatchObject({ place: 'gate', blockedIn: 'accept' });
    expect('syscall' in k).toBe(false);
  });

  it('shows a zombie as one, with no call and no descriptors', () => {
    const { processes, holders } = kernelProcesses([atGate], readers('read', 'Z'));
    expect(processes[0]).toMatchObject({ place: 'zombie', blockedIn: null, syscall: null, wchan: null });
    expect(holders.size).toBe(0);
  });

  it('lists each socket with its holders, and a held socket in no TCP table as CLOSED', () => {
    const { holders } = kernelProcesses([atGate], readers('rt_sigtimedwait'));
    const listening = { inode: 777, state: 'LISTEN' as const, local: '127.0.0.1:9877', remote: '0.0.0.0:0', sent: 0 };
    expect(kernelSockets([listening], holders)).toEqual([{ inode: 777, state: 'LISTEN', local: '127.0.0.1:9877', remote: '0.0.0.0:0', holders: [{ pid: PID, fd: 3 }] }]);
    expect(kernelSockets([], holders)).toEqual([{ inode: 777, state: 'CLOSED', local: '0.0.0.0:0', remote: '0.0.0.0:0', holders: [{ pid: PID, fd: 3 }] }]);
  });
});

describe('the trace as written', () => {
  it("numbers events in the order things happened, the acting process's first", () => {
    const out: TraceRecord[] = [];
    const w = new TraceWriter((r) => out.push(r));
    w.push({ kind: 'return', t: 20, pid: 2, role: 'child#1', fn: 'read', ret: 0, errno: null }); // woken by the close below
    w.push({ kind: 'return', t: 30, pid: 1, role: 'client#1', fn: 'close', ret: 0, errno: null });
    w.flush(1);
    w.write({ kind: 'kernel', t: 40, step: 1, label: 'x', processes: [], sockets: [] });
    expect(out.map((r) => (r.kind === 'header' ? 'header' : `${r.seq} ${r.kind} ${'role' in r ? r.role : ''}`))).toEqual(['0 return client#1', '1 return child#1', '2 kernel ']);
  });
});

describe("the run's processes", () => {
  it('keeps a program as its reaper’s even when the program spoke before the reaper’s launch line was read', () => {
    const procs = new LabProcesses(16, () => undefined, () => undefined);
    const p = procs.register(PID, 'client#1', 'client', false); // its first call event, read first
    expect(procs.register(PID, 'client#1', 'client', true)).toBe(p); // then the launch line
    expect(p.reaperChild).toBe(true);
  });

  it('says when more processes live at once than the cap', () => {
    const tooMany: number[] = [];
    const procs = new LabProcesses(2, () => undefined, (newest) => tooMany.push(newest.pid));
    for (const pid of [1, 2, 3]) procs.register(pid, `p${pid}`, 'server', false);
    expect(tooMany).toEqual([3]);
  });
});
