// Trace 1.1: the runner says when it opens a gate, and the kernel says which system call each
// process is in. The model decides by itself where a process is; the check holds that against
// the kernel's own answer.

import { describe, expect, it } from 'vitest';
import { createReplay } from '../../src/model/replay.ts';
import { kernelCallText, kernelCallsFor } from '../../src/trace/syscalls.ts';
import { syscallName } from '../../src/server/lab/syscallNames.ts';
import type { KernelProcess, TraceHeader } from '../../src/trace/types.ts';
import { ANY, PARENT, RUNNER, TraceBuilder, header, ksock } from './builder.ts';

const v11: TraceHeader = { ...header(), minor: 1 };

/** A kernel process as the 1.1 runner writes it: place from the syscall. */
function kp(syscall: string | null, blockedIn: string | null, wchan: string | null = null): KernelProcess {
  const place = syscall === 'rt_sigtimedwait' ? 'gate' : syscall === null ? 'running' : 'kernel';
  return { pid: PARENT, ppid: RUNNER, role: 'parent', state: syscall === null ? 'R' : 'S', place, blockedIn, syscall, wchan };
}

const listener = () => ksock('LISTEN', ANY, '0.0.0.0:0', [[PARENT, 3]]);

/** socket, bind, listen, each released; then the call to accept, at its gate. */
function serverAtAccept(waitsIn?: 'poll'): TraceBuilder {
  const b = new TraceBuilder(v11);
  b.spawn(PARENT, 'parent', 'server', RUNNER);
  b.call(PARENT, 'socket', { domain: 'AF_INET', type: 'SOCK_STREAM', protocol: 0 }).release(PARENT, 'socket').ret(PARENT, 'socket', 3);
  b.call(PARENT, 'bind', { fd: 3, addr: ANY }).release(PARENT, 'bind').ret(PARENT, 'bind', 0);
  b.call(PARENT, 'listen', { fd: 3, backlog: 1024 }).release(PARENT, 'listen').ret(PARENT, 'listen', 0);
  b.push({ kind: 'call', pid: PARENT, role: 'parent', fn: 'accept', args: { fd: 3 }, file: 'server.c', line: 9, ...(waitsIn ? { waitsIn } : {}) });
  return b;
}

describe('the kernel names the system call a process is in', () => {
  it('maps the numbers of /proc/<pid>/syscall to names on x86-64 and arm64', () => {
    expect(syscallName(43, 'x64')).toBe('accept');
    expect(syscallName(7, 'x64')).toBe('poll');
    expect(syscallName(128, 'x64')).toBe('rt_sigtimedwait');
    expect(syscallName(202, 'arm64')).toBe('accept');
    expect(syscallName(73, 'arm64')).toBe('ppoll');
    expect(syscallName(137, 'arm64')).toBe('rt_sigtimedwait');
    expect(syscallName(9999, 'x64')).toBe('syscall#9999');
  });

  it("says the gate is the lab's and every other call by its manual page", () => {
    expect(kernelCallText('rt_sigtimedwait')).toBe('at the lab’s gate');
    expect(kernelCallText('accept4')).toBe('in accept4(2)');
    expect(kernelCallText(null)).toBe('running');
  });

  it("lets accept be accept or accept4, and accept's lab-made wait be poll", () => {
    expect(kernelCallsFor('accept')).toEqual(['accept', 'accept4']);
    expect(kernelCallsFor('accept', 'poll')).toEqual(['poll', 'ppoll']);
    expect(kernelCallsFor('waitpid')).toContain('wait4');
  });
});

describe('at the gate, before a release', () => {
  it('agrees when the kernel shows the gate', () => {
    const b = serverAtAccept('poll').kernel([kp('rt_sigtimedwait', 'accept', 'do_sigtimedwait')], [listener()]);
    const m = createReplay(b.trace()).atStep(0);
    expect(m.processes[0]).toMatchObject({ status: 'at-gate', pendingCall: { fn: 'accept', waitsIn: 'poll' } });
    expect(m.disagreements).toEqual([]);
  });

  it('is a disagreement when the kernel shows the process in a call the model has not released', () => {
    const b = serverAtAccept('poll').kernel([kp('poll', 'accept')], [listener()]);
    expect(createReplay(b.trace()).atStep(0).disagreements).toEqual([
      { subject: `pid ${PARENT} (parent)`, fact: 'call', model: 'at the lab’s gate before accept()', kernel: 'in poll(2)' },
    ]);
  });
});

