// Every state of the TCP diagram on the real kernel (issue 8): the every-state scenario's drops
// hold SYN_SENT, SYN_RECEIVED, FIN_WAIT_1, CLOSING and LAST_ACK for a snapshot each, and each hold
// ends with the retransmission of the lost segment. Drops need root (docs/drops.md).

import { beforeAll, describe, expect, it } from 'vitest';
import { createReplay } from '../../src/model/index.ts';
import { everyState } from '../../src/scenarios/every-state.ts';
import { TCP_STATES, type KernelEvent, type LostEvent, type RetransmitEvent, type TraceHeader } from '../../src/trace/types.ts';
import { kernels, Recorder, runScenario, serverConn, startRun, stepThrough } from './helpers.ts';

const ROOT = process.getuid?.() === 0;

/** "client STATE" / "server STATE" for the connection of one client port, sorted. */
function ends(k: KernelEvent, port: number): string[] {
  return k.sockets
    .filter((s) => s.state !== 'LISTEN' && s.remote !== '0.0.0.0:0')
    .map((s) => `${s.local.endsWith(`:${port}`) ? 'server' : 'client'} ${s.state}`)
    .sort();
}

describe.runIf(ROOT)('the every-state scenario, as root', () => {
  let rec: Recorder;
  let port: number;
  let left: number[];

  beforeAll(async () => {
    ({ rec, port, left } = await runScenario(everyState));
  }, 60_000);

  it('shows all eleven TCP states over its snapshots', () => {
    const seen = new Set(kernels(rec).flatMap((k) => k.sockets.map((s) => s.state)));
    expect([...seen].sort()).toEqual([...TCP_STATES].sort());
    expect(left).toEqual([]);
  });

  it('holds SYN_SENT at the client and SYN_RECEIVED at the server while the SYN-ACK is lost', () => {
    const k = rec.kernel('client1-connect');
    expect(ends(k, port)).toEqual(['client SYN_SENT', 'server SYN_RECEIVED']);
    expect(k.processes.find((p) => p.role === 'client#1')).toMatchObject({ place: 'kernel', blockedIn: 'connect' });
  });

  it('holds FIN_WAIT_1 while the client’s FIN is lost, then CLOSING once the parent shuts down first', () => {
    expect(ends(rec.kernel('client1-close'), port)).toEqual(['client FIN_WAIT_1', 'server ESTABLISHED']);
    expect(ends(rec.kernel('parent-shutdown-1'), port)).toEqual(['client CLOSING', 'server FIN_WAIT_2']);
    expect(ends(rec.kernel('client1-exit'), port).filter((s) => s.includes('TIME_WAIT'))).toEqual(['client TIME_WAIT', 'server TIME_WAIT']);
  });

  it('holds LAST_ACK at the client while its FIN’s ACK is lost; the server is in TIME_WAIT', () => {
    const k = rec.kernel('client2-close');
    const client = k.sockets.filter((s) => s.state === 'LAST_ACK');
    expect(client).toHaveLength(1);
    expect(client[0]!.remote).toBe(`127.0.0.1:${port}`);
    expect(k.sockets.find((s) => s.remote === client[0]!.local)?.state).toBe('TIME_WAIT');
    // Its FIN came again, the server's TIME_WAIT answered it: the client's end is gone.
    expect(rec.kernel('client2-exit').sockets.find((s) => s.local === client[0]!.local)).toBeUndefined();
  });

  it('sees CLOSE_WAIT at the client after the parent’s shutdown', () => {
    const k = rec.kernel('parent-shutdown-2');
    expect(serverConn(k, port) && k.sockets.filter((s) => s.state === 'CLOSE_WAIT')).toHaveLength(1);
  });

  it('writes each drop, each loss and each retransmission, in that order, and the retransmission after the loss', () => {
    const kinds = rec.events.filter((e) => e.kind === 'drop' || e.kind === 'lost' || e.kind === 'retransmit').map((e) => `${e.kind} ${(e as LostEvent).segment}`);
    expect(kinds).toEqual([
      ...['drop SYN-ACK', 'lost SYN-ACK', 'retransmit SYN-ACK', 'drop FIN', 'lost FIN', 'retransmit FIN'],
      ...['drop SYN-ACK', 'lost SYN-ACK', 'retransmit SYN-ACK', 'drop ACK', 'lost ACK', 'retransmit ACK'],
    ]);
    for (const r of rec.events.filter((e): e is RetransmitEvent => e.kind === 'retransmit')) expect(r.t).toBeGreaterThan(r.droppedAt);
  });

  it('replays with no disagreement, packets included', () => {
    const header = rec.records[0] as TraceHeader;
    const replay = createReplay({ header, events: rec.events });
    expect(replay.disagreementCount()).toBe(0);
  });
});

describe.runIf(ROOT)('every-state stepped slowly, as a student in the browser does', () => {
  it('still shows CLOSING: the step meant to act during the hold ran at once, its records given at the next press', async () => {
    const { run, rec } = await startRun({ scenario: everyState });
    try {
      await stepThrough(run, rec, 'client1-close');
      expect(rec.records.filter((r) => r.kind === 'kernel').at(-1)).toMatchObject({ label: 'client1-close' });
      // Longer than the hold (the client's FIN comes again ~2 s after the loss): a slow reader.
      await new Promise((r) => setTimeout(r, 2500));
      await run.next();
      expect(ends(rec.kernel('parent-shutdown-1'), run.port)).toEqual(['client CLOSING', 'server FIN_WAIT_2']);
      expect(run.step).toBe(everyState.schedule.findIndex((e) => e.id === 'parent-shutdown-1') + 1);
    } finally {
      await run.stop();
    }
  }, 30_000);
});
