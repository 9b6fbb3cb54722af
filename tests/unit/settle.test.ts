// Settling TCP (src/server/lab/settle.ts) with the world injected: no process, and a scripted
// series of socket samples. A socket a drop holds (dropper.ts) is settled in its held state; every
// other socket is still waited for.

import { describe, expect, it } from 'vitest';
import type { HeldSocket } from '../../src/server/lab/dropper.ts';
import { heldSockets, settle, type SettleWorld } from '../../src/server/lab/settle.ts';
import type { ObservedSocket } from '../../src/server/lab/sockets.ts';
import type { TcpState } from '../../src/trace/types.ts';

const sock = (inode: number, state: TcpState, local: string, remote: string, extra: Partial<ObservedSocket> = {}): ObservedSocket => ({ inode, state, local, remote, ...extra });

const SERVER = '127.0.0.1:9000';
const A = '127.0.0.1:40001';
const B = '127.0.0.1:40002';

/** A world whose i-th sample is `samples(i)`; counts the samples taken. */
function world(samples: (i: number) => ObservedSocket[], held: readonly HeldSocket[] | null): SettleWorld & { taken: number } {
  const w = {
    taken: 0,
    procs: () => [],
    lineCount: () => 0,
    checkStillRunning: () => undefined,
    discoverChildren: () => undefined,
    noteEnded: () => true,
    readStat: () => null,
    sampleSockets: async () => samples(w.taken++),
    holding: () => held,
    notSettled: (label: string, what: string) => new Error(`${label}: ${what}`),
  };
  return w;
}

/** Connection A's client end held in LAST_ACK (its ACK lost), the server's end gone to TIME_WAIT. */
const heldA = [sock(11, 'LAST_ACK', A, SERVER), sock(0, 'TIME_WAIT', SERVER, A)];
/** Connection B closing: its client in FIN_WAIT_1 for the first `n` samples, then FIN_WAIT_2. */
const closingB = (i: number, n: number) => [sock(12, i < n ? 'FIN_WAIT_1' : 'FIN_WAIT_2', B, SERVER), sock(13, 'CLOSE_WAIT', SERVER, B)];

describe('settling TCP', () => {
  it('with no hold, waits until no socket is in a transient state and two samples agree', async () => {
    const w = world((i) => closingB(i, 5), null);
    const sockets = await settle(w, 'step');
    expect(sockets.map((s) => s.state)).toEqual(['FIN_WAIT_2', 'CLOSE_WAIT']);
    expect(w.taken).toBeGreaterThanOrEqual(7);
  });

  it("a held socket is settled in its held state while another socket's FIN_WAIT_1 still waits", async () => {
    const w = world((i) => [...heldA, ...closingB(i, 5)], [{ inode: 11, ends: null }]);
    const sockets = await settle(w, 'step');
    expect(sockets.map((s) => `${s.local} ${s.state}`)).toEqual([`${A} LAST_ACK`, `${SERVER} TIME_WAIT`, `${B} FIN_WAIT_2`, `${SERVER} CLOSE_WAIT`]);
  });

  it('a held socket alone settles on two agreeing samples', async () => {
    const w = world(() => heldA, [{ inode: 11, ends: null }]);
    const sockets = await settle(w, 'step');
    expect(sockets.map((s) => s.state)).toEqual(['LAST_ACK', 'TIME_WAIT']);
    expect(w.taken).toBeLessThan(10);
  });

  it("an orphan is held by the addresses it had; another connection's data in flight still waits", async () => {
    // A: the client closed (FIN_WAIT_1, inode 0), its FIN's ACK lost. B: data sent, not yet received.
    const orphanA = [sock(0, 'FIN_WAIT_1', A, SERVER, { timer: { kind: 'retransmit', remainingMs: 200 } }), sock(21, 'CLOSE_WAIT', SERVER, A)];
    const dataB = (i: number) => [sock(12, 'ESTABLISHED', B, SERVER, { sent: 6 }), sock(13, 'ESTABLISHED', SERVER, B, { received: i < 5 ? 0 : 6 })];
    const w = world((i) => [...orphanA, ...dataB(i)], [{ inode: 11, ends: { local: A, remote: SERVER } }]);
    const sockets = await settle(w, 'step');
    expect(sockets.map((s) => `${s.state} ${s.received ?? ''}`)).toEqual(['FIN_WAIT_1 ', 'CLOSE_WAIT ', 'ESTABLISHED ', 'ESTABLISHED 6']);
  });
});

describe('the sockets a drop holds', () => {
  const sample = [sock(10, 'LISTEN', '0.0.0.0:9000', '0.0.0.0:0'), sock(0, 'SYN_RECEIVED', SERVER, A), sock(11, 'ESTABLISHED', A, SERVER), sock(12, 'SYN_SENT', B, '127.0.0.1:7000'), sock(0, 'SYN_RECEIVED', '127.0.0.1:7000', B)];

  it("a connected socket's own end, by inode, and its peer's", () => {
    expect([...heldSockets(sample, [{ inode: 12, ends: null }])].map((s) => s.state)).toEqual(['SYN_SENT', 'SYN_RECEIVED']);
  });

  it('an orphan by its last addresses; nothing before they are known', () => {
    expect([...heldSockets(sample, [{ inode: 99, ends: { local: A, remote: SERVER } }])].map((s) => s.local)).toEqual([SERVER, A]);
    expect(heldSockets(sample, [{ inode: 99, ends: null }]).size).toBe(0);
  });

  it("a listener's: the connections on its port and their peers, not another port's", () => {
    expect([...heldSockets(sample, [{ inode: 10, ends: null }])].map((s) => s.local)).toEqual(['0.0.0.0:9000', SERVER, A]);
  });
});
