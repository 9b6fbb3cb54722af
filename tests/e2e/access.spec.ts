// A page everyone can use (issue 9): the keyboard (view tabs, event-log rows, enlarged panels as
// modals), the screen reader (one live region, the figure's text alternative), enlarged text, and
// the lesson view's known faults. Recorded traces (the static server) except where the live
// companion is the point: the first → after a live lesson loads, and End in a live run.

import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { findScenario } from '../../src/scenarios/index.ts';

const STATIC = process.env.FORKSCOPE_E2E_STATIC!;
const schedule = findScenario('concurrent')!.schedule;
const stepAfter = (id: string) => schedule.findIndex((e) => e.id === id) + 1;
const FIG_4_14 = stepAfter('client-connect');
const FIG_4_16 = stepAfter('parent-fork');
const LAST = schedule.length;

const indicator = (page: Page) => page.getByTestId('step-indicator');
const atStep = (page: Page, step: number) => expect(indicator(page)).toHaveAttribute('data-step', String(step));
const focused = (page: Page) => page.locator(':focus');

/** Whether focus is inside `where`. */
const holdsFocus = (where: Locator) => where.evaluate((el) => el.contains(document.activeElement));

/** The rendered height of the first element `what` matches (its glyph box: the text's size on screen). */
const renderedHeight = async (what: Locator) => (await what.first().boundingBox())!.height;

