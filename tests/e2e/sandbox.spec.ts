// The sandbox (issue 8) in real Chromium: compose a plan by keyboard and by drag, predict it with
// no companion (the static build), run a shared plan for real on the companion and read the
// comparison and the outcome, refuse a bad plan file, and turn a lesson step into a plan.

import { expect, test, type Page } from '@playwright/test';
import { PLAN_FORMAT, PLAN_VERSION, type Plan, type PlanStep } from '../../src/plan/types.ts';
import { sandboxHref } from '../../src/web/url.ts';

const STATIC = process.env.FORKSCOPE_E2E_STATIC!;

const S = (proc: string, step: Record<string, unknown>) => ({ proc, ...step }) as PlanStep;

/** Two clients: the first connection closed in the book's order (the client ends in TIME_WAIT), the second leaked by the parent. */
const twoClientsPlan: Plan = {
  format: PLAN_FORMAT,
  version: PLAN_VERSION,
  title: 'Two clients: one closed properly, one leaked',
  steps: [
    S('parent', { do: 'socket' }),
    S('parent', { do: 'bind', fd: 'listenfd' }),
    S('parent', { do: 'listen', fd: 'listenfd', backlog: 5 }),
    { do: 'spawn', proc: 'client#1' },
    S('client#1', { do: 'socket' }),
    S('client#1', { do: 'connect', fd: 'sockfd' }),
    S('parent', { do: 'accept', fd: 'listenfd' }),
    S('parent', { do: 'fork' }),
    S('parent', { do: 'close', fd: 'connfd' }),
    S('child#1', { do: 'close', fd: 'listenfd' }),
    S('client#1', { do: 'close', fd: 'sockfd' }),
    S('child#1', { do: 'read', fd: 'connfd' }),
    S('child#1', { do: 'close', fd: 'connfd' }),
    { do: 'spawn', proc: 'client#2' },
    S('client#2', { do: 'socket' }),
    S('client#2', { do: 'connect', fd: 'sockfd' }),
    S('parent', { do: 'accept', fd: 'listenfd' }),
    S('parent', { do: 'fork' }),
    S('child#2', { do: 'close', fd: 'listenfd' }),
    S('child#2', { do: 'close', fd: 'connfd' }),
  ],
};

const rows = (page: Page) => page.getByTestId('plan-step');
const row = (page: Page, i: number) => page.locator(`[data-testid="plan-step"][data-index="${i}"]`);
const calls = (page: Page) => rows(page).evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.do));
const indicator = (page: Page) => page.getByTestId('step-indicator');

/** Press → until the run shows `step`, each live step arriving before the next press. */
async function stepTo(page: Page, step: number) {
  for (;;) {
    const current = Number(await indicator(page).getAttribute('data-step'));
    if (current >= step) return;
    // A step's snapshot can show before the companion's "stepped" ends it: → waits for that.
    await expect(page.getByRole('button', { name: 'Next step' })).toHaveAttribute('aria-busy', 'false');
    await page.keyboard.press('ArrowRight');
    await page.locator(`[data-testid="step-indicator"][data-step="${current + 1}"]`).waitFor();
  }
}

