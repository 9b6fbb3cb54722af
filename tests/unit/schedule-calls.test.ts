// Every release entry names the call it lets its process make (issue 7): the pure comparison the
// runner makes before it opens a gate, the static check of a schedule, and every scenario's
// entries. tests/lab/schedule.test.ts runs a wrong entry against the real lab.

import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../src/scenarios/index.ts';
import { concurrent } from '../../src/scenarios/concurrent.ts';
import { FD_CALLS, NO_FD_CALLS, type Scenario, type ScheduleEntry } from '../../src/scenarios/types.ts';
import { LabError } from '../../src/server/lab/errors.ts';
import { callText, releaseMismatch, validateSchedule } from '../../src/server/lab/schedule.ts';

type Release = Extract<ScheduleEntry, { do: 'release' }>;

const closeListenfd: Release = { id: 'child-close-listenfd', do: 'release', role: 'child#1', call: 'close', fd: 3 };

describe('callText', () => {
  it('names a call with its descriptor, or with none', () => {
    expect(callText('close', 3)).toBe('close(fd 3)');
    expect(callText('fork', undefined)).toBe('fork()');
  });
});

describe('releaseMismatch', () => {
  it('is null when the process waits at the call the entry names, on its descriptor', () => {
    expect(releaseMismatch(closeListenfd, { fn: 'close', args: { fd: 3 } })).toBeNull();
    expect(releaseMismatch({ id: 'parent-fork', do: 'release', role: 'parent', call: 'fork' }, { fn: 'fork', args: {} })).toBeNull();
    expect(releaseMismatch({ id: 'child-exit', do: 'release', role: 'child#1', call: 'exit' }, { fn: 'exit', args: { status: 0 } })).toBeNull();
  });

  it('names both calls when the call differs', () => {
    expect(releaseMismatch(closeListenfd, { fn: 'read', args: { fd: 4, count: 4096 } })).toBe('releases child#1 into close(fd 3), but child#1 waits at read(fd 4)');
  });

  it('names both calls when only the descriptor differs', () => {
    expect(releaseMismatch(closeListenfd, { fn: 'close', args: { fd: 4 } })).toBe('releases child#1 into close(fd 3), but child#1 waits at close(fd 4)');
  });

  it('derives nothing: an entry without a descriptor does not match a call that has one', () => {
    const noFd = { id: 'x', do: 'release', role: 'child#1', call: 'close' } as unknown as Release;
    expect(releaseMismatch(noFd, { fn: 'close', args: { fd: 3 } })).toBe('releases child#1 into close(), but child#1 waits at close(fd 3)');
  });

  it('says so when the process waits at no call', () => {
    expect(releaseMismatch(closeListenfd, null)).toBe('releases child#1 into close(fd 3), but child#1 waits at no call');
  });
});

describe('validateSchedule refuses a release entry that does not name its call', () => {
  const withEntry = (entry: unknown): Scenario => ({ ...concurrent, id: 'bad', schedule: [...concurrent.schedule.slice(0, 3), entry as ScheduleEntry] });
  const refusal = (entry: unknown): string => {
    try {
      validateSchedule(withEntry(entry));
    } catch (err) {
      expect(err).toBeInstanceOf(LabError);
      return (err as LabError).message;
    }
    throw new Error('validateSchedule accepted the entry');
  };

  it('without call', () => {
    expect(refusal({ id: 'parent-accept-blocks', do: 'release', role: 'parent' })).toBe(
      `scenario "bad": schedule entry "parent-accept-blocks" releases parent but names no call; say which (call: 'close', fd: 3 …)`,
    );
  });

  it('with a call the lab never makes', () => {
    expect(refusal({ id: 'parent-accept-blocks', do: 'release', role: 'parent', call: 'accept4', fd: 3 })).toMatch(/"parent-accept-blocks" releases parent into accept4, which the lab's programs never call/);
  });

  it('without the descriptor of a call that takes one', () => {
    expect(refusal({ id: 'parent-accept-blocks', do: 'release', role: 'parent', call: 'accept' })).toMatch(/"parent-accept-blocks" releases parent into accept but names no descriptor; accept takes one/);
    expect(refusal({ id: 'parent-accept-blocks', do: 'release', role: 'parent', call: 'accept', fd: -1 })).toMatch(/into accept but gives fd -1/);
    expect(refusal({ id: 'parent-accept-blocks', do: 'release', role: 'parent', call: 'accept', fd: '3' })).toMatch(/into accept but gives fd 3/);
  });

  it('with a descriptor for a call that takes none', () => {
    expect(refusal({ id: 'parent-fork', do: 'release', role: 'parent', call: 'fork', fd: 3 })).toMatch(/"parent-fork" releases parent into fork with fd 3, but fork takes no descriptor/);
  });
});

describe('every scenario', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.id}: every release names its call, and its descriptor exactly when the call takes one`, () => {
      expect(() => validateSchedule(scenario)).not.toThrow();
      for (const entry of scenario.schedule) {
        if (entry.do !== 'release') continue;
        const { call, fd } = entry as { call?: string; fd?: unknown };
        expect([...FD_CALLS, ...NO_FD_CALLS], entry.id).toContain(call);
        if ((FD_CALLS as readonly string[]).includes(call!)) expect(fd, entry.id).toEqual(expect.any(Number));
        else expect(fd, entry.id).toBeUndefined();
      }
    });
  }
});