/** ARIA structure only (tabs, listbox, dialog): colours are wt-themes' scan (a11y.spec.ts). */
async function ariaProblems(page: Page, include: string) {
  const result = await new AxeBuilder({ page })
    .include(include)
    .withRules(['aria-required-children', 'aria-required-parent', 'aria-valid-attr-value', 'aria-allowed-attr', 'nested-interactive', 'aria-dialog-name', 'svg-img-alt', 'role-img-alt'])
    .analyze();
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

test.describe('keyboard and screen reader, recorded', () => {
  test('view tabs switch with arrows and keep focus; event-log rows are reached and activated by keys', async ({ page }) => {
    await page.goto(`${STATIC}/?lesson=concurrent&step=${FIG_4_16}&questions=off`);
    await atStep(page, FIG_4_16);
    const figureTab = page.getByRole('tab', { name: 'Figure' });
    await figureTab.focus();
    await page.keyboard.press('ArrowRight');
    // The Packets panel replaced the Figure panel (and its tabs); focus is on the new Packets tab.
    const packetsTab = page.getByRole('tab', { name: 'Packets' });
    await expect(packetsTab).toHaveAttribute('aria-selected', 'true');
    await expect(packetsTab).toBeFocused();
    await expect(page.getByTestId('sequence')).toBeVisible();
    await atStep(page, FIG_4_16);
    // Roving tabindex: one tab in the Tab order; the selected tab controls its tabpanel.
    await expect(figureTab).toHaveAttribute('tabindex', '-1');
    const controls = await packetsTab.getAttribute('aria-controls');
    await expect(page.locator(`#${controls}`)).toHaveAttribute('role', 'tabpanel');
    await page.keyboard.press('Home');
    await expect(figureTab).toHaveAttribute('aria-selected', 'true');
    await expect(figureTab).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(figureTab).toBeFocused();
    await atStep(page, FIG_4_16);

    // Source | Event log: End chooses the last tab, focus stays on it.
    await page.getByRole('tab', { name: 'Source', exact: true }).focus();
    await page.keyboard.press('End');
    const logTab = page.getByRole('tab', { name: 'Event log' });
    await expect(logTab).toBeFocused();
    await expect(page.getByTestId('event-log')).toBeVisible();
    await atStep(page, FIG_4_16);
    expect(await ariaProblems(page, '.grid')).toEqual([]);

    // Tab from the tabs reaches a row (one row is in the Tab order) within a few presses.
    for (let i = 0; i < 6 && (await focused(page).getAttribute('role')) !== 'option'; i++) await page.keyboard.press('Tab');
    await expect(focused(page)).toHaveAttribute('role', 'option');
    await expect(focused(page)).toHaveAttribute('aria-selected', 'true');
    // ↑ moves to an earlier row (the step shown is untouched), Home to the first, Enter goes to its step.
    await page.keyboard.press('ArrowUp');
    await expect(focused(page)).toHaveAttribute('aria-selected', 'false');
    await atStep(page, FIG_4_16);
    await page.keyboard.press('Home');
    await expect(focused(page)).toHaveAttribute('data-index', '0');
    await page.keyboard.press('Enter');
    await atStep(page, 0);
  });

  test('one live region says each step’s title and narration; the figure states the step’s facts', async ({ page }) => {
    await page.goto(`${STATIC}/?lesson=concurrent&step=${FIG_4_16 - 1}&questions=off`);
    await atStep(page, FIG_4_16 - 1);
    const region = page.getByTestId('step-announcer');
    await expect(region).toHaveAttribute('aria-live', 'polite');
    const node = await region.elementHandle();
    await page.keyboard.press('ArrowRight');
    await atStep(page, FIG_4_16);
    // The heading's own text, without its "Figure 4.16" tag.
    const title = await page.locator('#step-title').evaluate((h) =>
      [...h.childNodes]
        .filter((n) => n.nodeType === Node.TEXT_NODE)
        .map((n) => n.textContent)
        .join('')
        .trim(),
    );
    const firstParagraph = (await page.locator('.narration-text p').first().innerText()).trim();
    await expect(region).toContainText(`Step ${FIG_4_16 + 1} of ${LAST + 1}.`);
    await expect(region).toContainText(`Figure 4.16: ${title}.`);
    await expect(region).toContainText(firstParagraph);
    // The same element as before the step: a live region that is replaced says nothing.
    expect(await node!.evaluate((el) => el.isConnected)).toBe(true);
    // No other live region competes with it about the step.
    await expect(page.locator('.lesson [aria-live]')).toHaveCount(1);

    // Figure 4.16: after fork, listenfd and connfd are each named by two descriptors.
    const figure = page.getByRole('img', { name: `Processes and sockets at step ${FIG_4_16 + 1}` });
    await expect(figure).toBeVisible();
    const facts = page.getByTestId('figure-facts');
    await expect(facts).toContainText('listening socket: LISTEN, reference count 2');
    await expect(facts).toContainText(/child#1 \(pid \d+\)/);
    const describedBy = await figure.getAttribute('aria-describedby');
    expect(await facts.getAttribute('id')).toBe(describedBy);
  });

  test('an enlarged panel scales its text, holds focus until closed, and still steps', async ({ page }) => {
    await page.goto(`${STATIC}/?lesson=concurrent&step=${FIG_4_16}&questions=off`);
    await atStep(page, FIG_4_16);
    const descriptors = page.getByTestId('descriptors');
    const count = descriptors.getByTestId('ref-count');
    await expect(count.first()).toBeVisible();
    const before = await renderedHeight(count);
    const enlarge = page.getByRole('button', { name: 'Enlarge descriptors and open files' });
    await enlarge.click();
    await expect(descriptors).toHaveClass(/enlarged/);
    await expect(descriptors).toHaveAttribute('role', 'dialog');
    expect(await renderedHeight(count)).toBeGreaterThan(before * 1.4);
    // Focus moved into it, and Tab (and Shift+Tab) keep it there.
    expect(await holdsFocus(descriptors)).toBe(true);
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      expect(await holdsFocus(descriptors)).toBe(true);
    }
    await page.keyboard.press('Shift+Tab');
    expect(await holdsFocus(descriptors)).toBe(true);
    // The instructor steps with the panel enlarged.
    await page.keyboard.press('ArrowRight');
    await atStep(page, FIG_4_16 + 1);
    await expect(descriptors).toHaveClass(/enlarged/);
    // Esc restores it and gives focus back to its Enlarge button.
    await page.keyboard.press('Escape');
    await expect(descriptors).not.toHaveClass(/enlarged/);
    await expect(enlarge).toBeFocused();
    expect(await renderedHeight(count)).toBeLessThan(before * 1.1);

    // The narration enlarges too, and stays enlarged from step to step.
    await page.keyboard.press('ArrowLeft');
    await atStep(page, FIG_4_16);
    const narration = page.getByTestId('narration');
    // The figure tag: one line, whatever the width (the title itself rewraps when enlarged).
    const title = page.locator('#step-title .figure-tag');
    const titleBefore = await renderedHeight(title);
    await page.getByRole('button', { name: 'Enlarge narration' }).click();
    await expect(narration).toHaveClass(/enlarged/);
    expect(await renderedHeight(title)).toBeGreaterThan(titleBefore * 1.3);
    expect(await holdsFocus(narration)).toBe(true);
    await page.keyboard.press('ArrowRight');
    await atStep(page, FIG_4_16 + 1);
    await expect(narration).toHaveClass(/enlarged/);
    expect(await ariaProblems(page, '[data-testid="narration"]')).toEqual([]);
    await page.keyboard.press('Escape');
    await expect(narration).not.toHaveClass(/enlarged/);
    await expect(page.getByRole('button', { name: 'Enlarge narration' })).toBeFocused();

    // The enlarged figure's tabs choose the packets, which stay enlarged, focus on their tab.
    await page.getByRole('button', { name: 'Enlarge figure' }).click();
    await page.keyboard.press('Shift+Tab');
    await expect(page.getByRole('tab', { name: 'Figure' })).toBeFocused();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'Packets' })).toBeFocused();
    await expect(page.getByTestId('sequence')).toHaveClass(/enlarged/);
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('sequence')).not.toHaveClass(/enlarged/);
  });

  test('End stops before an unanswered question and is disabled while one is open', async ({ page }) => {
    await page.goto(`${STATIC}/?lesson=concurrent&step=0`);
    await atStep(page, 0);
    await expect(page.getByTestId('mode-badge')).toHaveText('recorded');
    await page.keyboard.press('End');
    // The first question is asked before Figure 4.14: End shows the step before it and asks it.
    const question = page.getByTestId('question');
    await expect(question).toBeVisible();
    await atStep(page, FIG_4_14 - 1);
    const last = page.getByRole('button', { name: 'Last step' });
    await expect(last).toBeDisabled();
    await page.keyboard.press('End');
    await expect(question).toBeVisible();
    await atStep(page, FIG_4_14 - 1);
    // Answered (skipped), its step shows; End then goes on to the next question.
    await page.keyboard.press('s');
    await atStep(page, FIG_4_14);
    await expect(last).toBeEnabled();
    // Figure 4.14: the queued connection, under a heading that says what it is.
    await expect(page.getByTestId('descriptors').getByRole('heading', { name: 'sockets held by no descriptor' })).toBeVisible();
    // The TCP legend in words a newcomer reads, "modelled" explained on demand.
    const legend = page.getByTestId('tcp-legend');
    await expect(legend).toContainText('a socket’s state now');
    await legend.getByText('(what is “modelled”?)').click();
    await expect(legend).toContainText('too briefly for the kernel to show');
  });

  test('the event log at the last step names the run’s end; the figure’s status text stays in its box at 1024×768', async ({ page }) => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.goto(`${STATIC}/?lesson=concurrent&step=${LAST}`);
    await atStep(page, LAST);
    await page.getByRole('tab', { name: 'Event log' }).click();
    await expect(page.getByTestId('log-later')).toHaveText(/^\d+ events? after the last step: the run’s end/);
    await expect(page.getByTestId('log-later')).not.toContainText('step on');
    // The Source panel's Enlarge button sits inside the panel at 1024 px.
    await page.getByRole('tab', { name: 'Source', exact: true }).click();
    const source = await page.getByTestId('source').boundingBox();
    const button = await page.getByRole('button', { name: 'Enlarge source' }).boundingBox();
    expect(button!.x + button!.width).toBeLessThanOrEqual(source!.x + source!.width);
    // Every status line inside its process box, at a few steps (unit-tested for every step).
    for (const step of [0, 1, FIG_4_16]) {
      await page.goto(`${STATIC}/?lesson=concurrent&step=${step}&questions=off`);
      await atStep(page, step);
      const outside = await page.getByTestId('figure').evaluate((svg) =>
        [...svg.querySelectorAll('.fig-box')].flatMap((box) => {
          const frame = box.querySelector('.fig-box-frame')!.getBoundingClientRect();
          return [...box.querySelectorAll('.fig-status tspan')]
            .filter((t) => t.getBoundingClientRect().right > frame.right - 2)
            .map((t) => t.textContent);
        }),
      );
      expect(outside, `step ${step}`).toEqual([]);
    }
  });
});

test.describe('live, from the companion', () => {
  test('the first → pressed as a live lesson loads is kept; End runs the live run on', async ({ page }) => {
    await page.goto('/?lesson=concurrent&step=0');
    // The view is there (its key handler with it); the initial live run may still be in flight.
    await indicator(page).waitFor();
    await page.keyboard.press('ArrowRight');
    await atStep(page, 1);
    await expect(page.getByTestId('mode-badge')).toHaveText('live');
    // End in a live run asks the companion for step after step, up to the first question.
    await page.getByRole('button', { name: 'Last step' }).click();
    await expect(page.getByTestId('question')).toBeVisible();
    await atStep(page, FIG_4_14 - 1);
  });
});
