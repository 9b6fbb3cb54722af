// Naming by roles (src/plan/walk.ts): a connection by its client and the process that served it,
// a listener by its server, a descriptor by its C name while the name still stands for it.

import { describe, expect, it } from 'vitest';
import { CONNECT_ACCEPT_FORK, SERVER_START } from '../../src/plan/examples.ts';
import { summarizeOutcome } from '../../src/plan/outcome.ts';
import { predictPlan } from '../../src/plan/predict.ts';
import { PLAN_FORMAT, PLAN_VERSION, type PlanStep } from '../../src/plan/types.ts';
import { walkTrace } from '../../src/plan/walk.ts';
import { parseTrace } from '../../src/trace/parse.ts';
import type { Trace } from '../../src/trace/types.ts';

function predicted(steps: PlanStep[]): Trace {
  const parsed = parseTrace(predictPlan({ format: PLAN_FORMAT, version: PLAN_VERSION, title: 'names', steps }).records.map((r) => JSON.stringify(r)).join('\n'));
  if (!parsed.ok) throw new Error('the prediction does not parse');
  return parsed.trace;
}

describe('a client that connects twice', () => {
  const steps: PlanStep[] = [
    ...SERVER_START,
    ...CONNECT_ACCEPT_FORK,
    { proc: 'parent', do: 'close', fd: 'connfd' },
    { proc: 'client#1', do: 'close', fd: 'sockfd' },
    { proc: 'client#1', do: 'socket' },
    { proc: 'client#1', do: 'connect', fd: 'sockfd' },
    { proc: 'parent', do: 'accept', fd: 'listenfd' },
    { proc: 'parent', do: 'fork' },
  ];
  const o = summarizeOutcome(predicted(steps));

  it('has two connections, the second named by the client\'s second socket and its own child', () => {
    expect(o.connections.map((c) => c.name)).toEqual(['connection client#1 ↔ child#1', 'connection client#1 socket 2 ↔ child#2']);
  });
});

describe('descriptor names', () => {
  it('follow the C variables: inherited at fork, connfd moved by the next accept', () => {
    const steps: PlanStep[] = [...SERVER_START, ...CONNECT_ACCEPT_FORK, { do: 'spawn', proc: 'client#2' }, { proc: 'client#2', do: 'socket' }, { proc: 'client#2', do: 'connect', fd: 'sockfd' }, { proc: 'parent', do: 'accept', fd: 'listenfd' }];
    const names = walkTrace(predicted(steps), () => {});
    expect(names.fdName('child#1', 3)).toBe('child#1 listenfd 3');
    expect(names.fdName('child#1', 4)).toBe('child#1 connfd 4');
    expect(names.fdName('parent', 4)).toBe('parent fd 4');
    expect(names.fdName('parent', 5)).toBe('parent connfd 5');
    expect(names.fdName('client#2', 3)).toBe('client#2 sockfd 3');
  });

  it('name a listener by the server that made it', () => {
    const names = walkTrace(predicted(SERVER_START), () => {});
    expect([...names.endpointIds().keys()].map((k) => names.endName(k))).toEqual(["parent's listening socket"]);
  });
});
