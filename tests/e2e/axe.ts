// An axe-core scan of what the page shows now. The issue's bar: no serious or critical
// violation anywhere a user can go. The failure names each rule, its impact and the first
// elements it found, so a regression says what to fix.

import AxeBuilder from '@axe-core/playwright';
import { expect, type Page } from '@playwright/test';

export interface AxeFinding {
  rule: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Serious and critical violations on `page`: WCAG 2.x A and AA rules and axe's best practices,
 * or only the rules named in `rules` (e.g. ['color-contrast'] to check a second theme, where only
 * colours differ).
 */
export async function seriousViolations(page: Page, include?: string, rules?: readonly string[]): Promise<AxeFinding[]> {
  // Legacy mode runs axe in the page itself, without the blank page it otherwise opens to gather
  // results from frames: about half the time a scan, and only the embed test frames anything
  // (it scans the frame's own page).
  let builder = new AxeBuilder({ page }).setLegacyMode(true);
  builder = rules ? builder.withRules([...rules]) : builder.withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']);
  if (include) builder = builder.include(include);
  const result = await builder.analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      rule: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
    }));
}

/** Assert that `where` (a name for the failure message) has no serious or critical violation. */
export async function expectAccessible(page: Page, where: string, include?: string, rules?: readonly string[]): Promise<void> {
  const found = await seriousViolations(page, include, rules);
  expect(found, `axe-core on ${where}:\n${found.map((f) => `  ${f.impact} ${f.rule}: ${f.help}\n    ${f.targets.join('\n    ')}`).join('\n')}`).toEqual([]);
}
