// npm run record: regenerate public/traces/<id>.jsonl for every scenario, with the real lab.
// The server gets port 9877 (the book's SERV_PORT) when it is free, so that recorded traces
// read like the book; otherwise any free port.

import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SCENARIOS } from '../src/scenarios/index.ts';
import { labAvailability } from '../src/server/lab/availability.ts';
import { LabRun } from '../src/server/lab/run.ts';
import type { TraceRecord } from '../src/trace/types.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'public/traces');
const PREFERRED_PORT = 9877;

async function record(id: string): Promise<{ path: string; records: number; steps: number }> {
  const scenario = SCENARIOS.find((s) => s.id === id)!;
  const records: TraceRecord[] = [];
  const onRecord = (r: TraceRecord) => records.push(r);
  let run: LabRun;
  try {
    run = await LabRun.start({ scenario, port: PREFERRED_PORT, onRecord });
  } catch {
    records.length = 0;
    run = await LabRun.start({ scenario, onRecord });
  }
  while (!run.done) await run.next();
  await run.stop('completed');
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
  for (const scenario of SCENARIOS) {
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
