import { describe, expect, it } from 'vitest';
import { parseClientMessage } from '../../src/protocol/messages.ts';

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
