import { describe, expect, it } from 'vitest';
import { concurrentPlan } from '../../src/plan/examples.ts';
import { PLAN_LIMITS } from '../../src/plan/types.ts';
import { MAX_CLIENT_MESSAGE_BYTES, MAX_PLAN_MESSAGE_BYTES, parseClientMessage } from '../../src/protocol/messages.ts';

describe('parseClientMessage', () => {
  it('accepts start with a scenario and a step', () => {
    expect(parseClientMessage('{"type":"start","scenario":"concurrent","toStep":7}')).toEqual({
      ok: true,
      value: { type: 'start', scenario: 'concurrent', toStep: 7 },
    });
  });

  it('defaults toStep to 0', () => {
    expect(parseClientMessage('{"type":"start","scenario":"concurrent"}')).toMatchObject({ ok: true, value: { toStep: 0 } });
  });

  it('accepts step and stop', () => {
    expect(parseClientMessage('{"type":"step"}')).toEqual({ ok: true, value: { type: 'step' } });
    expect(parseClientMessage('{"type":"stop"}')).toEqual({ ok: true, value: { type: 'stop' } });
  });

  it.each([
    ['not JSON', 'hello', 'not JSON'],
    ['an array', '[1,2]', 'JSON object'],
    ['null', 'null', 'JSON object'],
    ['an unknown type', '{"type":"exec","cmd":"rm"}', 'unknown message type'],
    ['a scenario id with a path', '{"type":"start","scenario":"../../etc"}', 'scenario id'],
    ['a negative step', '{"type":"start","scenario":"concurrent","toStep":-1}', 'toStep'],
    ['a fractional step', '{"type":"start","scenario":"concurrent","toStep":1.5}', 'toStep'],
    ['a huge step', '{"type":"start","scenario":"concurrent","toStep":1e9}', 'toStep'],
    ['an extra field on start', '{"type":"start","scenario":"concurrent","argv":["x"]}', 'unknown field'],
    ['an extra field on step', '{"type":"step","n":3}', 'takes no fields'],
  ])('rejects %s, saying what is wrong', (_name, raw, words) => {
    const result = parseClientMessage(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(words);
  });
});

describe('start-plan', () => {
  it('accepts a plan that parsePlan accepts, as parsePlan returns it', () => {
    const result = parseClientMessage(JSON.stringify({ type: 'start-plan', plan: concurrentPlan, toStep: 4 }));
    expect(result).toEqual({ ok: true, value: { type: 'start-plan', plan: concurrentPlan, toStep: 4 } });
  });

  it('refuses a bad plan with the code bad-plan and parsePlan\'s reason, naming the step and field', () => {
    const plan = { ...concurrentPlan, steps: [{ proc: 'parent', do: 'close', fd: 99 }] };
    const result = parseClientMessage(JSON.stringify({ type: 'start-plan', plan, toStep: 0 }));
    expect(result).toMatchObject({ ok: false, code: 'bad-plan' });
    if (!result.ok) expect(result.error).toMatch(/^start-plan: step 1: "fd"/);
  });

  it('refuses code or paths in place of a plan', () => {
    for (const plan of ['/bin/sh -c id', { ...concurrentPlan, steps: [{ proc: 'parent', do: 'exec', path: '/bin/sh' }] }]) {
      const result = parseClientMessage(JSON.stringify({ type: 'start-plan', plan }));
      expect(result.ok).toBe(false);
    }
  });

  it('refuses a missing plan, an extra field and a bad step number', () => {
    expect(parseClientMessage('{"type":"start-plan"}')).toMatchObject({ ok: false, error: 'start-plan: "plan" is missing' });
    expect(parseClientMessage(JSON.stringify({ type: 'start-plan', plan: concurrentPlan, program: 'x' }))).toMatchObject({ ok: false, error: expect.stringContaining('unknown field') });
    expect(parseClientMessage(JSON.stringify({ type: 'start-plan', plan: concurrentPlan, toStep: -1 }))).toMatchObject({ ok: false, error: expect.stringContaining('toStep') });
  });

  it('may be as large as a plan may be, while every other message stays small', () => {
    const padded = { ...concurrentPlan, title: 'x'.repeat(PLAN_LIMITS.title) };
    expect(parseClientMessage(JSON.stringify({ type: 'start-plan', plan: padded })).ok).toBe(true);
    const big = JSON.stringify({ type: 'start', scenario: 'concurrent', toStep: 1, pad: 'x'.repeat(MAX_CLIENT_MESSAGE_BYTES) });
    expect(parseClientMessage(big)).toMatchObject({ ok: false, error: expect.stringContaining(`larger than ${MAX_CLIENT_MESSAGE_BYTES} bytes`) });
    expect(parseClientMessage('x'.repeat(MAX_PLAN_MESSAGE_BYTES + 1))).toMatchObject({ ok: false, error: expect.stringContaining('larger than') });
    expect(MAX_PLAN_MESSAGE_BYTES).toBeGreaterThan(PLAN_LIMITS.bytes);
  });
});
