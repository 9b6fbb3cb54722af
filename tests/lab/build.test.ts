// Building the C lab: it compiles cleanly, skips what is up to date, and never fails an install.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB_PROGRAMS, labAvailability, SANDBOX_PROGRAM } from '../../src/server/lab/availability.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const SCRIPT = join(ROOT, 'scripts/build-lab.ts');

function build(out: string, env: NodeJS.ProcessEnv) {
  return spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, '--out', out], { cwd: ROOT, env, encoding: 'utf8' });
}

describe('building the lab', () => {
  it('compiles every program with -Wall -Wextra -Werror, then skips them while up to date', () => {
    const out = mkdtempSync(join(tmpdir(), 'forkscope-build-'));
    const first = build(out, process.env);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/built the C lab \(server, client, sandbox, reaper, sockdiag, capture, dropper\)/);
    for (const p of [...LAB_PROGRAMS, SANDBOX_PROGRAM, 'capture']) expect(existsSync(join(out, p))).toBe(true);
    expect(labAvailability(out)).toEqual({ live: true, reason: null, labDir: out });
    const second = build(out, process.env);
    expect(second.status).toBe(0);
    expect(second.stdout).toBe('');
  });

  it('says what to install, and succeeds, when there is no C compiler', () => {
    const out = mkdtempSync(join(tmpdir(), 'forkscope-build-'));
    // A PATH with nothing on it: node itself is started by its absolute path.
    const env = { PATH: mkdtempSync(join(tmpdir(), 'forkscope-empty-path-')), HOME: process.env.HOME, npm_lifecycle_event: 'postinstall' };
    const r = build(out, env);
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/no C compiler .* found.*apt-get install gcc.*xcode-select --install.*Recorded lessons still work/);
    expect(existsSync(join(out, 'server'))).toBe(false);
  });

  it('says so when $CC does not run', () => {
    const out = mkdtempSync(join(tmpdir(), 'forkscope-build-'));
    const r = build(out, { ...process.env, CC: '/nonexistent/cc' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/\$CC="\/nonexistent\/cc" does not run/);
  });
});

describe('live availability', () => {
  it('explains what to do when the lab is not built', () => {
    const a = labAvailability(mkdtempSync(join(tmpdir(), 'forkscope-nolab-')));
    expect(a.live).toBe(false);
    expect(a.reason).toMatch(/not built.*build\/lab\/server.*apt-get install gcc.*npm run build:lab/);
  });
});
