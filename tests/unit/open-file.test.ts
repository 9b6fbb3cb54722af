// The open file's machine (src/model/openFile.ts), row by row, driven with xstate's pure
// initialTransition/transition; then the reference counts the system model keeps with it against
// the holders it lists, in every recorded trace.

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { openFileInitial, openFileMachine, openFileOpened, openFileTransition, type OpenFileEvent, type OpenFileStateName } from '../../src/model/openFile.ts';
import { createReplay, parseTrace } from '../../src/model/index.ts';

type Snap = ReturnType<typeof initialTransition<typeof openFileMachine>>[0];

function run(events: OpenFileEvent[]): Snap {
  let [s] = initialTransition(openFileMachine);
  for (const e of events) [s] = transition(openFileMachine, s, e);
  return s;
}

const E = {
  open: { type: 'OPEN', holders: 1 },
  dup: { type: 'DUP' },
  fork: { type: 'FORK', holders: 1 },
  forkTwo: { type: 'FORK', holders: 2 },
  forkNone: { type: 'FORK', holders: 0 },
  close: { type: 'CLOSE' },
} satisfies Record<string, OpenFileEvent>;

/** Routes to each state and count the rows start from. */
const ROUTES = {
  unopened: [],
  'open, count 1 (socket or accept)': [E.open],
  'open, count 2 (after fork)': [E.open, E.fork],
  'open, count 4 (dup, then fork)': [E.open, E.dup, E.forkTwo],
  'closed (the last close)': [E.open, E.close],
} satisfies Record<string, OpenFileEvent[]>;

type From = keyof typeof ROUTES;

interface Row {
  from: From;
  behaviour: string;
  event: OpenFileEvent;
  to: OpenFileStateName;
  count: number;
  actions: string[];
  handled?: false;
}

const ROWS: Row[] = [
  { from: 'unopened', behaviour: 'socket() or accept() opens it, named by one descriptor: count 1', event: E.open, to: 'open', count: 1, actions: [] },
  { from: 'unopened', behaviour: 'a close of nothing is not a transition', event: E.close, to: 'unopened', count: 0, actions: [], handled: false },
  { from: 'open, count 1 (socket or accept)', behaviour: 'fork raises the count by one per descriptor the child copies (Figure 4.16)', event: E.fork, to: 'open', count: 2, actions: [] },
  { from: 'open, count 1 (socket or accept)', behaviour: 'dup raises the count by one', event: E.dup, to: 'open', count: 2, actions: [] },
  { from: 'open, count 1 (socket or accept)', behaviour: 'the last close frees it and releases the socket (FIN or RST is the socket’s to decide)', event: E.close, to: 'closed', count: 0, actions: ['releaseSocket'] },
  { from: 'open, count 1 (socket or accept)', behaviour: 'a fork with no descriptor naming it changes nothing', event: E.forkNone, to: 'open', count: 1, actions: [], handled: false },
  { from: 'open, count 2 (after fork)', behaviour: 'a close lowers the count and leaves the socket alone (the parent’s close(connfd), Figure 4.17)', event: E.close, to: 'open', count: 1, actions: [] },
  { from: 'open, count 2 (after fork)', behaviour: 'another fork raises it again', event: E.fork, to: 'open', count: 3, actions: [] },
  { from: 'open, count 4 (dup, then fork)', behaviour: 'the next fork copies both descriptors of the parent that name it: + 2', event: E.forkTwo, to: 'open', count: 6, actions: [] },
  { from: 'open, count 4 (dup, then fork)', behaviour: 'a close lowers the count by one', event: E.close, to: 'open', count: 3, actions: [] },
  { from: 'closed (the last close)', behaviour: 'a close after the last (EBADF) is not a transition', event: E.close, to: 'closed', count: 0, actions: [], handled: false },
  { from: 'closed (the last close)', behaviour: 'a dup of a freed entry is not a transition', event: E.dup, to: 'closed', count: 0, actions: [], handled: false },
];

describe('the open file machine, row by row', () => {
  it('starts unopened with count 0; socket() makes it open with count 1', () => {
    const [s, actions] = initialTransition(openFileMachine);
    expect([s.value, s.context.count, actions.filter((a) => !a.type.startsWith('xstate.'))]).toEqual(['unopened', 0, []]);
    expect(openFileInitial()).toEqual({ state: 'unopened', count: 0 });
    expect(openFileOpened()).toEqual({ state: 'open', count: 1 });
  });

  it('has three states, closed the final one', () => {
    expect(Object.keys(openFileMachine.states)).toEqual(['unopened', 'open', 'closed']);
    expect(run(ROUTES['closed (the last close)']).status).toBe('done');
  });

  for (const row of ROWS) {
    it(`${row.from}: ${row.behaviour}`, () => {
      const from = run(ROUTES[row.from]);
      expect(from.can(row.event)).toBe(row.handled ?? true);
      const [next, actions] = transition(openFileMachine, from, row.event);
      expect([next.value, next.context.count]).toEqual([row.to, row.count]);
      expect(actions.map((a) => a.type).filter((t) => t === 'releaseSocket')).toEqual(row.actions);
      // The memoized helper the system model uses agrees with the machine.
      const helper = openFileTransition({ state: from.value as OpenFileStateName, count: from.context.count }, row.event);
      expect(helper).toEqual({ state: row.to, count: row.count, actions: row.actions, handled: row.handled ?? true });
    });
  }

  it('counts the concurrent server: socket, fork, the parent’s close, the child’s exit', () => {
    let listen = openFileOpened();
    listen = openFileTransition(listen, E.fork); // fork: parent and child hold listenfd
    const childClose = openFileTransition(listen, E.close); // the child closes listenfd
    expect([childClose.count, childClose.actions]).toEqual([1, []]);
    let conn = openFileOpened(); // accept
    conn = openFileTransition(conn, E.fork);
    const parentClose = openFileTransition(conn, E.close); // the parent closes connfd: no FIN
    const childExit = openFileTransition(parentClose, E.close); // the child exits: the FIN goes
    expect([parentClose.count, parentClose.actions, childExit.state, childExit.actions]).toEqual([1, [], 'closed', ['releaseSocket']]);
  });
});

// ───────────────────────── in the system model ─────────────────────────

const DIR = fileURLToPath(new URL('../../public/traces/', import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.jsonl'))
  .sort();

describe('the model’s reference counts are its open files’ machines, and equal the holders it lists', () => {
  for (const file of FILES) {
    it(file, () => {
      const parsed = parseTrace(readFileSync(`${DIR}/${file}`, 'utf8'));
      if (!parsed.ok) throw new Error(`${file} does not parse`);
      const r = createReplay(parsed.trace);
      let files = 0;
      for (let i = 0; i < parsed.trace.events.length; i++) {
        for (const f of r.atEvent(i).openFiles) {
          expect(f.refCount, `${file} event ${i}: ${f.id}`).toBe(f.holders.length);
          expect(f.refCount).toBeGreaterThan(0);
          files++;
        }
      }
      expect(files).toBeGreaterThan(0);
    });
  }
});
