// `npm test`: every layer of the tests, the quick independent ones side by side. The type check,
// the unit tests and the web build need nothing from each other, so they run at once (their
// output is printed whole as each ends); then the lab tests (real C programs, one file at a time)
// and the browser tests (on the build) run in turn. Stops at the first failure, with its output.

import { spawn } from 'node:child_process';

interface Job {
  name: string;
  command: string[];
}

const bin = (tool: string) => `node_modules/.bin/${tool}`;
const TOGETHER: Job[] = [
  { name: 'type check', command: [bin('tsc'), '--noEmit', '-p', 'tsconfig.json'] },
  { name: 'unit tests', command: [bin('vitest'), 'run', '--project', 'unit'] },
  { name: 'web build', command: [bin('vite'), 'build'] },
];
const IN_TURN: Job[] = [
  { name: 'lab tests', command: [bin('vitest'), 'run', '--project', 'lab'] },
  { name: 'browser tests', command: [bin('playwright'), 'test'] },
];

const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(0)} s`;

/** Run a job; `buffered`: keep its output and print it when it ends (it runs beside others). */
function run(job: Job, buffered: boolean): Promise<number> {
  const started = Date.now();
  return new Promise((resolve) => {
    const [cmd, ...args] = job.command;
    const child = spawn(cmd!, args, { stdio: buffered ? ['ignore', 'pipe', 'pipe'] : 'inherit', env: { ...process.env, FORCE_COLOR: process.env.FORCE_COLOR ?? (process.stdout.isTTY ? '1' : '0') } });
    const out: Buffer[] = [];
    child.stdout?.on('data', (d: Buffer) => out.push(d));
    child.stderr?.on('data', (d: Buffer) => out.push(d));
    child.on('error', (err) => {
      console.error(`test: could not start ${job.name} (${cmd}): ${err.message}. Run npm install first.`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      if (buffered) process.stdout.write(Buffer.concat(out));
      const status = code ?? (signal ? 1 : 0);
      console.log(`\ntest: ${job.name} ${status === 0 ? 'passed' : `FAILED (${signal ?? `exit ${code}`})`} in ${seconds(started)}\n`);
      resolve(status);
    });
  });
}

const started = Date.now();
const first = await Promise.all(TOGETHER.map((job) => run(job, true)));
if (first.some((status) => status !== 0)) process.exit(1);
for (const job of IN_TURN) {
  if ((await run(job, false)) !== 0) process.exit(1);
}
console.log(`test: everything passed in ${seconds(started)}`);
