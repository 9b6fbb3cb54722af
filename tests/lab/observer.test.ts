// The kernel observer's two views of TCP, the sock_diag helper and /proc/net/tcp, agree.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { concurrent } from '../../src/scenarios/concurrent.ts';
import { labPath } from '../../src/server/lab/availability.ts';
import { parseProcNetTcp, readProcNetTcp, ResilientObserver, SockDiagObserver, type ObservedSocket } from '../../src/server/lab/sockets.ts';
import { startRun } from './helpers.ts';

const key = (s: ObservedSocket) => `${s.state} ${s.local} ${s.remote} ${s.inode} ${s.timer?.kind ?? '-'}`;

describe('parsing /proc/net/tcp', () => {
  it('reads states, addresses, inodes and timers (IPv4 and IPv6)', () => {
    const tcp = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:2695 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 81234 1 0000000000000000 100 0 0 10 0',
      '   1: 0100007F:9CDC 0100007F:2695 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000',
      '   2: 0100007F:2695 0100007F:9CDC 08 00000000:00000000 00:00000000 00000000     0        0 81240 1 0000000000000000 20 4 30 10 -1',
    ].join('\n');
    expect(parseProcNetTcp(tcp)).toEqual([
      { state: 'LISTEN', local: '127.0.0.1:9877', remote: '0.0.0.0:0', inode: 81234 },
      { state: 'TIME_WAIT', local: '127.0.0.1:40156', remote: '127.0.0.1:9877', inode: 0, timer: { kind: 'timewait', remainingMs: 60000 } },
      { state: 'CLOSE_WAIT', local: '127.0.0.1:9877', remote: '127.0.0.1:40156', inode: 81240 },
    ]);
    const tcp6 = [
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 00000000000000000000000001000000:2695 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 9001 1 0000000000000000 100 0 0 10 0',
      '   1: 0000000000000000FFFF00000100007F:2695 0000000000000000FFFF00000100007F:9CDC 01 00000000:00000000 00:00000000 00000000     0        0 9002 1 0000000000000000 20 4 30 10 -1',
    ].join('\n');
    expect(parseProcNetTcp(tcp6)).toEqual([
      { state: 'LISTEN', local: '[::1]:9877', remote: '[::]:0', inode: 9001 },
      { state: 'ESTABLISHED', local: '127.0.0.1:9877', remote: '127.0.0.1:40156', inode: 9002 },
    ]);
  });
});

describe('the sock_diag helper and /proc/net/tcp', () => {
  it('see the same sockets at every step of the concurrent scenario', async () => {
    const helper = await SockDiagObserver.start(labPath('sockdiag'));
    const { run } = await startRun({ scenario: concurrent });
    let compared = 0;
    let boundOnly = 0;
    try {
      for (;;) {
        const viaDiag = await helper.sample([run.port]);
        const viaProc = readProcNetTcp([run.port]);
        // sock_diag also lists a socket that is bound but not listening (Linux 6.8+, as CLOSED
        // with its address); /proc/net/tcp has no line for it. Everything else is the same.
        boundOnly += viaDiag.filter((s) => s.state === 'CLOSED').length;
        expect(viaDiag.filter((s) => s.state !== 'CLOSED').map(key).sort()).toEqual(viaProc.map(key).sort());
        compared += viaProc.length;
        if (run.done) break;
        await run.next();
      }
      expect(compared).toBeGreaterThan(20);
      expect(boundOnly).toBeLessThanOrEqual(1);
    } finally {
      helper.close();
      await run.stop();
    }
  });

  it('agree on the TIME_WAIT timer to within the /proc clock tick', async () => {
    const helper = await SockDiagObserver.start(labPath('sockdiag'));
    const { run } = await startRun({ scenario: concurrent });
    try {
      while (!run.done) await run.next();
      const viaDiag = (await helper.sample([run.port])).find((s) => s.state === 'TIME_WAIT');
      const viaProc = readProcNetTcp([run.port]).find((s) => s.state === 'TIME_WAIT');
      expect(viaDiag?.timer?.kind).toBe('timewait');
      expect(viaProc?.timer?.kind).toBe('timewait');
      expect(Math.abs(viaDiag!.timer!.remainingMs - viaProc!.timer!.remainingMs)).toBeLessThan(100);
    } finally {
      helper.close();
      await run.stop();
    }
  });
});

describe('when the sock_diag helper cannot run', () => {
  it('falls back to /proc/net/tcp and says why', async () => {
    const observer = await ResilientObserver.open('/nonexistent/sockdiag');
    expect(observer.kind).toBe('proc');
    expect(observer.fallbackReason).toMatch(/sock_diag helper/);
    const { run } = await startRun({ scenario: concurrent });
    try {
      for (let i = 0; i < 3; i++) await run.next(); // listening
      expect(await observer.sample([run.port])).toEqual([expect.objectContaining({ state: 'LISTEN', local: `127.0.0.1:${run.port}` })]);
    } finally {
      observer.close();
      await run.stop();
    }
  });

  it('switches to /proc/net/tcp for good if the helper dies mid-run', async () => {
    const observer = await ResilientObserver.open(labPath('sockdiag'));
    expect(observer.kind).toBe('sock_diag');
    (observer as unknown as { primary: SockDiagObserver }).primary.close();
    expect(await observer.sample([1])).toEqual([]);
    expect(observer.kind).toBe('proc');
    expect(observer.fallbackReason).toMatch(/closed/);
    observer.close();
  });

  it('gives up on a helper that stops answering, and falls back to /proc/net/tcp', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'forkscope-hung-'));
    const hung = join(dir, 'sockdiag');
    writeFileSync(hung, '#!/bin/sh\nexec sleep 30\n', { mode: 0o755 });
    const observer = await ResilientObserver.open(hung);
    expect(observer.kind).toBe('proc');
    expect(observer.fallbackReason).toMatch(/did not answer/);
    observer.close();
  });
});
