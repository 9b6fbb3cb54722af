// npm run record [-- ID ...]: regenerate public/traces/<id>.jsonl for every scenario (or the
// ones named), with the real lab. The server gets port 9877 (the book's SERV_PORT), so that
// recorded traces read like the book. A scenario whose server closes first leaves a TIME_WAIT
// on that port for 60 s (2MSL on Linux); the next recording waits for it to end, up to
// PORT_WAIT_MS, and only then takes any free port.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIOS } from '../src/scenarios/index.ts';
import { labAvailability, labPath } from '../src/server/lab/availability.ts';
import { portIsFree } from '../src/server/lab/ports.ts';
import { LabRun } from '../src/server/lab/run.ts';
import { ResilientObserver } from '../src/server/lab/sockets.ts';
import type { TraceRecord } from '../src/trace/types.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'public/traces');
const PREFERRED_PORT = 9877;
const PORT_WAIT_MS = 65_000;

/** Wait until the preferred port is free (a TIME_WAIT on it ends within 60 s); false if it stays in use. */
async function waitForPort(id: string): Promise<boolean> {
  const observer = await ResilientObserver.open(labPath('sockdiag'));
  try {
    const deadline = Date.now() + PORT_WAIT_MS;
    for (let said = false; ; said = true) {
      if (await portIsFree(PREFERRED_PORT, observer)) return true;
      if (Date.now() > deadline) return false;
      if (!said) console.error(`forkscope record: ${id}: port ${PREFERRED_PORT} is in use (TIME_WAIT?); waiting for it`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  } finally {
    observer.close();
  }
}

async function record(id: string): Promise<{ path: string; records: number; steps: number }> {
  const scenario = SCENARIOS.find((s) => s.id === id)!;
  const records: TraceRecord[] = [];
  const onRecord = (r: TraceRecord) => records.push(r);
  let run: LabRun;
  try {
    if (!(await waitForPort(id))) throw new Error(`port ${PREFERRED_PORT} stayed in use`);
    run = await LabRun.start({ scenario, port: PREFERRED_PORT, onRecord });
  } catch {
    records.length = 0;
    run = await LabRun.start({ scenario, onRecord });
  }
  while (!run.done) await run.next();
  await run.stop('completed');
  const capture = run.captureState;
  if (!capture.packets) console.error(`forkscope record: ${id}: packets not captured (${capture.reason}); record as root for captured packets`);
  const end = records.at(-1);
  if (end?.kind !== 'end' || end.reason !== 'completed') {
    throw new Error(`scenario ${id}: the run did not complete (${end?.kind === 'end' ? `${end.reason}: ${end.message ?? ''}` : 'no end record'})`);
  }
  mkdirSync(OUT, { recursive: true });
  const path = join(OUT, `${id}.jsonl`);
  writeFileSync(`${path}.tmp`, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  renameSync(`${path}.tmp`, path);
  return { path, records: records.length, steps: run.step };
}

async function main(): Promise<void> {
  const availability = labAvailability();
  if (!availability.live) {
    console.error(`forkscope record: live runs are unavailable here: ${availability.reason}`);
    process.exit(1);
  }
  const ids = process.argv.slice(2).filter((a) => a !== '--');
  const unknown = ids.filter((id) => !SCENARIOS.some((s) => s.id === id));
  if (unknown.length > 0) {
    console.error(`forkscope record: unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.id).join(', ')}`);
    process.exit(2);
  }
  for (const scenario of SCENARIOS.filter((s) => ids.length === 0 || ids.includes(s.id))) {
    const { path, records, steps } = await record(scenario.id);
    console.error(`forkscope record: ${scenario.id}: ${steps} steps, ${records} records -> ${path.slice(ROOT.length + 1)}`);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`forkscope record: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
