// The classroom network: the companion bound to every interface (--host 0.0.0.0) serves the
// recorded lessons to other machines, never a token or a live run. Test traffic goes only to
// loopback and to a network namespace this test makes itself (a veth pair with addresses of its
// own), which it removes afterwards, even on failure.

import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCompanion, type Companion } from '../../src/server/app.ts';
import { thisMachine } from '../../src/server/guard.ts';

let companion: Companion;

beforeAll(async () => {
  const dist = mkdtempSync(join(tmpdir(), 'forkscope-dist-'));
  writeFileSync(join(dist, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
  // Live runs are off: nothing here needs one, and none may start.
  companion = await startCompanion({ host: '0.0.0.0', port: 0, distDir: dist, live: { live: false, reason: 'not in this test' } });
});

afterAll(async () => {
  await companion?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** GET `path` from 127.0.0.1 with this Host, from `localAddress` (one of this machine's own addresses) if given. */
function get(path: string, host: string, localAddress?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: companion.port, path, localAddress, headers: { Host: host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The status line the companion answers a WebSocket upgrade with (carrying the right token), and its body. */
function upgrade(host: string, localAddress?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: companion.port, localAddress }, () => {
      socket.write(
        [
          `GET /ws?token=${encodeURIComponent(companion.token)} HTTP/1.1`,
          `Host: ${host}`,
          `Origin: http://${host}`,
          'Upgrade: websocket',
          'Connection: Upgrade',
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
          'Sec-WebSocket-Version: 13',
          '',
          '',
        ].join('\r\n'),
      );
    });
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => {
      text += d;
      // A 101 keeps the connection open: the status line is enough.
      if (text.startsWith('HTTP/1.1 101')) socket.destroy();
    });
    socket.on('close', () => resolve(text));
    socket.on('error', reject);
  });
}

const TOKEN_META = 'name="forkscope-token"';
const NO_LIVE_META = '<meta name="forkscope-no-live" content="live runs only on the machine running the companion" />';

/** One of this machine's addresses that is not loopback (IPv4), if it has one. */
const ownAddress = thisMachine().addresses.find((a) => !a.includes(':') && !a.startsWith('127.'));

describe('bound to every interface, from this machine', () => {
  it('answers to its own address and host name, and still refuses other names', async () => {
    const port = companion.port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `${thisMachine().hostName}:${port}`, ...(ownAddress ? [`${ownAddress}:${port}`] : [])]) {
      const page = await get('/?lesson=concurrent', host);
      expect(page.status, host).toBe(200);
      // A browser on this machine (the peer is loopback) gets the token whatever name it used.
      expect(page.body, host).toContain(TOKEN_META);
    }
    expect((await get('/', `attacker.example:${port}`)).status).toBe(403);
    expect((await get('/', `${thisMachine().hostName}.attacker.example:${port}`)).status).toBe(403);
  });

  it('serves an embedded lesson without the token and lets it be framed; any other page refuses framing', async () => {
    const host = `127.0.0.1:${companion.port}`;
    const embedded = await get('/?lesson=concurrent&step=4&embed', host);
    expect(embedded.status).toBe(200);
    expect(embedded.body).not.toContain(TOKEN_META);
    expect(embedded.headers['content-security-policy']).toBe('frame-ancestors *');
    expect(embedded.headers['x-frame-options']).toBeUndefined();
    const page = await get('/?lesson=concurrent&step=4', host);
    expect(page.headers['content-security-policy']).toBe("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  if (!ownAddress) console.log('classroom.test.ts: this machine has no non-loopback IPv4 address: skipping the test from one');
  it.skipIf(!ownAddress)('gives a peer at a non-loopback address (this machine’s own, to 127.0.0.1) no token and no WebSocket', async () => {
    const host = `${ownAddress}:${companion.port}`;
    const page = await get('/?lesson=concurrent', host, ownAddress);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain(TOKEN_META);
    expect(page.body).toContain(NO_LIVE_META);
    const answer = await upgrade(host, ownAddress);
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(answer).toContain(`live runs only on the machine running the companion: ${ownAddress} is another machine`);
    // The same upgrade from loopback is accepted: the refusal is the peer's address, nothing else.
    expect(await upgrade(`127.0.0.1:${companion.port}`)).toMatch(/^HTTP\/1\.1 101 /);
  });
});

/** Why the namespace test cannot run here, or null. */
function namespaceUnavailable(): string | null {
  if (process.getuid?.() !== 0) return 'not root';
  if (spawnSync('ip', ['-V']).error) return 'no `ip` command (apt-get install iproute2)';
  return null;
}

const unavailable = namespaceUnavailable();
if (unavailable) console.log(`classroom.test.ts: skipping the network-namespace test: ${unavailable}`);

describe.skipIf(unavailable !== null)('from another machine (a network namespace of this test’s own)', () => {
  const id = `${process.pid % 10000}${randomBytes(2).toString('hex')}`;
  const ns = `forkscope-${id}`;
  const hostEnd = `fsh${id}`; // interface names: 15 characters at most
  const nsEnd = `fsn${id}`;
  const subnet = 1 + (randomBytes(1)[0]! % 250);
  const hostAddress = `10.213.${subnet}.1`;
  const nsAddress = `10.213.${subnet}.2`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

  beforeAll(() => {
    ip('netns', 'add', ns);
    ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', nsEnd);
    ip('link', 'set', nsEnd, 'netns', ns);
    ip('addr', 'add', `${hostAddress}/30`, 'dev', hostEnd);
    ip('link', 'set', hostEnd, 'up');
    ip('netns', 'exec', ns, 'ip', 'addr', 'add', `${nsAddress}/30`, 'dev', nsEnd);
    ip('netns', 'exec', ns, 'ip', 'link', 'set', nsEnd, 'up');
    ip('netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up');
  });

  afterAll(() => {
    // Deleting the namespace deletes its end of the pair, and with it the other end; both are tried in any case.
    for (const args of [['netns', 'del', ns], ['link', 'del', hostEnd]]) spawnSync('ip', args, { stdio: 'ignore' });
  });

  it('gets the page without a token, is told why, and is refused a WebSocket even with the token', async () => {
    // Runs inside the namespace: one GET of the page, one upgrade carrying the right token.
    const script = `
      const net = require('node:net');
      const [host, port, token] = process.argv.slice(1);
      (async () => {
        const res = await fetch('http://' + host + ':' + port + '/?lesson=concurrent');
        const body = await res.text();
        const upgrade = await new Promise((resolve, reject) => {
          const s = net.connect({ host, port: Number(port) }, () => s.write(
            'GET /ws?token=' + encodeURIComponent(token) + ' HTTP/1.1\\r\\nHost: ' + host + ':' + port +
            '\\r\\nOrigin: http://' + host + ':' + port + '\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\n' +
            'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\\r\\nSec-WebSocket-Version: 13\\r\\n\\r\\n'));
          let text = '';
          s.setEncoding('utf8');
          s.on('data', (d) => { text += d; if (text.startsWith('HTTP/1.1 101')) s.destroy(); });
          s.on('close', () => resolve(text));
          s.on('error', reject);
          setTimeout(() => { s.destroy(); }, 10000).unref();
        });
        console.log(JSON.stringify({ status: res.status, body, upgrade }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    // Asynchronously: the companion answering it runs in this process.
    const { stdout: out } = await promisify(execFile)('ip', ['netns', 'exec', ns, process.execPath, '-e', script, hostAddress, String(companion.port), companion.token], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    const { status, body, upgrade: answer } = JSON.parse(out) as { status: number; body: string; upgrade: string };
    // The address came up after the companion started: it is admitted all the same.
    expect(status).toBe(200);
    expect(body).toContain('<title>t</title>');
    expect(body).not.toContain(TOKEN_META);
    expect(body).not.toContain(companion.token);
    expect(body).toContain(NO_LIVE_META);
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
    expect(answer).toContain(`live runs only on the machine running the companion: ${nsAddress} is another machine`);
  });
});
