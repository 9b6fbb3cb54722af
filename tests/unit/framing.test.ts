// Who may frame which page, which page carries the token, and which host names the companion
// answers to when the classroom's machines reach it (--host 0.0.0.0).

import { describe, expect, it } from 'vitest';
import { allowedHostNames, checkHttpHost, checkUpgradePeer, type GuardConfig, type MachineNames } from '../../src/server/guard.ts';
import { parseArgs } from '../../src/server/main.ts';
import { indexFramingHeaders, indexVariant, injectOtherMachine, parseFrameAncestors } from '../../src/server/static.ts';

const classroomLaptop = (): MachineNames => ({
  addresses: ['127.0.0.1', '::1', '192.168.1.20', 'fd00::2', 'fe80::fc:ff:fe00:1'],
  hostName: 'Lecture-Laptop',
});

describe('framing headers of the index', () => {
  it('forbids framing every page but embed mode', () => {
    expect(indexFramingHeaders(false)).toEqual({ 'X-Frame-Options': 'DENY', 'Content-Security-Policy': "frame-ancestors 'none'" });
  });

  it('lets any site frame an embedded lesson unless told which', () => {
    const headers = indexFramingHeaders(true);
    expect(headers).toEqual({ 'Content-Security-Policy': 'frame-ancestors *' });
    expect(headers).not.toHaveProperty('X-Frame-Options');
    expect(indexFramingHeaders(true, 'https://course.example.edu')).toEqual({ 'Content-Security-Policy': 'frame-ancestors https://course.example.edu' });
  });
});

describe('which index a request gets', () => {
  it('gives the token to a browser on this machine only, and never in embed mode', () => {
    expect(indexVariant('?lesson=concurrent&step=4', '127.0.0.1')).toEqual({ variant: 'token', embed: false });
    expect(indexVariant('', '::ffff:127.0.0.1')).toEqual({ variant: 'token', embed: false });
    expect(indexVariant('?lesson=concurrent&step=4&embed', '127.0.0.1')).toEqual({ variant: 'plain', embed: true });
    expect(indexVariant('?lesson=concurrent&embed=1', '192.168.1.30')).toEqual({ variant: 'plain', embed: true });
  });

  it('tells another machine why it gets no live runs', () => {
    expect(indexVariant('?lesson=concurrent', '192.168.1.30')).toEqual({ variant: 'other-machine', embed: false });
    expect(indexVariant('?lesson=concurrent&embed=off', '192.168.1.30')).toEqual({ variant: 'other-machine', embed: false });
    expect(injectOtherMachine('<html><head></head></html>')).toContain(
      '<meta name="forkscope-no-live" content="live runs only on the machine running the companion" />',
    );
  });
});

describe('--frame-ancestors', () => {
  it('takes origins, schemes, self and *', () => {
    expect(parseFrameAncestors('https://course.example.edu  https://*.lms.example:8443')).toEqual({
      ok: true,
      sources: 'https://course.example.edu https://*.lms.example:8443',
    });
    expect(parseFrameAncestors("'self' https:")).toEqual({ ok: true, sources: "'self' https:" });
    expect(parseFrameAncestors('*')).toEqual({ ok: true, sources: '*' });
  });

  it('refuses what could add a directive or is not a source', () => {
    for (const bad of ['', "https://a.example; script-src 'unsafe-inline'", 'https://a.example,https://b.example', "'unsafe-inline'", 'https://a.example/path/x', "'none' https://a.example"]) {
      const parsed = parseFrameAncestors(bad);
      expect(parsed.ok, bad).toBe(false);
    }
  });

  it('is a command-line option and an environment variable', () => {
    expect(parseArgs(['--frame-ancestors', 'https://course.example.edu'], {}).frameAncestors).toBe('https://course.example.edu');
    expect(parseArgs([], { FORKSCOPE_FRAME_ANCESTORS: "'self'" }).frameAncestors).toBe("'self'");
    expect(parseArgs([], {}).frameAncestors).toBe('*');
  });
});

describe('host names on the classroom network', () => {
  const config = (bindHost: string): GuardConfig => ({ port: 4813, hostNames: allowedHostNames(bindHost, classroomLaptop), token: 't' });

  it('admits the machine’s addresses and host name when bound to every interface', () => {
    for (const bind of ['0.0.0.0', '::']) {
      const c = config(bind);
      for (const host of ['192.168.1.20:4813', '[fd00::2]:4813', '[FD00::2]:4813', 'lecture-laptop:4813', 'Lecture-Laptop:4813', '127.0.0.1:4813', 'localhost:4813', '[::1]:4813']) {
        expect(checkHttpHost(host, c), `${bind} ${host}`).toBe(true);
      }
    }
  });

  it('still refuses any other name (DNS rebinding) and another port', () => {
    const c = config('0.0.0.0');
    for (const host of ['attacker.example:4813', '192.168.1.21:4813', '192.168.1.20:4814', '192.168.1.20', 'lecture-laptop.attacker.example:4813', undefined]) {
      expect(checkHttpHost(host, c), String(host)).toBe(false);
    }
  });

  it('admits only loopback and the listening address when bound to one address', () => {
    expect(allowedHostNames('127.0.0.1', classroomLaptop)).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(allowedHostNames('192.168.1.20', classroomLaptop)).toEqual(['localhost', '127.0.0.1', '[::1]', '192.168.1.20']);
    expect(checkHttpHost('lecture-laptop:4813', config('192.168.1.20'))).toBe(false);
  });
});

describe('a WebSocket upgrade from another machine', () => {
  it('is refused before anything else, saying why', () => {
    expect(checkUpgradePeer('127.0.0.1')).toEqual({ ok: true });
    expect(checkUpgradePeer('::1')).toEqual({ ok: true });
    const verdict = checkUpgradePeer('192.168.1.30');
    expect(verdict).toMatchObject({ ok: false, status: 403 });
    if (!verdict.ok) expect(verdict.reason).toBe('live runs only on the machine running the companion: 192.168.1.30 is another machine');
    expect(checkUpgradePeer(undefined).ok).toBe(false);
  });
});