test.describe('the static site, no companion', () => {
  test('builds a plan by keyboard and by drag, and predicts it', async ({ page }) => {
    await page.goto(`${STATIC}/?view=sandbox`);
    await page.getByTestId('example-plans').selectOption({ label: 'an empty plan' });
    await expect(rows(page)).toHaveCount(0);

    // The adder offers only what makes sense: no accept before listen.
    const adderActions = page.getByTestId('adder-action').locator('option');
    await expect(adderActions).not.toContainText(['accept']);
    for (const action of ['socket', 'bind', 'listen']) {
      await page.getByTestId('adder-action').selectOption(action);
      await page.getByTestId('adder-add').press('Enter');
    }
    expect(await calls(page)).toEqual(['socket', 'bind', 'listen']);

    // Keys: Alt+↑ moves listen above bind; drag puts bind back above it.
    await row(page, 2).focus();
    await page.keyboard.press('Alt+ArrowUp');
    expect(await calls(page)).toEqual(['socket', 'listen', 'bind']);
    await row(page, 2).dragTo(row(page, 1));
    expect(await calls(page)).toEqual(['socket', 'bind', 'listen']);

    // Delete, then Insert to add after the chosen step; accept is offered once listen is there.
    await row(page, 2).focus();
    await page.keyboard.press('Delete');
    expect(await calls(page)).toEqual(['socket', 'bind']);
    await row(page, 1).focus();
    await page.keyboard.press('Insert');
    await expect(page.getByTestId('adder-proc')).toBeFocused();
    await page.getByTestId('adder-action').selectOption('listen');
    await page.getByTestId('adder-add').press('Enter');
    await expect(adderActions).toContainText(['accept']);
    await expect(page.getByTestId('plan-check')).toHaveAttribute('data-ok', 'true');
    await expect(page).toHaveURL(/view=sandbox&plan=/);

    // Without a companion, Run is off; the prediction is the model alone.
    await expect(page.getByTestId('run-real')).toBeDisabled();
    await page.getByTestId('predict').click();
    await expect(page.getByTestId('mode-badge')).toHaveText('predicted');
    await page.keyboard.press('End');
    await expect(indicator(page)).toHaveAttribute('data-step', '3');
    await expect(page.getByTestId('step-label')).toContainText('predicted');
    await expect(page.getByTestId('step-label')).toContainText('parent: listen(listenfd, 5)');
    await expect(page.getByTestId('source').getByRole('tab', { name: /plan\.c/ })).toBeVisible();
  });

  test('composes a drop at a client\'s fresh socket and a kill, choosing segment and signal by keyboard', async ({ page }) => {
    await page.goto(`${STATIC}/?view=sandbox`);
    await page.getByTestId('example-plans').selectOption({ label: 'an empty plan' });
    const add = () => page.getByTestId('adder-add').press('Enter');
    await page.getByTestId('adder-action').selectOption('socket');
    await add();
    await page.getByTestId('adder-proc').selectOption('outside');
    await page.getByTestId('adder-action').selectOption({ label: 'start client#1' });
    await add();
    await page.getByTestId('adder-proc').selectOption('client#1');
    await page.getByTestId('adder-action').selectOption('socket');
    await add();

    const adder = page.getByRole('form', { name: 'Add a step' });
    // From outside: a drop at any socket a process has open (the parent's listener, the client's unconnected socket).
    await page.getByTestId('adder-proc').selectOption('outside');
    await expect(page.getByTestId('adder-action').locator('option')).toHaveText(['start client#2', 'kill parent', 'kill client#1', 'drop a segment at parent', 'drop a segment at client#1']);
    await page.getByTestId('adder-action').selectOption({ label: 'drop a segment at client#1' });
    await expect(adder.getByTestId('adder-fd')).toHaveValue('sockfd');
    const segment = adder.getByTestId('adder-segment');
    await expect(segment).toHaveAccessibleName(/^segment/);
    await expect(segment.locator('option')).toHaveCount(4);
    await segment.focus();
    await segment.selectOption('SYN-ACK');
    await expect(adder.locator('.adder-preview')).toHaveText("drop the next SYN-ACK at client#1's sockfd");
    await add();

    await page.getByTestId('adder-action').selectOption({ label: 'kill parent' });
    await adder.getByTestId('adder-signal').selectOption('SIGKILL');
    await add();
    expect(await calls(page)).toEqual(['socket', 'spawn', 'socket', 'drop', 'kill']);
    await expect(row(page, 3)).toContainText("drop the next SYN-ACK at client#1's sockfd");
    await expect(row(page, 4)).toContainText('kill parent (SIGKILL)');
    await expect(page.getByTestId('plan-check')).toHaveAttribute('data-ok', 'true');
  });

  test('a bad plan file is refused with the reason, and the plan is kept', async ({ page }) => {
    await page.goto(`${STATIC}/${sandboxHref(twoClientsPlan)}`);
    await expect(rows(page)).toHaveCount(20);
    const bad = { ...twoClientsPlan, steps: [S('parent', { do: 'accept', fd: 'connfd' })] };
    await page.getByTestId('import-plan').setInputFiles({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    await expect(page.getByTestId('sandbox-notice')).toHaveText(/bad\.json was not opened: step 1: parent has no descriptor named connfd yet/);
    await expect(rows(page)).toHaveCount(20);

    // Dropped on the page, a good file opens.
    await page.evaluate((text) => {
      const data = new DataTransfer();
      data.items.add(new File([text], 'doubled.json', { type: 'application/json' }));
      window.dispatchEvent(new DragEvent('drop', { dataTransfer: data, cancelable: true }));
    }, JSON.stringify({ ...twoClientsPlan, title: 'dropped', steps: twoClientsPlan.steps.slice(0, 3) }));
    await expect(rows(page)).toHaveCount(3);
    await expect(page.getByTestId('sandbox-notice')).toHaveCount(0);
  });

  test('Experiment from here opens the steps that led to a lesson step as a plan', async ({ page }) => {
    await page.goto(`${STATIC}/?lesson=concurrent&step=8&questions=off`);
    await expect(indicator(page)).toHaveAttribute('data-step', '8');
    await page.getByTestId('experiment-from-here').click();
    await expect(page).toHaveURL(/view=sandbox&plan=/);
    await expect(page.getByTestId('plan-check')).toHaveAttribute('data-ok', 'true');
    expect((await calls(page)).slice(0, 3)).toEqual(['socket', 'bind', 'listen']);
  });
});

test.describe('live, from the companion', () => {
  test('a shared plan runs only when Run is pressed; the real run is compared and summarized', async ({ page }) => {
    await page.goto(`/${sandboxHref(twoClientsPlan)}`);
    await expect(rows(page)).toHaveCount(20);
    // Opened from a link: nothing runs yet.
    await expect(page.getByTestId('mode-badge')).toHaveCount(0);
    await expect(indicator(page)).toHaveCount(0);

    // The student's guesses, before the run: one right, one wrong.
    const guess = (id: string) => page.locator(`[data-testid="guess"][data-id="${id}"]`);
    await guess('timewait-client#1').getByLabel('client#1').check();
    await guess('close-9').getByLabel('a FIN').check();

    await page.getByTestId('run-real').click();
    await expect(page.getByTestId('mode-badge')).toHaveText('real');
    await expect(indicator(page)).toHaveAttribute('data-step', '0');
    await stepTo(page, 20);
    await expect(page.getByTestId('step-label')).toHaveAttribute('data-kind', 'real');

    await expect(page.getByTestId('differences-total')).toHaveText(/matches the real run at every step so far \(21\)/);
    const outcome = page.getByTestId('outcome');
    await expect(outcome).toHaveAttribute('data-kind', 'real');
    await expect(outcome.getByTestId('timewait-holder').first()).toHaveText('TIME_WAIT on the client side (client#1).');
    await expect(outcome.getByTestId('leak')).toContainText('parent connfd 4');
    await expect(page.getByTestId('guess-scores').locator('h3')).toHaveText('Your guesses: 1 of 2 right');

    // Exported with its trace, the run opens again anywhere, even with no companion.
    await page.getByRole('button', { name: 'Edit plan' }).click();
    const saving = page.waitForEvent('download');
    await page.getByTestId('export-plan').click();
    const file = await (await saving).path();
    await page.goto(`${STATIC}/?view=sandbox`);
    await page.getByTestId('import-plan').setInputFiles(file);
    await expect(rows(page)).toHaveCount(20);
    await page.getByTestId('saved-run').click();
    await page.keyboard.press('End');
    await expect(page.getByTestId('outcome').getByTestId('leak')).toContainText('parent connfd 4');
  });
});
