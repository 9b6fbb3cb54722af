// Waiting for a step. A locator's waitFor polls every animation frame, where expect's retries
// wait 100, 250, 500 and then 1000 ms between looks: a step is drawn in a frame or two, so over a
// course of steps expect would spend most of its time asleep.

import type { Page } from '@playwright/test';

/** Wait until the step indicator (or the one inside `scope`) shows step `step` (counted from 0). */
export async function atStep(page: Page, step: number, options: { timeout?: number; scope?: string } = {}): Promise<void> {
  const selector = `${options.scope ? `${options.scope} ` : ''}[data-testid="step-indicator"][data-step="${step}"]`;
  await page.locator(selector).first().waitFor({ state: 'attached', timeout: options.timeout });
}
