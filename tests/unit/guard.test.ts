import { describe, expect, it } from 'vitest';
import { allowedHostNames, checkUpgrade, type GuardConfig } from '../../src/server/guard.ts';
import { parseArgs } from '../../src/server/main.ts';
import { injectToken, isLoopback, resolveInside } from '../../src/server/static.ts';

const config: GuardConfig = { port: 4813, hostNames: allowedHostNames('127.0.0.1'), token: 'secret-token' };
const good = { host: '127.0.0.1:4813', origin: 'http://127.0.0.1:4813' };

describe('before a WebSocket upgrade', () => {
  it('accepts the companion’s own page with its token', () => {
    expect(checkUpgrade('/ws?token=secret-token', good, config)).toEqual({ ok: true });
    expect(checkUpgrade('/ws?token=secret-token', { host: 'localhost:4813', origin: 'http://localhost:4813' }, config)).toEqual({ ok: true });
  });

  it('refuses another origin', () => {
    const verdict = checkUpgrade('/ws?token=secret-token', { ...good, origin: 'http://evil.example' }, config);
    expect(verdict).toMatchObject({ ok: false, status: 403 });
    if (!verdict.ok) expect(verdict.reason).toContain('Origin');
  });

  it('refuses a missing origin', () => {
    expect(checkUpgrade('/ws?token=secret-token', { host: good.host }, config)).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a rebound host name', () => {
    const verdict = checkUpgrade('/ws?token=secret-token', { host: 'evil.example:4813', origin: 'http://evil.example:4813' }, config);
    expect(verdict).toMatchObject({ ok: false, status: 403 });
    if (!verdict.ok) expect(verdict.reason).toContain('Host');
  });

  it('refuses another port on the same host', () => {
    expect(checkUpgrade('/ws?token=secret-token', { host: '127.0.0.1:4813', origin: 'http://127.0.0.1:5173' }, config).ok).toBe(false);
  });

  it('refuses a wrong or missing token', () => {
    expect(checkUpgrade('/ws?token=guess', good, config)).toMatchObject({ ok: false, status: 403 });
    expect(checkUpgrade('/ws', good, config)).toMatchObject({ ok: false, status: 403 });
  });

  it('refuses a request target that is not a URL, without throwing', () => {
    expect(checkUpgrade('//[', good, config)).toMatchObject({ ok: false, status: 400 });
  });

  it('refuses other paths', () => {
    expect(checkUpgrade('/other?token=secret-token', good, config)).toMatchObject({ ok: false, status: 400 });
  });
});

describe('static files', () => {
  it('stays inside the web root', () => {
    expect(resolveInside('/srv/dist', '/assets/app.js')).toBe('/srv/dist/assets/app.js');
    expect(resolveInside('/srv/dist', '/../secret')).toBeNull();
    expect(resolveInside('/srv/dist', '/%2e%2e/secret')).toBeNull();
    expect(resolveInside('/srv/dist', '/a%00b')).toBeNull();
    expect(resolveInside('/srv/dist', '/%E0%A4%A')).toBeNull();
  });

  it('puts the token in the page head', () => {
    expect(injectToken('<html><head><title>x</title></head></html>', 'abc')).toContain('<meta name="forkscope-token" content="abc" />\n  </head>');
  });
});

describe('who gets the token', () => {
  it('is a browser on this machine', () => {
    expect(isLoopback('127.0.0.1')).toBe(true);
    expect(isLoopback('::1')).toBe(true);
    expect(isLoopback('::ffff:127.0.0.1')).toBe(true);
  });

  it('is not another machine', () => {
    expect(isLoopback('192.168.1.20')).toBe(false);
    expect(isLoopback('::ffff:10.0.0.2')).toBe(false);
    expect(isLoopback(undefined)).toBe(false);
  });
});

describe('npm start options', () => {
  it('listens on loopback by default, and when FORKSCOPE_HOST is empty', () => {
    expect(parseArgs([], {}).host).toBe('127.0.0.1');
    expect(parseArgs([], { FORKSCOPE_HOST: '' }).host).toBe('127.0.0.1');
  });

  it('takes a port from the flag or the environment', () => {
    expect(parseArgs(['--port', '5000'], {})).toMatchObject({ port: 5000, portGiven: true });
    expect(parseArgs(['--port=5001'], {})).toMatchObject({ port: 5001, portGiven: true });
    expect(parseArgs([], { FORKSCOPE_PORT: '5002' })).toMatchObject({ port: 5002, portGiven: true });
    expect(parseArgs([], { FORKSCOPE_PORT: '' })).toMatchObject({ port: 4813, portGiven: false });
  });
});
