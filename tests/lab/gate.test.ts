// The gate: a lab process waits for SIGUSR1 with sigwaitinfo, with SIGUSR1 blocked all along.

import { describe, expect, it } from 'vitest';
import { killProgram, startProgram } from './programs.ts';

const nowNs = () => Number(process.hrtime.bigint());

describe('a gate', () => {
  it('does not lose a release sent before the process waits', async () => {
    // Release the client as soon as it exists: before it has even written its first call event,
    // so before it waits at that call's gate. (The call event's timestamp, on the same monotonic
    // clock, proves the order; in the rare case the client was faster, try again.)
    for (let attempt = 0; attempt < 10; attempt++) {
      const client = startProgram('client', ['--port=9', '--role=client#1'], { step: true });
      const pid = await client.pid;
      const sentAt = nowNs();
      process.kill(pid, 'SIGUSR1');
      const call = await client.waitFor((o) => o.kind === 'call' && o.fn === 'socket');
      if (Number(call.t) <= sentAt) {
        await killProgram(client);
        continue;
      }
      // The early release opened the first gate: socket() ran, and the client waits before connect.
      await client.waitFor((o) => o.kind === 'return' && o.fn === 'socket');
      await client.waitFor((o) => o.kind === 'call' && o.fn === 'connect');
      await new Promise((r) => setTimeout(r, 100));
      const events = client.lines.map((l) => JSON.parse(l) as { kind: string; fn?: string });
      expect(events.some((e) => e.kind === 'return' && e.fn === 'connect')).toBe(false);
      await killProgram(client);
      return;
    }
    throw new Error('the client always reached its gate before the release was sent');
  });

  it('holds the process until it is released', async () => {
    const client = startProgram('client', ['--port=9', '--role=client#1'], { step: true });
    const pid = await client.pid;
    await client.waitFor((o) => o.kind === 'call' && o.fn === 'socket');
    await new Promise((r) => setTimeout(r, 100));
    expect(client.lines.filter((l) => !l.includes('lab-launched'))).toHaveLength(1);
    process.kill(pid, 'SIGUSR1');
    await client.waitFor((o) => o.kind === 'call' && o.fn === 'connect');
    await killProgram(client);
  });

  it('is open when not stepping: the programs run freely', async () => {
    const client = startProgram('client', ['--port=9', '--role=client#1'], { step: false });
    // Nothing listens on port 9 (discard) here, so connect fails; the wrapper reports and exits.
    const ret = await client.waitFor((o) => o.kind === 'return' && o.fn === 'connect');
    expect(ret.errno).toBe('ECONNREFUSED');
    const reaped = await client.waitFor((o) => o.kind === 'lab-reaped');
    expect(reaped.status).toBe(1);
    expect(client.lines.some((l) => l.includes('"stream":"stderr"') && l.includes('connect error: Connection refused'))).toBe(true);
    await client.closed;
  });
});
