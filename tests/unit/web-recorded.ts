// The committed real trace of the concurrent scenario, replayed, for the web unit tests.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createReplay, parseTrace, type Replay } from '../../src/model/index.ts';
import { findScenario } from '../../src/scenarios/index.ts';

export function recordedConcurrent(): Replay {
  const text = readFileSync(fileURLToPath(new URL('../../public/traces/concurrent.jsonl', import.meta.url)), 'utf8');
  const parsed = parseTrace(text);
  if (!parsed.ok) throw new Error(`recorded trace does not parse: ${JSON.stringify(parsed.errors)}`);
  return createReplay(parsed.trace);
}

const schedule = findScenario('concurrent')!.schedule;
/** Step number after the schedule entry with this id (step 0 is the start). */
export const stepAfter = (id: string) => schedule.findIndex((e) => e.id === id) + 1;
