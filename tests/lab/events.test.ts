// The lab's events: one JSON object per line, one write(2) each, so lines never interleave.

import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ResilientObserver } from '../../src/server/lab/sockets.ts';
import { labPath } from '../../src/server/lab/availability.ts';
import { pickFreePort } from '../../src/server/lab/ports.ts';
import { killProgram, startProgram } from './programs.ts';

async function freePort(): Promise<number> {
  const observer = await ResilientObserver.open(labPath('sockdiag'));
  try {
    return await pickFreePort(observer);
  } finally {
    observer.close();
  }
}

describe('events', () => {
  it('never interleave, even with many processes writing long lines at once', async () => {
    const port = await freePort();
    const server = startProgram('server', [`--port=${port}`], { step: false });
    await server.waitFor((o) => o.kind === 'call' && o.fn === 'accept');
    // Messages of every byte value, long enough that their escaped events need truncating:
    // each child's read and write events are near the 4096-byte limit, all on one pipe.
    // (argv carries no NUL, and Node passes it as UTF-8, so: every other ASCII byte.)
    const message = Buffer.from(Array.from({ length: 2000 }, (_, i) => 1 + ((i * 7) % 127))).toString('latin1');
    const clients = Array.from({ length: 24 }, (_, i) => startProgram('client', [`--port=${port}`, `--role=client#${i + 1}`, `--message=${message}`], { step: false }));
    await Promise.all(clients.map((c) => c.closed));
    await server.waitFor((o) => o.kind === 'call' && o.fn === 'exit' && o.role !== 'parent', 5000);
    // Wait until every child has reached its exit call.
    const deadline = Date.now() + 5000;
    while (server.lines.filter((l) => l.includes('"fn":"exit"')).length < clients.length && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
    }
    await killProgram(server);

    const all = [...server.lines, ...clients.flatMap((c) => c.lines)];
    let labEvents = 0;
    for (const line of all) {
      expect(Buffer.byteLength(line) + 1).toBeLessThanOrEqual(4096);
      const obj = JSON.parse(line) as Record<string, unknown>; // throws on a torn line
      expect(typeof obj.kind).toBe('string');
      if (!String(obj.kind).startsWith('lab-')) {
        labEvents++;
        expect(obj).toEqual(expect.objectContaining({ t: expect.any(Number), pid: expect.any(Number), role: expect.any(String) }));
      }
    }
    const childReads = server.lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((o) => o.kind === 'return' && o.fn === 'read' && Number(o.ret) > 0);
    expect(childReads.length).toBeGreaterThanOrEqual(clients.length);
    expect(childReads.some((o) => o.truncated === true)).toBe(true);
    expect(new Set(server.lines.map((l) => (JSON.parse(l) as { role?: string }).role)).size).toBeGreaterThan(clients.length);
    expect(labEvents).toBeGreaterThan(clients.length * 10);
  });

  it('escape any byte, so the data read is shown exactly (invalid UTF-8 as \\u00XX)', async () => {
    const port = await freePort();
    const server = startProgram('server', [`--port=${port}`], { step: false });
    await server.waitFor((o) => o.kind === 'call' && o.fn === 'accept');
    const message = 'tab\there "quoted" back\\slash \x01\x1f\x7f é ü \u{1F600}\n';
    const client = startProgram('client', [`--port=${port}`, '--role=client#1', `--message=${message}`], { step: false });
    const wrote = await client.waitFor((o) => o.kind === 'call' && o.fn === 'write');
    expect((wrote.args as { data: string }).data).toBe(message);
    const echoed = await client.waitFor((o) => o.kind === 'output');
    expect(echoed.text).toBe('TAB\tHERE "QUOTED" BACK\\SLASH \x01\x1f\x7f é ü \u{1F600}\n');
    await client.closed;

    // Bytes that are not UTF-8, from a plain Node client: the child's read event shows each
    // stray byte as the character with that code (\u00XX), and the echo flips ASCII letters only.
    const raw = Buffer.from([0x68, 0x69, 0xff, 0xc3, 0xa9, 0x80, 0x0a]);
    const echo = await new Promise<Buffer>((resolve, reject) => {
      const sock = connect({ host: '127.0.0.1', port }, () => sock.write(raw));
      sock.once('data', (d) => {
        resolve(d);
        sock.destroy();
      });
      sock.once('error', reject);
    });
    expect([...echo]).toEqual([0x48, 0x49, 0xff, 0xc3, 0xa9, 0x80, 0x0a]);
    const read = await server.waitFor((o) => o.kind === 'return' && o.fn === 'read' && Number(o.ret) === raw.length);
    expect(read.data).toBe('hi\u00ffé\u0080\n');
    await killProgram(server);
  });
});
