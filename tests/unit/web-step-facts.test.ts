import { describe, expect, it } from 'vitest';
import { stepFacts, stepFactsSentence, stepFactsText } from '../../src/web/stepFacts.ts';
import { recordedConcurrent, stepAfter } from './web-recorded.ts';

const replay = recordedConcurrent();

describe('step facts', () => {
  describe('after fork (Figure 4.16)', () => {
    const snap = replay.atStep(stepAfter('parent-fork'));
    const facts = stepFacts(snap);
    it('says that parent and child both hold the connection: reference count 2', () => {
      const conn = facts.sockets.find((s) => s.startsWith('connection #1'));
      expect(conn).toMatch(/ESTABLISHED, reference count 2 \(parent fd 4, child#1 fd 4\)/);
    });
    it('says which descriptors each process holds', () => {
      expect(facts.processes.find((s) => s.startsWith('child#1'))).toMatch(/holds listenfd \(fd 3\) for the listening socket, connfd \(fd 4\) for the connection #1/);
    });
  });
  describe('after the child closes listenfd (Figure 4.17)', () => {
    const snap = replay.atStep(stepAfter('child-close-listenfd'));
    it('counts one descriptor on the listening socket', () => {
      expect(stepFacts(snap).sockets.find((s) => s.startsWith('listening socket'))).toMatch(/LISTEN, reference count 1 \(parent fd 3\)/);
    });
  });
  it('reads as text with a heading, and as one sentence', () => {
    const snap = replay.atStep(stepAfter('parent-fork'));
    expect(stepFactsText(snap, 'fork')).toMatch(/^Step \d+: fork\n\nProcesses:\n- parent \(pid \d+\)/);
    expect(stepFactsSentence(snap)).toMatch(/^Step \d+\. parent \(pid \d+\): .*reference count 2/);
  });
  it('names the server before its first call (step 0)', () => {
    const snap = replay.atStep(0);
    expect(stepFacts(snap).processes.length).toBeGreaterThan(0);
  });
});
