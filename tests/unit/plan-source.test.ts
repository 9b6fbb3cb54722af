import { describe, expect, it } from 'vitest';
import { concurrentPlan } from '../../src/plan/examples.ts';
import { cString, planSource } from '../../src/plan/source.ts';

describe('the plan as C', () => {
  const source = planSource(concurrentPlan);
  const lines = source.text.split('\n');
  const lineOf = (i: number) => lines[source.stepLines[i]! - 1]!.trim();

  it('gives every call of the plan its own line', () => {
    const callLines = source.stepLines.filter((l): l is number => l !== null);
    expect(new Set(callLines).size).toBe(callLines.length);
    expect(lineOf(0)).toBe('listenfd = Socket(AF_INET, SOCK_STREAM, 0);');
    expect(lineOf(concurrentPlan.steps.findIndex((s) => s.do === 'connect'))).toBe('Connect(sockfd, (SA *) &servaddr, sizeof(servaddr));');
  });

  it('gives a step done from outside no line', () => {
    const spawn = concurrentPlan.steps.findIndex((s) => s.do === 'spawn');
    expect(source.stepLines[spawn]).toBeNull();
  });

  it("puts the child's calls inside its fork's block", () => {
    const fork = source.stepLines[concurrentPlan.steps.findIndex((s) => s.do === 'fork')]!;
    const childClose = source.stepLines[concurrentPlan.steps.findIndex((s) => s.proc === 'child#1' && s.do === 'close')]!;
    expect(lines[fork - 1]).toBe('if ( (childpid = Fork()) == 0) {');
    expect(childClose).toBeGreaterThan(fork);
    expect(lines[childClose - 1]).toBe('\tClose(listenfd);');
  });

  it('parks a process whose steps run out, and not one that exits', () => {
    expect(lines[source.parkLines.parent! - 1]).toMatch(/^for \( ; ; \) Pause\(\);/);
    expect(source.parkLines['child#1']).toBeUndefined();
    expect(source.parkLines['client#1']).toBeUndefined();
  });

  it('writes text as a C string', () => {
    expect(cString('a "b"\n\\')).toBe('"a \\"b\\"\\n\\\\"');
    expect(cString('\u0001')).toBe('"\\x01"');
  });
});
