// Compiles the C lab (src/lab) into build/lab/: the server, the client, the sandbox, the reaper that
// launches them, the sock_diag helper, the packet capture helper, and the dropper (a `drop` step's socket filter). Runs as `npm run build:lab` and as npm's
// postinstall. Skips what is up to date. Never fails an install: without a C compiler (or
// on a system other than Linux) it says what is missing and that recorded lessons still work.

import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SRC = join(ROOT, 'src/lab');
/** Where the programs go: build/lab, or the directory after --out (tests build elsewhere). */
const OUT = process.argv.includes('--out') ? resolve(process.argv[process.argv.indexOf('--out') + 1] ?? '') : join(ROOT, 'build/lab');
// Warnings fail the build in CI (FORKSCOPE_WERROR=1 or CI set), where we control the compiler;
// on a user's machine a newer compiler's new warning must not take live lessons away.
const STRICT = Boolean(process.env.FORKSCOPE_WERROR || process.env.CI);
const FLAGS = ['-std=c11', '-Wall', '-Wextra', ...(STRICT ? ['-Werror'] : []), '-O2'];

const LIB = ['knobs.c', 'wrapsock.c', 'wrapunix.c', 'signal.c', 'event.c', 'gate.c', 'lab.c'];
export const PROGRAMS: Record<string, string[]> = {
  server: ['server.c', ...LIB],
  client: ['client.c', ...LIB],
  // Every role of a sandbox plan (src/plan): one real call per step.
  sandbox: ['sandbox.c', 'planstep.c', ...LIB],
  reaper: ['reaper.c'],
  sockdiag: ['sockdiag.c'],
  // Optional: live runs work without it (the packet diagram then says "modelled"). Rebuilding it
  // replaces the file, so a `setcap cap_net_raw+ep` on it must be repeated after a rebuild.
  capture: ['capture.c'],
  // Optional: a plan's or scenario's `drop` step (docs/drops.md) needs it, and root (CAP_BPF, ptrace).
  dropper: ['dropper.c'],
};

const DURING_INSTALL = process.env.npm_lifecycle_event === 'postinstall';

function say(line: string): void {
  console.log(`forkscope: ${line}`);
}

/** The compiler command: $CC (which may carry arguments, e.g. "ccache gcc"), else cc, gcc, clang. */
function findCompiler(): string[] | null {
  const candidates = process.env.CC?.trim() ? [process.env.CC.trim().split(/\s+/)] : [['cc'], ['gcc'], ['clang']];
  for (const cmd of candidates) {
    const probe = spawnSync(cmd[0]!, [...cmd.slice(1), '--version'], { stdio: 'ignore' });
    if (!probe.error && probe.status === 0) return cmd;
  }
  return null;
}

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function newestInput(): number {
  const sources = readdirSync(SRC).filter((f) => /\.[ch]$/.test(f));
  return Math.max(mtime(fileURLToPath(import.meta.url)), ...sources.map((f) => mtime(join(SRC, f))));
}

function compile(cc: string[], name: string, sources: string[]): Promise<string | null> {
  const tmp = join(OUT, `.${name}.${process.pid}.tmp`);
  const args = [...cc.slice(1), ...FLAGS, '-o', tmp, ...sources.map((s) => join(SRC, s))];
  return new Promise((done) => {
    const child = spawn(cc[0]!, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let errors = '';
    child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
    child.on('error', (err) => done(`${cc.join(' ')}: ${err.message}`));
    child.on('close', (code) => {
      if (code === 0) {
        renameSync(tmp, join(OUT, name));
        done(null);
      } else {
        rmSync(tmp, { force: true });
        done(`${name}: ${cc.join(' ')} failed (exit ${code})\n${errors.trim()}`);
      }
    });
  });
}

async function main(): Promise<number> {
  if (process.platform !== 'linux') {
    say(`live lab runs need Linux (the kernel observer reads /proc and uses sock_diag); this is ${process.platform}, so the C lab is not built. Recorded lessons still work.`);
    return 0;
  }
  mkdirSync(OUT, { recursive: true });
  const newest = newestInput();
  const stale = Object.entries(PROGRAMS).filter(([name]) => mtime(join(OUT, name)) <= newest);
  if (stale.length === 0) return 0;
  const cc = findCompiler();
  if (!cc) {
    const what = process.env.CC ? `the C compiler $CC="${process.env.CC}" does not run` : 'no C compiler (cc, gcc or clang) found';
    say(`${what}: live lessons are unavailable. Install one (apt-get install gcc, dnf install gcc, or xcode-select --install on macOS), then run npm run build:lab. Recorded lessons still work.`);
    return 0;
  }
  const failures = (await Promise.all(stale.map(([name, sources]) => compile(cc, name, sources)))).filter((f) => f !== null);
  if (failures.length === 0) {
    say(`built the C lab (${stale.map(([n]) => n).join(', ')}) into ${OUT}`);
    return 0;
  }
  for (const f of failures) console.error(f);
  say(`building the C lab failed (above): live lessons are unavailable. Recorded lessons still work.`);
  return DURING_INSTALL ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(`forkscope: build-lab: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(DURING_INSTALL ? 0 : 1);
    },
  );
}

