// The kernel check: a correct snapshot gives no disagreement; a wrong one is reported with a
// subject people can read and the fact that differs.

import { describe, expect, it } from 'vitest';
import { createReplay } from '../../src/model/index.ts';
import { checkKernel, socketSubject } from '../../src/model/check.ts';
import {
  ANY,
  CHILD,
  CLI,
  CLIENT,
  PARENT,
  SERV,
  TCP_SOCKET,
  TraceBuilder,
  concurrentTrace,
  kproc,
  ksock,
  stepOf,
} from './builder.ts';

describe('kernel check', () => {
  it('agrees with every snapshot of a correct run of the concurrent server', () => {
    const r = createReplay(concurrentTrace().trace());
    expect(r.disagreementCount()).toBe(0);
    for (let s = 0; s < r.stepCount; s++) expect(r.atStep(s).disagreements, `step ${s}`).toEqual([]);
  });

  it('reports a count of 1 where the model has 2 (after fork) with the holder as subject', () => {
    const fork = stepOf('parent-fork');
    const r = createReplay(
      concurrentTrace((step, k) => {
        if (step !== fork) return;
        const conn = k.sockets.find((s) => s.local === SERV)!;
        conn.holders = conn.holders.filter((h) => h.pid !== CHILD);
      }).trace(),
    );
    const m = r.atStep(fork);
    expect(m.disagreements).toEqual([
      { subject: 'parent fd 4', fact: 'refCount', model: '2', kernel: '1' },
      { subject: 'child#1 fd 4', fact: 'holders', model: `names socket ${SERV} ↔ ${CLI}`, kernel: 'does not name it' },
    ]);
    expect(r.disagreementCount()).toBe(2);
    // Events after that kernel snapshot and before the next carry its disagreements.
    const [first] = r.eventRangeOfStep(fork + 1);
    expect(r.atEvent(first).disagreements).toHaveLength(2);
  });

  it('reports a TCP state that differs, naming the socket by its addresses', () => {
    const step = stepOf('client-close');
    const r = createReplay(
      concurrentTrace((s, k) => {
        if (s === step) k.sockets.find((x) => x.local === CLI)!.state = 'FIN_WAIT_1';
      }).trace(),
    );
    expect(r.atStep(step).disagreements).toEqual([{ subject: `socket ${CLI} ↔ ${SERV}`, fact: 'tcpState', model: 'FIN_WAIT_2', kernel: 'FIN_WAIT_1' }]);
  });

  it('reports a zombie the model does not expect, and a process the model does not know', () => {
    const step = stepOf('child-exit');
    const r = createReplay(
      concurrentTrace((s, k) => {
        if (s !== step) return;
        k.processes = k.processes.filter((p) => p.pid !== CHILD);
        k.processes.push(kproc(999, 'child#2', 'S', 'gate', 'close', PARENT));
      }).trace(),
    );
    expect(r.atStep(step).disagreements).toEqual([
      { subject: `pid ${CHILD} (child#1)`, fact: 'presence', model: 'zombie', kernel: 'absent' },
      { subject: 'pid 999 (child#2)', fact: 'presence', model: 'absent', kernel: 'alive (S)' },
    ]);
  });

  it('reports a process alive in the model but a zombie in the kernel', () => {
    const step = stepOf('child-read-blocks');
    const r = createReplay(
      concurrentTrace((s, k) => {
        if (s === step) k.processes.find((p) => p.pid === CHILD)!.state = 'Z';
      }).trace(),
    );
    expect(r.atStep(step).disagreements).toEqual([{ subject: `pid ${CHILD} (child#1)`, fact: 'processState', model: 'blocked', kernel: 'zombie' }]);
  });

  it('reports a socket missing from the kernel, and one the model lacks', () => {
    const step = stepOf('client-exit');
    const r = createReplay(
      concurrentTrace((s, k) => {
        if (s !== step) return;
        k.sockets = k.sockets.filter((x) => x.state !== 'TIME_WAIT');
        k.sockets.push(ksock('ESTABLISHED', SERV, '127.0.0.1:40999', []));
      }).trace(),
    );
    expect(r.atStep(step).disagreements).toEqual([
      { subject: `socket ${SERV} ↔ 127.0.0.1:40999`, fact: 'presence', model: 'absent', kernel: 'ESTABLISHED' },
      { subject: `socket ${CLI} ↔ ${SERV}`, fact: 'presence', model: 'TIME_WAIT', kernel: 'absent' },
    ]);
  });

  it('reports a descriptor the model does not have open', () => {
    const step = stepOf('parent-close-connfd');
    const r = createReplay(
      concurrentTrace((s, k) => {
        if (s === step) k.sockets.find((x) => x.local === SERV)!.holders.unshift({ pid: PARENT, fd: 4 });
      }).trace(),
    );
    expect(r.atStep(step).disagreements).toEqual([
      { subject: 'parent fd 4', fact: 'holders', model: 'not open', kernel: `names socket ${SERV} ↔ ${CLI}` },
      { subject: 'child#1 fd 4', fact: 'refCount', model: '1', kernel: '2' },
    ]);
  });

  it('matches a queued connection (no descriptor) by its addresses', () => {
    const m = createReplay(concurrentTrace().trace()).atStep(stepOf('client-connect'));
    expect(m.disagreements).toEqual([]);
    const wrong = checkKernel(m, { ...m.kernel!, sockets: m.kernel!.sockets.map((s) => (s.holders.length === 0 ? { ...s, state: 'SYN_RECEIVED' as const } : s)) });
    expect(wrong).toEqual([{ subject: `socket ${SERV} ↔ ${CLI}`, fact: 'tcpState', model: 'ESTABLISHED', kernel: 'SYN_RECEIVED' }]);
  });

  it('compares a fresh or bound socket (CLOSED, 0.0.0.0:0) with the model’s CLOSED endpoint', () => {
    const b = new TraceBuilder().spawn(PARENT, 'parent', 'server').sys(PARENT, 'socket', TCP_SOCKET, 3).sys(PARENT, 'bind', { fd: 3, addr: ANY }, 0);
    b.kernel([kproc(PARENT, 'parent', 'S', 'running', null)], [ksock('CLOSED', '0.0.0.0:0', '0.0.0.0:0', [[PARENT, 3]])]);
    b.sys(PARENT, 'listen', { fd: 3, backlog: 5 }, 0);
    b.kernel([kproc(PARENT, 'parent', 'S', 'running', null)], [ksock('CLOSED', '0.0.0.0:0', '0.0.0.0:0', [[PARENT, 3]])]);
    const r = createReplay(b.trace());
    expect(r.atStep(0).disagreements).toEqual([]);
    expect(r.atStep(1).disagreements).toEqual([
      { subject: `socket ${ANY}`, fact: 'tcpState', model: 'LISTEN', kernel: 'CLOSED (fresh or bound socket)' },
    ]);
  });

  it('reports a listener bound elsewhere than the model thinks', () => {
    const step = stepOf('parent-listen');
    const r = createReplay(
      concurrentTrace((s, k) => {
        if (s === step) k.sockets[0]!.local = '0.0.0.0:9999';
      }).trace(),
    );
    expect(r.atStep(step).disagreements).toEqual([{ subject: 'socket 0.0.0.0:9999', fact: 'address', model: `local ${ANY}`, kernel: 'local 0.0.0.0:9999' }]);
  });

  it('names sockets for people', () => {
    expect(socketSubject(SERV, CLI)).toBe(`socket ${SERV} ↔ ${CLI}`);
    expect(socketSubject(ANY, '0.0.0.0:0')).toBe(`socket ${ANY}`);
    expect(socketSubject(null, null)).toBe('socket (unbound)');
  });

  it('client process absent after exit is expected (exited ↔ absent)', () => {
    const m = createReplay(concurrentTrace().trace()).atStep(stepOf('client-exit'));
    expect(m.processes.find((p) => p.pid === CLIENT)?.status).toBe('exited');
    expect(m.kernel?.processes.some((p) => p.pid === CLIENT)).toBe(false);
    expect(m.disagreements).toEqual([]);
  });
});
