// `npm start`: build what is missing, then serve the web app and live lessons on one loopback port.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PortInUseError, startCompanion, type Companion } from './app.ts';
import { bindsAllInterfaces, thisMachine } from './guard.ts';
import { labAvailability } from './lab/availability.ts';
import { parseFrameAncestors } from './static.ts';
import { stopAllRuns } from './lab/run.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const DEFAULT_PORT = 4813; // Figure 4.13
const PORT_TRIES = 10;

interface Args {
  host: string;
  port: number;
  portGiven: boolean;
  rebuild: boolean;
  /** Who may frame an embedded lesson (CSP frame-ancestors), `*` unless told. */
  frameAncestors: string;
}

function usage(problem: string): never {
  console.error(`forkscope: ${problem}`);
  console.error('usage: npm start -- [--port N] [--host ADDRESS] [--frame-ancestors "ORIGIN …"] [--rebuild]   (or FORKSCOPE_PORT, FORKSCOPE_HOST, FORKSCOPE_FRAME_ANCESTORS)');
  process.exit(2);
}

export function parseArgs(argv: string[], env: NodeJS.ProcessEnv): Args {
  // An empty variable counts as unset: `listen(port, '')` would listen on every interface.
  const args: Args = { host: env.FORKSCOPE_HOST || '127.0.0.1', port: DEFAULT_PORT, portGiven: false, rebuild: false, frameAncestors: '*' };
  let rawPort = env.FORKSCOPE_PORT || undefined;
  let rawAncestors = env.FORKSCOPE_FRAME_ANCESTORS || undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.includes('=') ? arg.split('=', 2) : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v.trim() === '') usage(`${name} needs a value`);
      return v;
    };
    if (name === '--port') rawPort = value();
    else if (name === '--host') args.host = value();
    else if (name === '--frame-ancestors') rawAncestors = value();
    else if (name === '--rebuild') args.rebuild = true;
    else usage(`unknown option "${arg}"`);
  }
  if (rawAncestors !== undefined) {
    const parsed = parseFrameAncestors(rawAncestors);
    if (!parsed.ok) usage(`--frame-ancestors: ${parsed.error}`);
    args.frameAncestors = parsed.sources;
  }
  if (rawPort !== undefined) {
    const port = Number(rawPort);
    if (!Number.isInteger(port) || port < 0 || port > 65535) usage(`port "${rawPort}" is not a number from 0 to 65535`);
    args.port = port;
    args.portGiven = true;
  }
  return args;
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

const WEB_INPUTS = ['index.html', 'vite.config.ts', 'public', 'src/web', 'src/model', 'src/lessons', 'src/trace', 'src/protocol', 'src/scenarios', 'src/lab'];

async function ensureWebBuild(force: boolean): Promise<string> {
  const dist = join(ROOT, 'dist');
  const built = newestMtime(join(dist, 'index.html'));
  const inputs = Math.max(...WEB_INPUTS.map((p) => newestMtime(join(ROOT, p))));
  if (!force && built > 0 && built >= inputs) return dist;
  console.log(built === 0 ? 'forkscope: building the web app (first start only) …' : 'forkscope: sources changed, rebuilding the web app …');
  const { build } = await import('vite');
  await build({ root: ROOT, configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
  return dist;
}

function ensureLabBuild(): void {
  // The build script skips what is up to date and never fails for a missing compiler.
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/build-lab.ts')], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) console.error('forkscope: building the C lab failed (see above); live lessons are unavailable, recorded ones still work');
}

async function listen(args: Args, distDir: string): Promise<Companion> {
  const live = labAvailability();
  for (let attempt = 0; ; attempt++) {
    const port = args.port === 0 ? 0 : args.port + attempt;
    try {
      return await startCompanion({ host: args.host, port, distDir, live, frameAncestors: args.frameAncestors });
    } catch (err) {
      if (!(err instanceof PortInUseError)) throw err;
      if (args.portGiven && args.port !== 0) {
        console.error(`forkscope: port ${port} is in use. Stop what uses it, or pick another: npm start -- --port ${port + 1}`);
        process.exit(1);
      }
      if (attempt + 1 >= PORT_TRIES) {
        console.error(`forkscope: ports ${args.port}–${port} are all in use; taking any free port`);
        args.port = 0;
        attempt = -1;
        continue;
      }
      console.error(`forkscope: port ${port} is in use; trying ${port + 1}`);
    }
  }
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), process.env);
  if (!['127.0.0.1', 'localhost', '::1'].includes(args.host)) {
    console.warn(`forkscope: listening on ${args.host}, not loopback: other machines can open the recorded lessons; live runs only on this machine (only a browser here gets the token, and another machine's WebSocket is refused)`);
  }
  ensureLabBuild();
  const distDir = await ensureWebBuild(args.rebuild);
  const companion = await listen(args, distDir);
  const live = labAvailability();
  console.log(`forkscope: open ${companion.url}`);
  if (bindsAllInterfaces(args.host)) {
    // 0.0.0.0 is IPv4 alone; :: takes both. Link-local addresses need a zone no URL can carry.
    const v4Only = args.host === '0.0.0.0';
    const others = thisMachine().addresses.filter((a) => !a.startsWith('127.') && a !== '::1' && !a.startsWith('fe80:') && !(v4Only && a.includes(':')));
    for (const a of others) console.log(`forkscope: other machines: http://${a.includes(':') ? `[${a}]` : a}:${companion.port}/ (recorded lessons and presenter mode; live runs only here)`);
  }
  console.log(live.live ? 'forkscope: live lessons ready (real C programs on loopback)' : `forkscope: live lessons unavailable: ${live.reason}; recorded lessons still work`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`forkscope: ${signal}, stopping lab processes …`);
    companion.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(1), 3000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('exit', () => stopAllRuns());
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    console.error(`forkscope: ${err instanceof Error ? err.message : String(err)}`);
    stopAllRuns();
    process.exit(1);
  });
}
