// The companion end to end over a real WebSocket, with the real lab behind it.

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { concurrentPlan, parentKeepsConnfdPlan } from '../../src/plan/examples.ts';
import { MAX_CLIENT_MESSAGE_BYTES, MAX_PLAN_MESSAGE_BYTES, type ServerMessage } from '../../src/protocol/messages.ts';
import { startCompanion, type Companion } from '../../src/server/app.ts';
import { labAvailability } from '../../src/server/lab/availability.ts';
import type { KernelEvent, SpawnEvent, TraceRecord } from '../../src/trace/types.ts';

let companion: Companion;
let origin: string;

beforeAll(async () => {
  const dist = mkdtempSync(join(tmpdir(), 'forkscope-dist-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
  companion = await startCompanion({ host: '127.0.0.1', port: 0, distDir: dist, live: labAvailability(), limits: { maxRuns: 2 } });
  origin = `http://127.0.0.1:${companion.port}`;
});

afterAll(async () => {
  await companion?.close();
});

/** A WebSocket client that queues every message, so none is missed between awaits. */
class Client {
  readonly ws: WebSocket;
  private readonly inbox: ServerMessage[] = [];
  private waiter: (() => void) | null = null;
  readonly opened: Promise<void>;
  readonly records: TraceRecord[] = [];

  constructor(headers: Record<string, string> = { Origin: origin }, token = companion.token) {
    this.ws = new WebSocket(`ws://127.0.0.1:${companion.port}/ws?token=${encodeURIComponent(token)}`, { headers });
    this.ws.on('message', (data) => {
      const msg = JSON.parse(data.toString()) as ServerMessage;
      if (msg.type === 'records') this.records.push(...msg.records);
      this.inbox.push(msg);
      this.waiter?.();
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
    });
  }

  /** The next message of this type (earlier ones of other types are skipped). */
  async next<T extends ServerMessage['type']>(type: T, timeoutMs = 20_000): Promise<Extract<ServerMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.inbox.findIndex((m) => m.type === type || m.type === 'error');
      if (index >= 0) {
        const [msg] = this.inbox.splice(index, 1);
        if (msg!.type !== type) throw new Error(`expected ${type}, got ${JSON.stringify(msg)}`);
        return msg as Extract<ServerMessage, { type: T }>;
      }
      if (Date.now() > deadline) throw new Error(`no "${type}" message within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
        setTimeout(resolve, 50);
      });
    }
  }

  send(value: unknown): void {
    this.ws.send(typeof value === 'string' ? value : JSON.stringify(value));
  }

  close(): void {
    this.ws.close();
  }
}

function labPids(records: TraceRecord[]): number[] {
  const pids = new Set<number>();
  for (const r of records) if ('pid' in r && typeof r.pid === 'number') pids.add(r.pid);
  return [...pids];
}

async function gone(pids: number[], timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (pids.every((pid) => !existsSync(`/proc/${pid}`))) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

function rejectedStatus(client: Client): Promise<number> {
  return new Promise((resolve) => {
    client.ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    client.ws.once('error', () => undefined);
  });
}

describe('the page', () => {
  it('carries this run’s token', async () => {
    const html = await (await fetch(`${origin}/`)).text();
    expect(html).toContain(`<meta name="forkscope-token" content="${companion.token}"`);
  });

  it('refuses a request for another host name', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve) => {
      request({ host: '127.0.0.1', port: companion.port, path: '/', headers: { Host: 'attacker.example' } }, (res) => resolve(res.statusCode ?? 0)).end();
    });
    expect(status).toBe(403);
  });
});

describe('opening the WebSocket', () => {
  it('refuses a page from another origin', async () => {
    const client = new Client({ Origin: 'http://attacker.example' });
    expect(await rejectedStatus(client)).toBe(403);
  });

  it('refuses a wrong token', async () => {
    const client = new Client({ Origin: origin }, 'not-the-token');
    expect(await rejectedStatus(client)).toBe(403);
  });

  it('says hello with the scenarios and whether live runs work', async () => {
    const client = new Client();
    await client.opened;
    const hello = await client.next('hello');
    expect(hello.live).toBe(true);
    expect(hello.scenarios.map((s) => s.id)).toContain('concurrent');
    expect(hello.sandbox).toBe(true);
    client.close();
  });
});

describe('bad input', () => {
  it('survives an upgrade whose target is not a URL', async () => {
    const { connect } = await import('node:net');
    const answer = await new Promise<string>((resolve) => {
      const sock = connect(companion.port, '127.0.0.1', () => {
        sock.write(`GET //[ HTTP/1.1\r\nHost: 127.0.0.1:${companion.port}\r\nOrigin: ${origin}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`);
      });
      let text = '';
      sock.on('data', (d) => (text += d.toString()));
      sock.on('close', () => resolve(text));
      sock.on('error', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1.1 400/);
    expect((await fetch(`${origin}/`)).status).toBe(200);
  });

  it('answers a malformed message with an error and keeps the connection', async () => {
    const client = new Client();
    await client.opened;
    await client.next('hello');
    client.send('{not json');
    const err = await client.next('error');
    expect(err).toMatchObject({ code: 'bad-message', message: 'message is not JSON' });
    client.send({ type: 'start', scenario: 'no-such-scenario' });
    const unknown = await client.next('error');
    expect(unknown).toMatchObject({ code: 'unknown-scenario', message: 'no scenario "no-such-scenario"' });
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.close();
  });

  it('refuses a message over the small cap (only a plan may be larger) and keeps the connection', async () => {
    const client = new Client();
    await client.opened;
    await client.next('hello');
    client.send('x'.repeat(10_000));
    const err = await client.next('error');
    expect(err).toMatchObject({ code: 'bad-message', message: expect.stringContaining(`larger than ${MAX_CLIENT_MESSAGE_BYTES} bytes`) });
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
    client.close();
  });

  it('closes the connection on a message larger than a plan may be', async () => {
    const client = new Client();
    await client.opened;
    const closed = new Promise<number>((resolve) => client.ws.once('close', (code) => resolve(code)));
    client.send('x'.repeat(MAX_PLAN_MESSAGE_BYTES + 1));
    expect(await closed).toBe(1009);
  });

  it('refuses a bad plan with the code bad-plan, naming the step and field, and runs nothing', async () => {
    const client = new Client();
    await client.opened;
    await client.next('hello');
    client.send({ type: 'start-plan', plan: { ...concurrentPlan, steps: [{ proc: 'client#1', do: 'socket' }] }, toStep: 1 });
    const err = await client.next('error');
    expect(err.code).toBe('bad-plan');
    expect(err.message).toMatch(/^start-plan: step 1: /);
    expect(client.records).toEqual([]);
    client.close();
  });
});