describe('after the release into accept', () => {
  it("waits in poll: the lab's pause, which the kernel shows as poll, not accept", () => {
    const b = serverAtAccept('poll').release(PARENT, 'accept').kernel([kp('poll', 'accept', 'poll_schedule_timeout')], [listener()]);
    const m = createReplay(b.trace()).atStep(0);
    expect(m.processes[0]).toMatchObject({ status: 'blocked', pendingCall: { fn: 'accept', waitsIn: 'poll' } });
    expect(m.disagreements).toEqual([]);
  });

  it('the same process shown in accept(2) while the lab should be polling is a disagreement', () => {
    const b = serverAtAccept('poll').release(PARENT, 'accept').kernel([kp('accept', 'accept')], [listener()]);
    expect(createReplay(b.trace()).atStep(0).disagreements).toEqual([
      { subject: `pid ${PARENT} (parent)`, fact: 'call', model: 'in accept(), waiting in poll(2) first (the lab’s pause)', kernel: 'in accept(2)' },
    ]);
  });

  it('once ready, the process is at the gate again and the call no longer waits in poll', () => {
    const b = serverAtAccept('poll').release(PARENT, 'accept').ready(PARENT, 'accept', 3).kernel([kp('rt_sigtimedwait', 'accept')], [listener()]);
    const m = createReplay(b.trace()).atStep(0);
    expect(m.processes[0]?.status).toBe('at-gate');
    expect(m.processes[0]?.pendingCall?.waitsIn).toBeUndefined();
    expect(m.disagreements).toEqual([]);
  });

  it('without the pause (accept-poll off), the process sleeps in a real accept(2) or accept4(2)', () => {
    for (const syscall of ['accept', 'accept4']) {
      const b = serverAtAccept().release(PARENT, 'accept').kernel([kp(syscall, 'accept', 'inet_csk_accept')], [listener()]);
      expect(createReplay(b.trace()).atStep(0).disagreements).toEqual([]);
    }
    const wrong = serverAtAccept().release(PARENT, 'accept').kernel([kp('poll', 'accept')], [listener()]);
    expect(createReplay(wrong.trace()).atStep(0).disagreements.map((d) => [d.model, d.kernel])).toEqual([['in accept()', 'in poll(2)']]);
  });

  it("does not take the kernel's word for it: the snapshot's place alone does not move the model", () => {
    // A 1.1 trace with no release: the model keeps the process at its gate, whatever the place says.
    const b = serverAtAccept().kernel([{ ...kp('accept', 'accept'), place: 'kernel' }], [listener()]);
    const m = createReplay(b.trace()).atStep(0);
    expect(m.processes[0]?.status).toBe('at-gate');
    expect(m.disagreements.map((d) => d.fact)).toEqual(['call']);
  });
});

describe('a 1.0 trace (no releases, no syscall)', () => {
  it("reads the place from the runner's snapshot, as before", () => {
    const b = new TraceBuilder(header());
    b.spawn(PARENT, 'parent', 'server', RUNNER);
    b.call(PARENT, 'socket', { domain: 'AF_INET', type: 'SOCK_STREAM', protocol: 0 }).ret(PARENT, 'socket', 3);
    b.call(PARENT, 'bind', { fd: 3, addr: ANY }).ret(PARENT, 'bind', 0);
    b.call(PARENT, 'listen', { fd: 3, backlog: 1024 }).ret(PARENT, 'listen', 0);
    b.call(PARENT, 'accept', { fd: 3 });
    b.kernel([{ pid: PARENT, ppid: RUNNER, role: 'parent', state: 'S', place: 'kernel', blockedIn: 'accept' }], [listener()]);
    const m = createReplay(b.trace()).atStep(0);
    expect(m.processes[0]?.status).toBe('blocked');
    expect(m.disagreements).toEqual([]);
  });
});
