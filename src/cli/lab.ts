// npm run lab -- --scenario concurrent
// npm run lab -- --plan my-plan.json
//
// Runs a scenario, or a sandbox plan (a plan file, validated by parsePlan), with the real lab,
// without a browser, and writes its trace (JSON Lines) to stdout. Exits 0 only when the run ended
// as asked (completed; stopped at --to-step; or, for a plan, stalled at a step whose process could
// not act: that is the experiment's lesson, said on stderr) and no lab process is left. Errors go
// to stderr with a non-zero status; a bad plan file exits 2, naming the step and field.

import { closeSync, existsSync, openSync, readFileSync, statSync, writeSync } from 'node:fs';
import { parsePlan } from '../plan/parse.ts';
import { PLAN_LIMITS, type Plan } from '../plan/types.ts';
import { SCENARIOS, findScenario } from '../scenarios/index.ts';
import { labAvailability, sandboxAvailability } from '../server/lab/availability.ts';
import { LabError, LabRun } from '../server/lab/run.ts';
import type { TraceRecord } from '../trace/types.ts';

const USAGE = `usage: npm run --silent lab -- (--scenario <id> | --plan <file>) [--out <file>] [--port <n>] [--to-step <n> [--hold]]

  --scenario <id>  the scenario to run: ${SCENARIOS.map((s) => s.id).join(', ')}
  --plan <file>    a sandbox plan to run (JSON, docs/plan-format.md); a step whose process
                   cannot act (blocked in a call, ended) ends the run there, said on stderr
  --out <file>     write the trace to this file instead of stdout
                   (without --silent, npm prints its own banner on stdout before the trace)
  --port <n>       the lab server's port (default: a free one)
  --to-step <n>    stop after step n instead of running to the end
  --hold           with --to-step: keep the lab processes at step n until SIGINT or SIGTERM
`;

interface Args {
  scenario: string | null;
  plan: string | null;
  out: string | null;
  port: number | undefined;
  toStep: number | undefined;
  hold: boolean;
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Args {
  const args: Args = { scenario: null, plan: null, out: null, port: undefined, toStep: undefined, hold: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    const whole = (v: string, lo: number, hi: number): number => {
      const n = Number(v);
      if (!/^\d+$/.test(v) || n < lo || n > hi) throw new UsageError(`${name} must be a whole number from ${lo} to ${hi}, not "${v}"`);
      return n;
    };
    switch (name) {
      case '--scenario':
        args.scenario = value();
        break;
      case '--plan':
        args.plan = value();
        break;
      case '--out':
        args.out = value();
        break;
      case '--port':
        args.port = whole(value(), 1, 65535);
        break;
      case '--to-step':
        args.toStep = whole(value(), 0, 1_000_000);
        break;
      case '--hold':
        args.hold = true;
        break;
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        process.exit(0);
      default:
        throw new UsageError(`unknown option "${arg}"`);
    }
  }
  if (!args.scenario && !args.plan) throw new UsageError('--scenario or --plan is required');
  if (args.scenario && args.plan) throw new UsageError('give --scenario or --plan, not both');
  if (args.hold && args.toStep === undefined) throw new UsageError('--hold needs --to-step');
  return args;
}

/** The plan in `path`, validated; a file that is not one exits 2 with parsePlan's reason. */
function readPlan(path: string): Plan {
  let text: string;
  try {
    if (statSync(path).size > PLAN_LIMITS.bytes) fail(`${path}: a plan file is at most ${PLAN_LIMITS.bytes} bytes`, 2);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    fail(`cannot read the plan file ${path}: ${(err as Error).message}`, 2);
  }
  const parsed = parsePlan(text);
  if (!parsed.ok) fail(`${path} is not a plan: ${parsed.error}`, 2);
  return parsed.plan;
}

function fail(message: string, status: number): never {
  process.stderr.write(`forkscope lab: ${message}\n`);
  process.exit(status);
}

async function main(): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) fail(`${err.message}\n\n${USAGE}`, 2);
    throw err;
  }
  const plan = args.plan !== null ? readPlan(args.plan) : null;
  const scenario = plan ? null : findScenario(args.scenario!);
  if (!plan && !scenario) fail(`unknown scenario "${args.scenario}"; known scenarios: ${SCENARIOS.map((s) => s.id).join(', ')}`, 2);
  const availability = plan ? sandboxAvailability() : labAvailability();
  if (!availability.live) fail(`live runs are unavailable here: ${availability.reason}`, 3);

  const out = args.out === null ? 1 : openSync(args.out, 'w');
  const pids = new Set<number>();
  let end: Extract<TraceRecord, { kind: 'end' }> | null = null;
  const onRecord = (r: TraceRecord) => {
    if ('pid' in r && typeof r.pid === 'number') pids.add(r.pid);
    if (r.kind === 'end') end = r;
    const line = `${JSON.stringify(r)}\n`;
    if (out === 1) process.stdout.write(line); // synchronous for pipes and files on Linux
    else writeSync(out, line);
  };

  let run: LabRun | null = null;
  let signalled: NodeJS.Signals | null = null;
  const onSignal = (signal: NodeJS.Signals) => {
    signalled = signal;
    void run?.stop('stopped', `stopped by ${signal}`).catch(() => undefined);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    run = await LabRun.start({ ...(plan ? { plan } : { scenario: scenario! }), port: args.port, onRecord });
    const target = Math.min(args.toStep ?? run.stepCount, run.stepCount);
    while (!signalled && run.step < target && !run.stalled) await run.next();
    if (run.stalled) process.stderr.write(`forkscope lab: ${run.stalled}\n`);
    if (args.hold && !signalled) {
      process.stderr.write(`forkscope lab: holding at step ${run.step} (lab pids ${[...pids].join(' ')}); SIGINT or SIGTERM ends the run\n`);
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (signalled) {
            clearInterval(poll);
            resolve();
          }
        }, 20);
      });
    }
    await run.stop(run.done ? 'completed' : 'stopped', signalled ? `stopped by ${signalled}` : undefined);
  } catch (err) {
    if (run === null && !(err instanceof LabError)) throw err;
    const code = err instanceof LabError ? err.code : 'lab-failed';
    process.stderr.write(`forkscope lab: ${code}: ${err instanceof Error ? err.message : String(err)}\n`);
    await run?.stop('error').catch(() => undefined);
    return 1;
  }

  if (out !== 1) closeSync(out);
  const left = [...pids].filter((pid) => existsSync(`/proc/${pid}`));
  if (left.length > 0) {
    process.stderr.write(`forkscope lab: lab processes are still alive: ${left.join(', ')}\n`);
    return 1;
  }
  const reason = (end as { reason: string } | null)?.reason;
  if (signalled) return signalled === 'SIGINT' ? 130 : 143;
  if (reason === 'completed' || (reason === 'stopped' && (args.toStep !== undefined || run.stalled !== null))) return 0;
  process.stderr.write(`forkscope lab: the run ended with "${reason ?? 'no end record'}"\n`);
  return 1;
}

main().then(
  (status) => {
    process.exitCode = status;
    setTimeout(() => process.exit(status), 2000).unref();
  },
  (err: unknown) => fail(err instanceof Error ? (err.stack ?? err.message) : String(err), 1),
);