describe('a live run', () => {
  it('runs to the requested step, then steps to the end with the client in TIME_WAIT', async () => {
    const client = new Client();
    await client.opened;
    await client.next('hello');
    client.send({ type: 'start', scenario: 'concurrent', toStep: 3 });
    let stepped = await client.next('stepped');
    while (stepped.step < 3) stepped = await client.next('stepped');
    expect(stepped.step).toBe(3);
    expect(client.records[0]).toMatchObject({ kind: 'header', format: 'forkscope-trace', version: 1 });

    while (!stepped.done) {
      client.send({ type: 'step' });
      stepped = await client.next('stepped');
    }
    const ended = await client.next('ended');
    expect(ended.reason).toBe('completed');
    const kernels = client.records.filter((r): r is KernelEvent => r.kind === 'kernel');
    const last = kernels.at(-1)!;
    const clientPort = (client.records.find((r) => r.kind === 'return' && r.fn === 'connect') as { local?: string } | undefined)?.local;
    expect(last.sockets.find((s) => s.local === clientPort)?.state).toBe('TIME_WAIT');
    expect(await gone(labPids(client.records))).toBe(true);
    client.close();
  });

  it('kills the lab when the browser goes away mid-run', async () => {
    const client = new Client();
    await client.opened;
    await client.next('hello');
    client.send({ type: 'start', scenario: 'concurrent', toStep: 10 });
    let stepped = await client.next('stepped');
    while (stepped.step < 10) stepped = await client.next('stepped');
    const spawned = client.records.filter((r): r is SpawnEvent => r.kind === 'spawn');
    expect(spawned.length).toBeGreaterThan(0);
    const pids = labPids(client.records);
    expect(pids.some((pid) => existsSync(`/proc/${pid}`))).toBe(true);
    client.close();
    expect(await gone(pids)).toBe(true);
  });

  it('says so at once when a lab process dies between steps', async () => {
    const client = new Client();
    await client.opened;
    await client.next('hello');
    client.send({ type: 'start', scenario: 'concurrent', toStep: 8 });
    let stepped = await client.next('stepped');
    while (stepped.step < 8) stepped = await client.next('stepped');
    const victim = client.records.find((r): r is SpawnEvent => r.kind === 'spawn' && r.role === 'client#1')!;
    process.kill(victim.pid, 'SIGKILL');
    const err = await client.next('error', 5000);
    expect(err.code).toBe('lab-failed');
    expect(err.message).toContain('client#1');
    expect((await client.next('ended', 5000)).reason).toBe('error');
    expect(await gone(labPids(client.records))).toBe(true);
    client.close();
  });

  it('caps how many live runs the companion has at once', async () => {
    const clients = [new Client(), new Client(), new Client()];
    await Promise.all(clients.map((c) => c.opened));
    await Promise.all(clients.map((c) => c.next('hello')));
    for (const c of clients) c.send({ type: 'start', scenario: 'concurrent', toStep: 1 });
    const results = await Promise.all(clients.map((c) => c.next('stepped').then(() => 'ran', (e: Error) => e.message)));
    expect(results.filter((r) => r === 'ran')).toHaveLength(2);
    expect(results.find((r) => r !== 'ran')).toContain('busy');
    const pids = clients.flatMap((c) => labPids(c.records));
    for (const c of clients) c.close();
    expect(await gone(pids)).toBe(true);
  });
});

