import { describe, expect, it } from 'vitest';
import { causeFirst } from '../../src/server/lab/order.ts';

const ev = (kind: string, pid: number, label: string) => ({ kind, pid, label });
const labels = (batch: { label: string }[]) => batch.map((e) => e.label);

describe('ordering the events of one step', () => {
  it('puts the released close before the peer read that saw its FIN', () => {
    const batch = [ev('return', 20, 'child read 0'), ev('call', 20, 'child close'), ev('return', 10, 'client close'), ev('call', 10, 'client exit')];
    causeFirst(batch, 10);
    expect(labels(batch)).toEqual(['client close', 'client exit', 'child read 0', 'child close']);
  });

  it('puts an err_sys exit before the end-of-file it caused', () => {
    const batch = [ev('return', 1, 'parent accept EMFILE'), ev('return', 30, 'client read 0'), ev('exit', 1, 'parent exit 1')];
    causeFirst(batch, 1);
    expect(labels(batch)).toEqual(['parent accept EMFILE', 'parent exit 1', 'client read 0']);
  });

  it('keeps each process’s own order', () => {
    const batch = [ev('return', 10, 'a1'), ev('return', 20, 'b1'), ev('call', 10, 'a2'), ev('call', 20, 'b2')];
    causeFirst(batch, 10);
    expect(labels(batch)).toEqual(['a1', 'a2', 'b1', 'b2']);
  });

  it('leaves a step with no acting process and no spawn alone', () => {
    const batch = [ev('return', 20, 'b'), ev('return', 10, 'a')];
    causeFirst(batch, null);
    expect(labels(batch)).toEqual(['b', 'a']);
  });

  // A spawn step as it once arrived (1 of 215 spawns in many-clients): sorted by t, the client's
  // first call came before its spawn, because the reaper stamped the launch after fork and ran
  // again only after the client had exec'd and written its call.
  it('puts the spawned process’s spawn before its first call, whatever their t', () => {
    const sortedByT = [ev('call', 30, 'client socket'), ev('spawn', 30, 'client spawn')];
    causeFirst(sortedByT, 30);
    expect(labels(sortedByT)).toEqual(['client spawn', 'client socket']);
  });

  it('puts a spawn before its process’s events even with no acting process, and moves nothing else', () => {
    const batch = [ev('return', 10, 'a1'), ev('call', 30, 'c1'), ev('output', 10, 'a2'), ev('call', 30, 'c2'), ev('spawn', 30, 'c spawn'), ev('return', 10, 'a3')];
    causeFirst(batch, null);
    expect(labels(batch)).toEqual(['a1', 'c spawn', 'c1', 'a2', 'c2', 'a3']);
  });

  it('puts the server’s spawn first at the start, and each spawn before its own process in a step with two', () => {
    const batch = [ev('call', 1, 'parent socket'), ev('spawn', 1, 'parent spawn'), ev('call', 2, 'x socket'), ev('spawn', 2, 'x spawn')];
    causeFirst(batch, 1);
    expect(labels(batch)).toEqual(['parent spawn', 'parent socket', 'x spawn', 'x socket']);
  });
});

describe('a spawn and its program’s first event', () => {
  it('puts the spawn first, even when the program wrote its first call before the reaper reported it', () => {
    const batch = [ev('call', 30, 'client socket'), ev('spawn', 30, 'spawn client'), ev('return', 10, 'parent')];
    causeFirst(batch, 30);
    expect(labels(batch)).toEqual(['spawn client', 'client socket', 'parent']);
    const ordered = [ev('spawn', 30, 'spawn'), ev('call', 30, 'socket')];
    causeFirst(ordered, 30);
    expect(labels(ordered)).toEqual(['spawn', 'socket']);
  });
});
