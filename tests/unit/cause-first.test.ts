import { describe, expect, it } from 'vitest';
import { causeFirst } from '../../src/server/lab/run.ts';

const ev = (kind: string, pid: number, label: string) => ({ kind, pid, label });

describe('ordering the events of one step', () => {
  it('puts the released close before the peer read that saw its FIN', () => {
    const batch = [ev('return', 20, 'child read 0'), ev('call', 20, 'child close'), ev('return', 10, 'client close'), ev('call', 10, 'client exit')];
    causeFirst(batch, 10);
    expect(batch.map((e) => e.label)).toEqual(['client close', 'child read 0', 'child close', 'client exit']);
  });

  it('leaves a step alone when the cause already comes first', () => {
    const batch = [ev('return', 10, 'a'), ev('return', 20, 'b')];
    causeFirst(batch, 10);
    expect(batch.map((e) => e.label)).toEqual(['a', 'b']);
  });

  it('leaves spawn and kill steps alone', () => {
    const batch = [ev('return', 20, 'b'), ev('return', 10, 'a')];
    causeFirst(batch, null);
    expect(batch.map((e) => e.label)).toEqual(['b', 'a']);
  });
});
