// The whole course in real Chromium. Every part of every lesson (enumerated from the lesson
// data, so a new lesson is covered) plays from its recorded real trace on the static build with
// no companion: taken to its end with the keyboard (End, and → at each question), one question
// answered and revealed, the others skipped, and the fact the part is about checked on the
// page. Then the lesson list's progress and Reset, and one
// live part (not the flagship) against the companion.

import { mkdirSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { LESSON_CATALOG, type LessonInfo, type LessonPartInfo } from '../../src/lessons/index.ts';
import { loadLessonContent } from '../../src/lessons/load.ts';
import { findScenario } from '../../src/scenarios/index.ts';
import { lessonHref } from '../../src/web/url.ts';
import { atStep } from './steps.ts';

const STATIC = process.env.FORKSCOPE_E2E_STATIC!;
const SHOTS = 'test-results/screenshots';

const PARTS = LESSON_CATALOG.flatMap((lesson) => lesson.parts.map((part) => ({ lesson, part })));

function href(lesson: LessonInfo, part: LessonPartInfo, step = 0): string {
  return lessonHref(lesson.id, lesson.parts.length > 1 ? part.id : null, step);
}

function indicator(page: Page) {
  return page.getByTestId('step-indicator');
}

function processRows(page: Page, status: string) {
  return page.locator(`[data-testid="process-row"][data-status="${status}"]`);
}

function chip(page: Page, label: RegExp) {
  return page.getByTestId('tcp-diagram').locator('.tcp-chip', { hasText: label });
}

/** The event log, brought forward where it shares its place with the source. */
async function eventLog(page: Page) {
  const tab = page.getByRole('tab', { name: 'Event log' });
  if ((await tab.count()) > 0 && (await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  return page.getByTestId('event-log');
}

async function packets(page: Page) {
  const tab = page.getByRole('tab', { name: 'Packets' });
  if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
  return page.getByTestId('sequence');
}

/** What each part is about, as the page shows it at the part's last step. */
const FACTS: Record<string, (page: Page) => Promise<void>> = {
  'iterative/iterative': async (page) => {
    // No fork: no child ever existed; both clients' sockets wait out TIME_WAIT, with the kernel's timers.
    await expect(page.locator('[data-testid="process-row"][data-role^="child"]')).toHaveCount(0);
    await expect(page.getByTestId('figure').getByTestId('kernel-timer')).toHaveCount(2);
  },
  'iterative/concurrent': async (page) => {
    await expect(processRows(page, 'zombie')).toHaveCount(1);
  },
  'outline/concurrent': async (page) => {
    await expect(page.getByTestId('source').locator('[data-testid="source-marker"]:visible').first()).toBeVisible();
    await expect(processRows(page, 'zombie')).toHaveCount(1);
  },
  'concurrent/concurrent': async (page) => {
    await expect(chip(page, /client/)).toHaveAttribute('data-state', 'TIME_WAIT');
    await expect(processRows(page, 'zombie')).toHaveCount(1);
  },
  'refcounts/concurrent': async (page) => {
    await expect(page.locator('[data-testid="open-file"][data-kind="listener"] [data-testid="ref-count"]')).toHaveText('1');
  },
  'refcounts/shutdown': async (page) => {
    await expect(await eventLog(page)).toContainText('killed by SIGPIPE');
    await expect(page.getByTestId('figure').getByTestId('kernel-timer')).toContainText('s left');
  },
  'handshake/concurrent': async (page) => {
    const seq = await packets(page);
    await expect(seq.getByTestId('segment')).toHaveCount(11);
    await expect(seq.locator('[data-testid="segment"][data-name="SYN"]')).toHaveCount(1);
    await expect(seq.locator('[data-testid="segment"][data-name="FIN+ACK"]')).toHaveCount(2);
    // Recorded as root: the real packets, captured on lo (a trace without them: see below).
    await expect(seq.getByTestId('packet-source')).toHaveAttribute('data-source', 'captured');
    await expect(seq.getByTestId('packet-source')).toContainText(/^captured on lo:/);
  },
  'time-wait/concurrent': async (page) => {
    await expect(chip(page, /client/)).toHaveAttribute('data-state', 'TIME_WAIT');
    await expect(page.getByTestId('figure').getByTestId('kernel-timer')).toContainText(/\d+\.\d s left, as the kernel reports/);
  },
  'time-wait/server-closes-first': async (page) => {
    await expect(chip(page, /server conn/)).toHaveAttribute('data-state', 'TIME_WAIT');
    await expect(page.getByTestId('descriptors').getByTestId('kernel-timer')).toContainText('as the kernel reports');
  },
  'time-wait/restart-reuseaddr': async (page) => {
    await expect(await eventLog(page)).toContainText('EADDRINUSE');
    await expect(page.locator('[data-testid="process-row"][data-role="parent#3"]')).toHaveAttribute('data-status', 'blocked');
    await expect(page.getByTestId('figure').getByTestId('kernel-timer')).toContainText('s left');
  },
  'close-wait/never-close': async (page) => {
    await expect(chip(page, /server conn/)).toHaveAttribute('data-state', 'CLOSE_WAIT');
    await expect(chip(page, /client/)).toHaveAttribute('data-state', 'FIN_WAIT_2');
  },
  'parent-keeps-connfd/parent-keeps-connfd': async (page) => {
    const log = await eventLog(page);
    await expect(log).toContainText('EMFILE');
    await expect(log).toContainText('ECONNRESET');
  },
  'child-keeps-listenfd/child-keeps-listenfd': async (page) => {
    await expect(await eventLog(page)).toContainText('EADDRINUSE');
    // The listener lives on, held by the child alone.
    await expect(page.locator('[data-testid="open-file"][data-kind="listener"] [data-testid="ref-count"]')).toHaveText('1');
    await expect(page.locator('[data-testid="process-row"][data-role="parent"]')).toHaveCount(0);
  },
  'zombies/zombies': async (page) => {
    await expect(processRows(page, 'zombie')).toHaveCount(3);
  },
  'zombies/sigchld-ignore': async (page) => {
    await expect(processRows(page, 'zombie')).toHaveCount(0);
  },
  'zombies/sigchld-waitpid': async (page) => {
    await expect(processRows(page, 'zombie')).toHaveCount(0);
    await expect(await eventLog(page)).toContainText('ECHILD');
  },
  'zombies/accept-eintr': async (page) => {
    await expect(await eventLog(page)).toContainText('EINTR');
  },
  'linger-rst/linger-rst': async (page) => {
    await expect(await eventLog(page)).toContainText('ECONNRESET');
    await expect(page.getByTestId('sequence').locator('[data-testid="segment"][data-name^="RST"]')).toHaveCount(1);
    await expect(chip(page, /client/)).toHaveCount(0);
  },
  'many-clients/many-clients': async (page) => {
    await expect(processRows(page, 'zombie')).toHaveCount(5);
    const seq = await packets(page);
    await seq.getByRole('button', { name: /^Connection 3:/ }).click();
    await expect(seq.getByRole('button', { name: /^Connection 3:/ })).toHaveAttribute('aria-pressed', 'true');
    await expect(seq).toContainText('client#3');
  },
  'every-state/every-state': async (page) => {
    // The lost segments, captured on lo and dropped at their receiver: the SYN-ACK and the FIN of
    // connection 1, the SYN-ACK and the last ACK of connection 2; each followed by its retransmission.
    await expect(processRows(page, 'zombie')).toHaveCount(2);
    const seq = await packets(page);
    await seq.getByRole('button', { name: /^Connection 1:/ }).click();
    await expect(seq.locator('[data-testid="segment"][data-dropped="true"]')).toHaveCount(2);
    await expect(seq.locator('[data-testid="segment"][data-name="SYN+ACK"]')).toHaveCount(3);
    await seq.getByRole('button', { name: /^Connection 2:/ }).click();
    await expect(seq.locator('[data-testid="segment"][data-dropped="true"]')).toHaveCount(2);
    await expect(seq).toContainText('dropped at the receiver');
  },
};

/**
 * Go to the last step with the keyboard: End goes as far as it may, to the last step or to the
 * next unanswered question, which it asks. The first question asked is answered (rightly, or
 * wrongly when `wrong`), and its reveal checked; later ones are skipped with S and revealed as
 * skipped. (Every step of every recorded trace is drawn by the unit tests
 * of the layouts; here the page is checked where the lesson stops: its questions and its end.)
 */
async function stepToEnd(page: Page, total: number, answerOf: (step: number) => number | null, wrong = false) {
  const question = page.getByTestId('question');
  let answered = 0;
  let n = Number(await indicator(page).getAttribute('data-step'));
  while (n < total - 1) {
    let ask: number | null = null;
    for (let s = n + 1; s < total && ask === null; s++) if (answerOf(s) !== null) ask = s;
    await page.keyboard.press('End');
    // Live, End runs the real programs on step by step: give it the time a run takes.
    if (ask === null) {
      await atStep(page, total - 1, { timeout: 30_000 });
      await expect(question).toHaveCount(0);
      break;
    }
    // End stops at the question: it is asked, the panels still showing the step before it.
    await question.getByRole('heading').waitFor({ timeout: 30_000 });
    await atStep(page, ask - 1);
    if (answered === 0) {
      const right = answerOf(ask)!;
      const choices = await question.getByTestId('choice').count();
      const choice = wrong ? (right + 1) % choices : right;
      await page.keyboard.press(String(choice + 1));
      await atStep(page, ask);
      await expect(page.getByTestId('reveal')).toHaveAttribute('data-verdict', wrong ? 'wrong' : 'right');
    } else {
      await page.keyboard.press('s');
      await atStep(page, ask);
      await expect(page.getByTestId('reveal')).toHaveAttribute('data-verdict', 'skipped');
    }
    answered += 1;
    n = ask;
  }
  return answered;
}

test.beforeAll(() => mkdirSync(SHOTS, { recursive: true }));

test.describe('every lesson part, from its recorded trace', () => {
  // Each part is its own page on the static server: they can run side by side.
  test.describe.configure({ mode: 'parallel' });
  for (const { lesson, part } of PARTS) {
    test(`${lesson.number}. ${lesson.title} — ${part.title}`, async ({ page }) => {
      const scenario = findScenario(part.scenario)!;
      const total = scenario.schedule.length + 1;
      const content = (await loadLessonContent(lesson.id)).parts[part.id]!;
      const answerOf = (step: number) => {
        const key = step === 0 ? 'start' : scenario.schedule[step - 1]!.id;
        return Object.hasOwn(content.questions, key) ? content.questions[key]!.answer : null;
      };

      await page.goto(`${STATIC}/${href(lesson, part)}`);
      await expect(page.getByTestId('mode-badge')).toHaveText('recorded');
      await expect(page.getByRole('heading', { level: 1 })).toContainText(lesson.title);
      await atStep(page, 0);
      await expect(page.getByTestId('narration')).not.toBeEmpty();

      const asked = await stepToEnd(page, total, answerOf, lesson.number % 2 === 0);
      expect(asked, 'questions asked on the way').toBe(part.questions.length);

      // The end: no further step, what comes next, and what the part is about.
      await expect(page.getByRole('button', { name: 'Next step' })).toBeDisabled();
      await expect(page.getByTestId('end-card')).toBeVisible();
      if (part === lesson.parts.at(-1)) await expect(page.getByTestId('lesson-summary')).toHaveText(lesson.summary);
      else await expect(page.getByTestId('next-part')).toBeVisible();
      await expect(page.getByTestId('disagreement-banner')).toHaveCount(0);
      await expect(page.getByTestId('score')).toHaveAttribute('data-answered', '1');
      const fact = FACTS[`${lesson.id}/${part.id}`];
      expect(fact, `a defining fact for ${lesson.id}/${part.id} in FACTS`).toBeDefined();
      await fact!(page);
      if (lesson.id === 'many-clients') await page.screenshot({ path: `${SHOTS}/many-clients-1280x720.png` });
      // → at a part's last step goes on to the next part.
      const next = lesson.parts[lesson.parts.indexOf(part) + 1];
      if (next) {
        // A tab the facts above clicked keeps focus, and ← → belong to it (issue 9): step from the page.
        await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
        await page.keyboard.press('ArrowRight');
        await expect(page).toHaveURL(new RegExp(`lesson=${lesson.id}&part=${next.id}&step=0`));
        await expect(page.getByRole('navigation', { name: 'Parts of this lesson' }).getByRole('link', { name: new RegExp(next.title.replace(/[()]/g, '\\$&')) })).toHaveAttribute('aria-current', 'page');
        await atStep(page, 0);
      }
    });
  }
});

test.describe('packets: captured, or modelled', () => {
  test('a trace recorded without capture draws the model’s segments, says “modelled” and how to capture', async ({ page }) => {
    // The same recorded trace, as a run that could not capture would have written it.
    await page.route('**/traces/concurrent.jsonl', async (route) => {
      const response = await route.fetch();
      const lines = (await response.text()).split('\n').filter((l) => l.trim() !== '');
      const header = JSON.parse(lines[0]!);
      header.capture = { packets: false, reason: 'not permitted (capturing on lo needs root or CAP_NET_RAW)' };
      let seq = 0;
      const events = lines.slice(1).map((l) => JSON.parse(l)).filter((e) => e.kind !== 'packet').map((e) => ({ ...e, seq: seq++ }));
      await route.fulfill({ response, body: [header, ...events].map((r) => JSON.stringify(r)).join('\n') + '\n' });
    });
    await page.goto(`${STATIC}/?lesson=handshake&part=concurrent&step=${findScenario('concurrent')!.schedule.length}&questions=off`);
    await expect(page.getByTestId('mode-badge')).toHaveText('recorded');
    const seq = await packets(page);
    await expect(seq.getByTestId('segment')).toHaveCount(11);
    await expect(seq.getByTestId('packet-source')).toHaveAttribute('data-source', 'modelled');
    await expect(seq.getByTestId('packet-source')).toContainText('modelled');
    await expect(seq.getByTestId('packet-source')).toContainText('setcap cap_net_raw+ep build/lab/capture');
    await expect(page.getByTestId('disagreement-banner')).toHaveCount(0);
  });
});

test.describe('predict, then reveal; progress on the lesson list', () => {
  test('a question stops →, takes 1–4, and the step reveals and explains', async ({ page }) => {
    const lesson = LESSON_CATALOG.find((l) => l.id === 'zombies')!;
    const part = lesson.parts[0]!;
    const scenario = findScenario(part.scenario)!;
    const before = scenario.schedule.findIndex((e) => e.id === 'child1-exit'); // the step before child1-exit
    await page.goto(`${STATIC}/${href(lesson, part, before)}`);
    await atStep(page, before);
    await page.keyboard.press('ArrowRight');
    const question = page.getByTestId('question');
    await expect(question).toBeVisible();
    await expect(question.getByRole('heading')).toContainText(/child 1/i);
    await atStep(page, before); // still the step before: nothing is revealed yet
    await expect(page.getByRole('button', { name: 'Next step' })).toBeDisabled();
    await page.keyboard.press('ArrowRight'); // → does not skip a question
    await expect(question).toBeVisible();
    await page.keyboard.press('ArrowLeft'); // ← closes it, on the same step
    await expect(question).toHaveCount(0);
    await atStep(page, before);
    await page.keyboard.press('ArrowRight');
    await page.screenshot({ path: `${SHOTS}/question-1280x720.png` });
    await question.getByTestId('choice').filter({ hasText: 'zombie' }).click();
    await atStep(page, before + 1);
    const reveal = page.getByTestId('reveal');
    await expect(reveal).toHaveAttribute('data-verdict', 'right');
    await expect(reveal).toContainText('exit status');
    await expect(processRows(page, 'zombie')).toHaveCount(1);
    await page.screenshot({ path: `${SHOTS}/reveal-1280x720.png` });
    // Answered once, it is not asked again: ← then → goes straight to the step, revealed.
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowRight');
    await atStep(page, before + 1);
    await expect(reveal).toHaveAttribute('data-verdict', 'right');
    await expect(page.getByTestId('score')).toContainText('1/1');
  });

  test('the lesson list shows the progress, and Reset clears it', async ({ page }) => {
    await page.goto(`${STATIC}/?view=lessons`);
    const item = page.locator('[data-testid="lesson-item"][data-lesson="refcounts"]');
    await expect(page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Reference counts and close' }) })).toHaveCount(1);
    await expect(item.getByTestId('lesson-progress')).toHaveAttribute('data-answered', '0');
    await expect(page.getByRole('button', { name: /Reset progress/ })).toBeDisabled();

    // Answer one question (wrongly) in lesson 4, part 2.
    const lesson = LESSON_CATALOG.find((l) => l.id === 'refcounts')!;
    const part = lesson.parts.find((p) => p.id === 'shutdown')!;
    const scenario = findScenario(part.scenario)!;
    const before = scenario.schedule.findIndex((e) => e.id === 'parent-shutdown-connfd');
    await page.getByRole('link', { name: /2 shutdown\(\)/ }).click();
    await expect(page).toHaveURL(/lesson=refcounts&part=shutdown&step=0/);
    await atStep(page, 0);
    await page.goto(`${STATIC}/${href(lesson, part, before)}`);
    await atStep(page, before);
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('1');
    await expect(page.getByTestId('reveal')).toHaveAttribute('data-verdict', 'wrong');
    await expect(page.getByTestId('reveal')).toContainText('shutdown() acts on the socket');

    await page.getByRole('link', { name: 'forkscope' }).click();
    await expect(item.getByTestId('lesson-progress')).toHaveAttribute('data-answered', '1');
    await expect(item.getByTestId('lesson-progress')).toHaveAttribute('data-correct', '0');
    await expect(item.getByTestId('lesson-progress')).toContainText('1/4 questions answered');
    expect(Number(await item.getByTestId('lesson-progress').getAttribute('data-seen'))).toBe(3); // steps 0, before, before + 1
    await expect(page.getByTestId('course-progress')).toHaveAttribute('data-answered', '1');
    await page.screenshot({ path: `${SHOTS}/lesson-list-1280x720.png` });

    // A reload keeps it (localStorage); Reset, confirmed, clears it.
    await page.reload();
    await expect(item.getByTestId('lesson-progress')).toHaveAttribute('data-answered', '1');
    await page.getByRole('button', { name: /Reset progress/ }).click();
    await page.getByRole('button', { name: 'Keep' }).click();
    await expect(item.getByTestId('lesson-progress')).toHaveAttribute('data-answered', '1');
    await page.getByRole('button', { name: /Reset progress/ }).click();
    await page.getByRole('group', { name: 'Reset progress' }).getByRole('button', { name: 'Reset' }).click();
    await expect(item.getByTestId('lesson-progress')).toHaveAttribute('data-answered', '0');
    await expect(page.getByTestId('course-progress')).toHaveAttribute('data-seen', '0');
    await page.reload();
    await expect(page.getByTestId('course-progress')).toHaveAttribute('data-seen', '0');
  });

  test('a broken stored value is discarded, not a crash', async ({ page }) => {
    await page.goto(`${STATIC}/?view=lessons`);
    await page.evaluate(() => localStorage.setItem('forkscope.progress.v1', '{"version":1,"parts":{"x/y":{"seen":"oops"'));
    await page.reload();
    await expect(page.getByTestId('course-progress')).toHaveAttribute('data-seen', '0');
    await page.goto(`${STATIC}/?lesson=concurrent&step=3`);
    await atStep(page, 3);
    // Left at once: the step shown is still stored as seen.
    await page.goto(`${STATIC}/?view=lessons`);
    await expect(page.locator('[data-testid="lesson-item"][data-lesson="concurrent"]').getByTestId('lesson-progress')).toHaveAttribute('data-seen', '1');
  });

  test('?questions=off steps straight through (a demonstration)', async ({ page }) => {
    const schedule = findScenario('concurrent')!.schedule;
    const fork = schedule.findIndex((e) => e.id === 'parent-fork') + 1;
    await page.goto(`${STATIC}/?lesson=concurrent&step=${fork - 1}&questions=off`);
    await atStep(page, fork - 1);
    await page.keyboard.press('ArrowRight');
    await atStep(page, fork);
    await expect(page.getByTestId('question')).toHaveCount(0);
    await expect(page.getByTestId('reveal')).toHaveCount(0);
    await expect(page).toHaveURL(/questions=off/);
  });

  test('an unknown part leads back to the list', async ({ page }) => {
    await page.goto(`${STATIC}/?lesson=zombies&part=nope&step=2`);
    await expect(page.getByRole('alert')).toContainText('no part called “nope”');
    await expect(page.getByTestId('lesson-item')).toHaveCount(LESSON_CATALOG.length);
  });
});

test.describe('live, from the companion', () => {
  test('CLOSE_WAIT that never ends, run now on the real kernel', async ({ page }) => {
    const lesson = LESSON_CATALOG.find((l) => l.id === 'close-wait')!;
    const part = lesson.parts[0]!;
    const scenario = findScenario(part.scenario)!;
    const content = (await loadLessonContent(lesson.id)).parts[part.id]!;
    await page.goto(`/${href(lesson, part)}`);
    await expect(page.getByTestId('mode-badge')).toHaveText('live');
    await atStep(page, 0);
    await stepToEnd(page, scenario.schedule.length + 1, (step) => {
      const key = scenario.schedule[step - 1]!.id;
      return Object.hasOwn(content.questions, key) ? content.questions[key]!.answer : null;
    });
    await expect(page.getByTestId('mode-badge')).toHaveText('live');
    await expect(chip(page, /server conn/)).toHaveAttribute('data-state', 'CLOSE_WAIT');
    await expect(chip(page, /client/)).toHaveAttribute('data-state', 'FIN_WAIT_2');
    // The orphaned FIN_WAIT_2's timeout, as this kernel reports it now.
    await expect(page.getByTestId('figure').getByTestId('kernel-timer')).toContainText(/\d+\.\d s left/);
    await expect(page.getByTestId('disagreement-banner')).toHaveCount(0);
  });
});
