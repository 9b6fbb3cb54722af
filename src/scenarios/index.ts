import { concurrent } from './concurrent.ts';
import type { Scenario } from './types.ts';

export const SCENARIOS: readonly Scenario[] = [concurrent];

export function findScenario(id: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.id === id);
}
