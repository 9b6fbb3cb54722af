// Packets captured on lo: a run of the concurrent server captures its own segments (root, or a
// capture helper with CAP_NET_RAW, as CI runs), and they match the model's; where capture is
// off or not permitted, the header says why and the trace has no packets.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReplay } from '../../src/model/index.ts';
import { concurrent } from '../../src/scenarios/concurrent.ts';
import { labAvailability } from '../../src/server/lab/availability.ts';
import { capturePath, PacketCapture } from '../../src/server/lab/capture.ts';
import type { LabRun } from '../../src/server/lab/run.ts';
import type { PacketEvent, TraceEvent, TraceHeader } from '../../src/trace/types.ts';
import { alive, clientPort, Recorder, startRun } from './helpers.ts';

const ROOT = process.getuid?.() === 0;
const labDir = labAvailability().labDir;

/** The packets of the step with this label: the `packet` events just before its kernel snapshot. */
function packetsOf(events: readonly TraceEvent[], label: string): PacketEvent[] {
  const end = events.findIndex((e) => e.kind === 'kernel' && e.label === label);
  const out: PacketEvent[] = [];
  for (let i = end - 1; i >= 0 && events[i]!.kind === 'packet'; i--) out.unshift(events[i] as PacketEvent);
  return out;
}

const names = (ps: readonly PacketEvent[], port: number) =>
  ps.map((p) => `${p.from.endsWith(`:${port}`) ? 'server' : 'client'}:${p.flags.filter((f) => f !== 'ECE' && f !== 'CWR').join('+')}`);

describe.runIf(ROOT)('a run as root captures its own segments', () => {
  let run: LabRun;
  let rec: Recorder;
  let helperPid: number | null = null;

  beforeAll(async () => {
    ({ run, rec } = await startRun({ scenario: concurrent, capture: 'auto' }));
    helperPid = run.captureHelperPid;
    while (!run.done) await run.next();
    await run.stop('completed');
  });

  afterAll(async () => {
    await run?.stop();
  });

  it('says so in the header', () => {
    expect((rec.records[0] as TraceHeader).capture).toEqual({ packets: true });
  });

  it('captures the three-way handshake when the client connects', () => {
    const ps = packetsOf(rec.events, 'client-connect');
    expect(names(ps, run.port)).toEqual(['client:SYN', 'server:SYN+ACK', 'client:ACK']);
    const client = `127.0.0.1:${clientPort(rec, 'client#1')}`;
    const server = `127.0.0.1:${run.port}`;
    expect(ps.map((p) => `${p.from} ${p.to}`)).toEqual([`${client} ${server}`, `${server} ${client}`, `${client} ${server}`]);
    // The SYN+ACK acknowledges the SYN's sequence number + 1, and the ACK the SYN+ACK's.
    expect(ps[0]!.tcpAck).toBeNull();
    expect(ps[1]!.tcpAck).toBe((ps[0]!.tcpSeq + 1) % 2 ** 32);
    expect(ps[2]!.tcpAck).toBe((ps[1]!.tcpSeq + 1) % 2 ** 32);
  });

  it('captures the four-packet close, each FIN acknowledged in the step that sent it', () => {
    expect(names(packetsOf(rec.events, 'client-close'), run.port)).toEqual(['client:FIN+ACK', 'server:ACK']);
    expect(names(packetsOf(rec.events, 'child-close-connfd'), run.port)).toEqual(['server:FIN+ACK', 'client:ACK']);
    // The data the client wrote, with its length.
    expect(packetsOf(rec.events, 'client-write').map((p) => [p.flags.includes('PSH'), p.len])).toEqual([
      [true, 13],
      [false, 0],
    ]);
  });

  it('writes each step’s packets in the order they arrived, just before its kernel snapshot', () => {
    const events = rec.events;
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      if (e.kind !== 'packet') continue;
      const next = events[i + 1]!;
      expect(next.kind === 'packet' || next.kind === 'kernel').toBe(true);
      if (next.kind === 'packet') expect(next.t).toBeGreaterThanOrEqual(e.t);
    }
    expect(events.filter((e) => e.kind === 'packet')).toHaveLength(11);
  });

  it('matches the model: every packet is a segment the model predicted, in the same order', () => {
    const replay = createReplay({ header: rec.records[0] as TraceHeader, events: rec.events });
    const disagreements = [...Array(replay.stepCount).keys()].flatMap((s) =>
      replay.atStep(s).disagreements.map((d) => `${replay.atStep(s).label}: ${d.subject}, ${d.fact}: model ${d.model}, kernel ${d.kernel}`),
    );
    expect(disagreements).toEqual([]);
    const view = replay.packetsAt(replay.stepCount - 1);
    expect(view.packets).toHaveLength(11);
    expect(view.packets.every((p) => p.segment !== null)).toBe(true);
    expect(view.uncaptured.size).toBe(0);
    // Relative numbers, as the model counts them: the client's FIN is seq 14, ack 14.
    const fin = view.packets.find((p) => p.flags.includes('FIN'));
    expect(fin).toMatchObject({ seq: 14, ack: 14, len: 0 });
  });

  it('leaves no capture helper behind', () => {
    expect(helperPid).not.toBeNull();
    expect(alive(helperPid!)).toBe(false);
  });
});

describe('a run without capture', () => {
  it('says in the header that capture is off, and has no packet events', async () => {
    const { run, rec } = await startRun({ scenario: concurrent, capture: 'off' });
    try {
      for (let i = 0; i < 8 && !run.done; i++) await run.next();
    } finally {
      await run.stop();
    }
    const header = rec.records[0] as TraceHeader;
    expect(header.capture).toEqual({ packets: false, reason: 'packet capture is turned off (FORKSCOPE_CAPTURE=off)' });
    expect(run.captureHelperPid).toBeNull();
    expect(rec.events.some((e) => e.kind === 'packet')).toBe(false);
    const replay = createReplay({ header, events: rec.events });
    expect(replay.disagreementCount()).toBe(0);
    expect(replay.packetsAt(replay.stepCount - 1).packets).toEqual([]);
  });

  it.runIf(!ROOT)('as a user without CAP_NET_RAW, says capture is not permitted', async () => {
    const { run, rec } = await startRun({ scenario: concurrent });
    await run.stop();
    expect((rec.records[0] as TraceHeader).capture).toMatchObject({ packets: false, reason: expect.stringMatching(/not permitted.*CAP_NET_RAW/) });
  });

  // The real EPERM: the helper run as nobody, and as root without CAP_NET_RAW.
  it.runIf(ROOT).each([
    ['as nobody', ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups']],
    ['as root without CAP_NET_RAW', ['setpriv', '--inh-caps=-all', '--bounding-set=-net_raw']],
  ])('says capture is not permitted when the helper runs %s', async (_how, command) => {
    const started = await PacketCapture.start(capturePath(labDir), command);
    expect(started.capture).toBeNull();
    expect('reason' in started && started.reason).toBe(
      'not permitted (capturing on lo needs root or CAP_NET_RAW): socket(AF_PACKET): Operation not permitted',
    );
  });
});
