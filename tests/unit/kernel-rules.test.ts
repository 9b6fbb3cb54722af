// The rules the prediction decides calls by (src/plan/kernelRules.ts), on their own. The rules that
// read sockets and processes are exercised through whole predictions in predict.test.ts.

import { describe, expect, it } from 'vitest';
import { lowestFreeFd, newDescriptor, setrlimitRule, STANDARD_FDS } from '../../src/plan/kernelRules.ts';

describe('a new descriptor', () => {
  it('is the lowest free one above the standard streams', () => {
    expect(lowestFreeFd({ fds: {} })).toBe(3);
    expect(lowestFreeFd({ fds: { 3: 'file#1', 5: 'file#2' } })).toBe(4);
  });

  it('takes a closed standard stream\'s number', () => {
    expect(lowestFreeFd({ fds: {} }, new Set([1, 2]))).toBe(0);
  });

  it('fails EMFILE at RLIMIT_NOFILE', () => {
    expect(newDescriptor({ fds: { 3: 'file#1' }, fdLimit: 4 })).toBe('EMFILE');
    expect(newDescriptor({ fds: { 3: 'file#1' }, fdLimit: 5 })).toBe(4);
    expect(newDescriptor({ fds: {}, fdLimit: null }, STANDARD_FDS)).toBe(3);
  });
});

describe('setrlimit(RLIMIT_NOFILE)', () => {
  it('lowers the limit, and cannot raise it again', () => {
    expect(setrlimitRule({ fdLimit: null }, 6)).toMatchObject({ ret: 0, errno: null });
    expect(setrlimitRule({ fdLimit: 6 }, 4)).toMatchObject({ ret: 0, errno: null });
    expect(setrlimitRule({ fdLimit: 4 }, 6)).toMatchObject({ ret: -1, errno: 'EPERM' });
  });
});

