// The process machine (src/model/process.ts), row by row, driven with xstate's pure
// initialTransition/transition; then, in every recorded trace, the status the system model shows
// (the machine's state) against the call it shows (the call fold's).

import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { initialTransition, transition, type StateValue } from 'xstate';
import {
  PROCESS_LIVES,
  isAlive,
  processInitial,
  processMachine,
  processTransition,
  statusOf,
  type ProcessEvent,
  type ProcessLife,
} from '../../src/model/process.ts';
import { createReplay, parseTrace } from '../../src/model/index.ts';

type Snap = ReturnType<typeof initialTransition<typeof processMachine>>[0];

function run(events: ProcessEvent[]): Snap {
  let [s] = initialTransition(processMachine);
  for (const e of events) [s] = transition(processMachine, s, e);
  return s;
}

function path(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [k, v] = Object.entries(value)[0]!;
  return `${k}.${path(v!)}`;
}

const E = {
  running: { type: 'CALLS', place: 'running', handler: false },
  gate: { type: 'CALLS', place: 'gate', handler: false },
  inCall: { type: 'CALLS', place: 'in-call', handler: false },
  handlerRunning: { type: 'CALLS', place: 'running', handler: true },
  handlerGate: { type: 'CALLS', place: 'gate', handler: true },
  handlerInCall: { type: 'CALLS', place: 'in-call', handler: true },
  exitParentDefault: { type: 'EXIT', parent: 'default' },
  exitParentHandler: { type: 'EXIT', parent: 'handler' },
  exitParentIgnores: { type: 'EXIT', parent: 'ignore' },
  exitNoLabParent: { type: 'EXIT', parent: null },
  reap: { type: 'REAP' },
  parentExited: { type: 'PARENT_EXITED' },
} satisfies Record<string, ProcessEvent>;

const ROUTES: Record<ProcessLife, ProcessEvent[]> = {
  'alive.running': [],
  'alive.atGate': [E.gate],
  'alive.inCall': [E.gate, E.inCall],
  'alive.inHandler.running': [E.gate, E.inCall, E.handlerGate, E.handlerInCall, E.handlerRunning],
  'alive.inHandler.atGate': [E.gate, E.inCall, E.handlerGate],
  'alive.inHandler.inCall': [E.gate, E.inCall, E.handlerGate, E.handlerInCall],
  zombie: [E.exitParentDefault],
  reaped: [E.exitParentDefault, E.reap],
};

const EXITS = ['closeDescriptors', 'orphanChildren'];

interface Row {
  from: ProcessLife;
  behaviour: string;
  event: ProcessEvent;
  to: ProcessLife;
  actions: string[];
  handled?: false;
}

const ROWS: Row[] = [
  // alive.running
  { from: 'alive.running', behaviour: 'a call stops it at the lab’s gate', event: E.gate, to: 'alive.atGate', actions: [] },
  { from: 'alive.running', behaviour: 'a signal handler’s call (the pending one interrupted) stops it at the gate, in the handler', event: E.handlerGate, to: 'alive.inHandler.atGate', actions: [] },
  { from: 'alive.running', behaviour: 'exit with a parent that waits (SIGCHLD default): every descriptor closes, a zombie', event: E.exitParentDefault, to: 'zombie', actions: EXITS },
  { from: 'alive.running', behaviour: 'exit with a parent that catches SIGCHLD: a zombie until its handler’s waitpid', event: E.exitParentHandler, to: 'zombie', actions: EXITS },
  { from: 'alive.running', behaviour: 'exit with a parent that ignores SIGCHLD: no zombie, gone at once', event: E.exitParentIgnores, to: 'reaped', actions: [...EXITS, 'leave'] },
  { from: 'alive.running', behaviour: 'exit with no lab process as parent: the subreaper reaps it at once', event: E.exitNoLabParent, to: 'reaped', actions: [...EXITS, 'leave'] },
  { from: 'alive.running', behaviour: 'reaped by waitpid before its exit event came: it ended, its descriptors close now', event: E.reap, to: 'reaped', actions: [...EXITS, 'leave'] },
  { from: 'alive.running', behaviour: 'its parent ends: the subreaper becomes its parent', event: E.parentExited, to: 'alive.running', actions: ['adoptBySubreaper'] },
  // alive.atGate
  { from: 'alive.atGate', behaviour: 'the release takes it into its call', event: E.inCall, to: 'alive.inCall', actions: [] },
  { from: 'alive.atGate', behaviour: 'a return without a release (trace 1.0) makes it run', event: E.running, to: 'alive.running', actions: [] },
  { from: 'alive.atGate', behaviour: 'killed at the gate: a zombie of its waiting parent', event: E.exitParentDefault, to: 'zombie', actions: EXITS },
  { from: 'alive.atGate', behaviour: 'its parent ends while it waits at the gate: adopted, still at the gate', event: E.parentExited, to: 'alive.atGate', actions: ['adoptBySubreaper'] },
  // alive.inCall
  { from: 'alive.inCall', behaviour: 'the return makes it run', event: E.running, to: 'alive.running', actions: [] },
  { from: 'alive.inCall', behaviour: 'woken (ready): at the gate again', event: E.gate, to: 'alive.atGate', actions: [] },
  { from: 'alive.inCall', behaviour: 'SIGCHLD’s handler calls waitpid: in the handler, at the gate', event: E.handlerGate, to: 'alive.inHandler.atGate', actions: [] },
  { from: 'alive.inCall', behaviour: 'killed inside its call, no lab parent: gone', event: E.exitNoLabParent, to: 'reaped', actions: [...EXITS, 'leave'] },
  // alive.inHandler
  { from: 'alive.inHandler.atGate', behaviour: 'the release takes it into the handler’s call', event: E.handlerInCall, to: 'alive.inHandler.inCall', actions: [] },
  { from: 'alive.inHandler.inCall', behaviour: 'the handler’s call returns: running in the handler', event: E.handlerRunning, to: 'alive.inHandler.running', actions: [] },
  { from: 'alive.inHandler.running', behaviour: 'another call of the handler’s loop: at the gate, in the handler', event: E.handlerGate, to: 'alive.inHandler.atGate', actions: [] },
  { from: 'alive.inHandler.running', behaviour: 'the handler returns into the interrupted call (SA_RESTART)', event: E.inCall, to: 'alive.inCall', actions: [] },
  { from: 'alive.inHandler.running', behaviour: 'the interrupted call fails with EINTR: running', event: E.running, to: 'alive.running', actions: [] },
  { from: 'alive.inHandler.running', behaviour: 'exit in the handler: a zombie', event: E.exitParentDefault, to: 'zombie', actions: EXITS },
  // zombie
  { from: 'zombie', behaviour: 'its parent’s waitpid reaps it', event: E.reap, to: 'reaped', actions: ['leave'] },
  { from: 'zombie', behaviour: 'its parent ends: the subreaper inherits and reaps it', event: E.parentExited, to: 'reaped', actions: ['leave'] },
  { from: 'zombie', behaviour: 'a second exit is not a transition', event: E.exitParentDefault, to: 'zombie', actions: [], handled: false },
  { from: 'zombie', behaviour: 'a zombie makes no calls', event: E.gate, to: 'zombie', actions: [], handled: false },
  // reaped
  { from: 'reaped', behaviour: 'gone: a waitpid does not find it again', event: E.reap, to: 'reaped', actions: [], handled: false },
  { from: 'reaped', behaviour: 'gone: its parent’s end changes nothing', event: E.parentExited, to: 'reaped', actions: [], handled: false },
  { from: 'reaped', behaviour: 'gone: no calls', event: E.gate, to: 'reaped', actions: [], handled: false },
];

