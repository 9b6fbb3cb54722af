// The runner's side of packet capture, without the kernel: reading the helper's lines, keeping
// the run's own segments, the switch that turns capture off, and waiting for unacknowledged data.

import { describe, expect, it } from 'vitest';
import { captureModeFromEnv, ownSegments, toSegment, type CapturedSegment } from '../../src/server/lab/capture.ts';
import { dataInFlight, type ObservedSocket } from '../../src/server/lab/sockets.ts';

const line = { kind: 'packet', t: 5, from: '127.0.0.1:40112', to: '127.0.0.1:9877', flags: ['SYN'], tcpSeq: 7, tcpAck: null, len: 0, window: 65495 };

describe('the capture helper’s lines', () => {
  it('become trace packets; anything else is not one', () => {
    expect(toSegment(line)).toEqual(line);
    expect(toSegment({ ...line, kind: 'synced' })).toBeNull();
    expect(toSegment({ ...line, flags: ['SYN', 'BOGUS'] })).toBeNull();
    expect(toSegment({ ...line, tcpSeq: '7' })).toBeNull();
  });

  it('are the run’s when both ports are its own, oldest first', () => {
    const seg = (t: number, from: string, to: string): CapturedSegment => ({ ...(line as CapturedSegment), t, from, to });
    const ours = new Set([9877, 40112]);
    const segments = [seg(3, '127.0.0.1:9877', '127.0.0.1:40112'), seg(1, '127.0.0.1:40112', '127.0.0.1:9877'), seg(2, '127.0.0.1:40112', '127.0.0.1:5432')];
    // Another run's connection from a port one of our clients also uses (to another server) is not ours.
    expect(ownSegments(segments, ours).map((s) => s.t)).toEqual([1, 3]);
  });

  it('are not captured at all with FORKSCOPE_CAPTURE=off', () => {
    expect(captureModeFromEnv({ FORKSCOPE_CAPTURE: 'off' })).toBe('off');
    expect(captureModeFromEnv({ FORKSCOPE_CAPTURE: ' OFF ' })).toBe('off');
    expect(captureModeFromEnv({})).toBe('auto');
    expect(captureModeFromEnv({ FORKSCOPE_CAPTURE: 'on' })).toBe('auto');
  });
});

describe('settling waits for data in flight', () => {
  const end = (local: string, remote: string, extra: Partial<ObservedSocket> = {}): ObservedSocket => ({ inode: 1, state: 'ESTABLISHED', local, remote, ...extra });
  const A = '127.0.0.1:40112';
  const B = '127.0.0.1:9877';

  it('until the peer has received it, and until it is acknowledged (a delayed ACK is part of the step)', () => {
    expect(dataInFlight([end(A, B, { sent: 13, received: 0 }), end(B, A, { sent: 0, received: 13 })])).toBe(false);
    expect(dataInFlight([end(A, B, { sent: 13, received: 0 }), end(B, A, { sent: 0, received: 0 })])).toBe(true);
    const unacked = end(A, B, { sent: 13, received: 0, timer: { kind: 'retransmit', remainingMs: 200 } });
    expect(dataInFlight([unacked, end(B, A, { sent: 0, received: 13 })])).toBe(true);
    // Not for a peer that is not there any more: nothing will acknowledge it.
    expect(dataInFlight([unacked])).toBe(false);
  });
});