describe('a live plan', () => {
  it('runs a plan step by step, and ends it with the client in TIME_WAIT', async () => {
    const client = new Client();
    await client.opened;
    await client.next('hello');
    client.send({ type: 'start-plan', plan: concurrentPlan, toStep: 2 });
    let stepped = await client.next('stepped');
    while (stepped.step < 2) stepped = await client.next('stepped');
    expect(client.records[0]).toMatchObject({ kind: 'header', scenario: { id: 'plan', title: concurrentPlan.title, knobs: {} }, plan: concurrentPlan });
    while (!stepped.done) {
      client.send({ type: 'step' });
      stepped = await client.next('stepped');
    }
    expect(stepped.step).toBe(concurrentPlan.steps.length);
    expect((await client.next('ended')).reason).toBe('completed');
    const last = client.records.filter((r): r is KernelEvent => r.kind === 'kernel').at(-1)!;
    expect(last.label).toBe(`step-${concurrentPlan.steps.length}`);
    const clientPort = (client.records.find((r) => r.kind === 'return' && r.fn === 'connect') as { local?: string } | undefined)?.local;
    expect(last.sockets.find((s) => s.local === clientPort)?.state).toBe('TIME_WAIT');
    expect(await gone(labPids(client.records))).toBe(true);
    client.close();
  });

  it('ends a plan that stalls with the stall as the end\'s message, and leaves nothing behind', async () => {
    const client = new Client();
    await client.opened;
    await client.next('hello');
    const stalling = { ...parentKeepsConnfdPlan, steps: [...parentKeepsConnfdPlan.steps, { proc: 'client#1', do: 'close', fd: 'sockfd' } as const] };
    client.send({ type: 'start-plan', plan: stalling, toStep: stalling.steps.length });
    const ended = await client.next('ended');
    expect(ended).toMatchObject({ reason: 'stopped', message: `plan stalled at step ${stalling.steps.length}: client#1 is blocked in read()` });
    expect(client.records.at(-1)).toMatchObject({ kind: 'end', reason: 'stopped', message: ended.message });
    expect(await gone(labPids(client.records))).toBe(true);
    client.close();
  });
});