describe('the process machine, row by row', () => {
  it('starts alive and running', () => {
    const [s, actions] = initialTransition(processMachine);
    expect(path(s.value)).toBe('alive.running');
    expect(actions.filter((a) => !a.type.startsWith('xstate.'))).toEqual([]);
    expect(processInitial()).toBe('alive.running');
  });

  it('reaches every state it names by a route of real transitions; reaped is final', () => {
    for (const life of PROCESS_LIVES) expect(path(run(ROUTES[life]).value), life).toBe(life);
    expect(run(ROUTES.reaped).status).toBe('done');
  });

  it('names each state’s status as the panels do', () => {
    expect(PROCESS_LIVES.map((l) => [l, statusOf(l), isAlive(l)])).toEqual([
      ['alive.running', 'running', true],
      ['alive.atGate', 'at-gate', true],
      ['alive.inCall', 'blocked', true],
      ['alive.inHandler.running', 'running', true],
      ['alive.inHandler.atGate', 'at-gate', true],
      ['alive.inHandler.inCall', 'blocked', true],
      ['zombie', 'zombie', false],
      ['reaped', 'exited', false],
    ]);
  });

  const groups = new Map<string, Row[]>();
  for (const row of ROWS) {
    const top = row.from.startsWith('alive.inHandler') ? 'alive.inHandler' : row.from;
    groups.set(top, [...(groups.get(top) ?? []), row]);
  }
  for (const [top, rows] of groups) {
    describe(`in ${top}`, () => {
      for (const row of rows) {
        it(`${row.behaviour}${row.from === top ? '' : ` (${row.from})`}`, () => {
          const from = run(ROUTES[row.from]);
          expect(from.can(row.event)).toBe(row.handled ?? true);
          const [next, actions] = transition(processMachine, from, row.event);
          expect(path(next.value)).toBe(row.to);
          expect(actions.map((a) => a.type).filter((t) => !t.startsWith('xstate.'))).toEqual(row.actions);
          // The memoized helper the system model uses agrees with the machine.
          const helper = processTransition(row.from, row.event);
          expect(helper).toEqual({ life: row.to, actions: row.actions, handled: row.handled ?? true });
          expect(processTransition(row.from, { ...row.event })).toBe(helper);
        });
      }
    });
  }
});

// ───────────────────────── in the system model ─────────────────────────

const DIR = fileURLToPath(new URL('../../public/traces/', import.meta.url));
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.jsonl'))
  .sort();

describe('the status the model shows (the machine’s) fits the call it shows (the fold’s), at every event of every recorded trace', () => {
  for (const file of FILES) {
    it(file, () => {
      const parsed = parseTrace(readFileSync(`${DIR}/${file}`, 'utf8'));
      if (!parsed.ok) throw new Error(`${file} does not parse`);
      const r = createReplay(parsed.trace);
      const seen = new Set<string>();
      for (let i = 0; i < parsed.trace.events.length; i++) {
        for (const p of r.atEvent(i).processes) {
          const where = `${file} event ${i}: ${p.role} ${p.status}`;
          seen.add(p.status);
          if (p.status === 'at-gate' || p.status === 'blocked') expect(p.pendingCall, where).not.toBeNull();
          else expect(p.pendingCall, where).toBeNull();
          if (p.status === 'zombie' || p.status === 'exited') {
            expect(p.interrupted, where).toEqual([]);
            expect(p.fds, where).toEqual([]);
          }
        }
      }
      expect(seen.has('at-gate') && seen.has('blocked') && seen.has('running') && seen.has('exited')).toBe(true);
    });
  }
});
