// One lab process, from its spawn (or fork) to the moment it leaves the picture (UNP §5.8–5.10).
//
//   alive        running its own code; stopped at the lab's gate before a call; inside a call
//                (asleep in the kernel); and each of these again inside a signal handler, while
//                the call the handler interrupted waits (sig_chld's waitpid inside accept).
//                Where it is among these is the call fold's answer (src/trace/callFold.ts: the
//                one definition of a call's lifecycle, which the runner uses too): the machine
//                takes it as the CALLS event.
//   zombie       it ended while a lab process is its parent and does not ignore SIGCHLD: every
//                descriptor is closed, and it stays until its parent's waitpid reaps it, or its
//                parent ends too (the subreaper that launched the program inherits and reaps it)
//   reaped       gone (shown as exited for the step it went in): reaped by waitpid, by the
//                subreaper, or never a zombie at all (its parent set SIGCHLD to SIG_IGN, or no
//                lab process is its parent)
//
// The actions it returns are what the system model does (processes.ts): close every descriptor,
// hand its children to the subreaper, take a new parent, leave the picture.
//
// Driven, like tcp.ts, with xstate's pure `initialTransition`/`transition`, memoized.

import { initialTransition, setup, transition, type SnapshotFrom, type StateValue } from 'xstate';
import type { CallPlace } from '../trace/callFold.ts';
import type { SigchldDisposition } from './state.ts';
import type { ProcessStatus } from './types.ts';

export type ProcessEvent =
  /** The call fold says where the process is now, and whether a signal handler runs (a call is interrupted). */
  | { type: 'CALLS'; place: Exclude<CallPlace, 'exited'>; handler: boolean }
  /**
   * It ended (exit(), a signal, err_sys). `parent`: the SIGCHLD disposition of its parent, if its
   * parent is a live lab process; null if not (the subreaper that launched it reaps it at once).
   */
  | { type: 'EXIT'; parent: SigchldDisposition | null }
  /** Its parent's waitpid returned its pid (before its exit event came, that is the proof it ended). */
  | { type: 'REAP' }
  /** Its parent ended: the subreaper that launched the program becomes its parent, and reaps a zombie at once. */
  | { type: 'PARENT_EXITED' };

export type ProcessEventType = ProcessEvent['type'];

export type ProcessAction =
  /** Close every descriptor (each open file's count drops; sockets whose last reference went close). */
  | 'closeDescriptors'
  /** Its children get the subreaper as parent; its zombies are reaped by it. */
  | 'orphanChildren'
  /** The subreaper that launched the program is its parent now. */
  | 'adoptBySubreaper'
  /** Gone: shown as exited for the rest of this step, then out of the picture. */
  | 'leave';

export const PROCESS_ACTIONS: readonly ProcessAction[] = ['closeDescriptors', 'orphanChildren', 'adoptBySubreaper', 'leave'];

/** The machine's state, as a path: 'alive.atGate', 'alive.inHandler.inCall', 'zombie' … */
export type ProcessLife =
  | 'alive.running'
  | 'alive.atGate'
  | 'alive.inCall'
  | 'alive.inHandler.running'
  | 'alive.inHandler.atGate'
  | 'alive.inHandler.inCall'
  | 'zombie'
  | 'reaped';

export const PROCESS_LIVES: readonly ProcessLife[] = [
  'alive.running',
  'alive.atGate',
  'alive.inCall',
  'alive.inHandler.running',
  'alive.inHandler.atGate',
  'alive.inHandler.inCall',
  'zombie',
  'reaped',
];

type Where = { place: Exclude<CallPlace, 'exited'>; handler: boolean };

const named = () => {};
const moveTo = (place: Where['place'], handler: boolean) => ({ type: 'movesTo' as const, params: { place, handler } });

export const processMachine = setup({
  types: {
    context: {} as Record<string, never>,
    events: {} as ProcessEvent,
  },
  actions: {
    closeDescriptors: named,
    orphanChildren: named,
    adoptBySubreaper: named,
    leave: named,
  },
  guards: {
    movesTo: ({ event }, params: Where) => event.type === 'CALLS' && event.place === params.place && event.handler === params.handler,
    // SIGCHLD's default (or a handler): the child stays a zombie until it is waited for. SIG_IGN:
    // the kernel reaps it at once. No lab parent: the subreaper reaps it at once.
    parentWaits: ({ event }) => event.type === 'EXIT' && event.parent !== null && event.parent !== 'ignore',
  },
}).createMachine({
  id: 'process',
  context: {},
  initial: 'alive',
  states: {
    alive: {
      initial: 'running',
      states: {
        running: {},
        atGate: {},
        inCall: {},
        // A signal handler runs; the calls it interrupted wait (src/trace/callFold.ts keeps them).
        inHandler: {
          initial: 'running',
          states: { running: {}, atGate: {}, inCall: {} },
        },
      },
      on: {
        CALLS: [
          { guard: moveTo('running', false), target: '.running' },
          { guard: moveTo('gate', false), target: '.atGate' },
          { guard: moveTo('in-call', false), target: '.inCall' },
          { guard: moveTo('running', true), target: '.inHandler.running' },
          { guard: moveTo('gate', true), target: '.inHandler.atGate' },
          { guard: moveTo('in-call', true), target: '.inHandler.inCall' },
        ],
        // Exit closes every descriptor (Figure 4.17's counts drop) and orphans the children.
        EXIT: [
          { guard: 'parentWaits', target: 'zombie', actions: ['closeDescriptors', 'orphanChildren'] },
          { target: 'reaped', actions: ['closeDescriptors', 'orphanChildren', 'leave'] },
        ],
        // Reaped before the model saw it end: it ended, so its descriptors close now.
        REAP: { target: 'reaped', actions: ['closeDescriptors', 'orphanChildren', 'leave'] },
        PARENT_EXITED: { actions: ['adoptBySubreaper'] },
      },
    },
    zombie: {
      on: {
        REAP: { target: 'reaped', actions: ['leave'] },
        // The subreaper inherits it and reaps it at once.
        PARENT_EXITED: { target: 'reaped', actions: ['leave'] },
      },
    },
    reaped: { type: 'final' },
  },
});

export type ProcessSnapshot = SnapshotFrom<typeof processMachine>;

export interface ProcessStepResult {
  life: ProcessLife;
  /** The actions to perform, in order. */
  actions: ProcessAction[];
  /** false when the event has no transition in this state (a reaped process ignores everything). */
  handled: boolean;
}

const ACTION_SET: ReadonlySet<string> = new Set(PROCESS_ACTIONS);

function pathOf(value: StateValue): string {
  if (typeof value === 'string') return value;
  const [key, sub] = Object.entries(value)[0]!;
  return sub === undefined ? key : `${key}.${pathOf(sub)}`;
}

function valueOf(life: ProcessLife): StateValue {
  const parts = life.split('.');
  let value: StateValue = parts.pop()!;
  while (parts.length > 0) value = { [parts.pop()!]: value };
  return value;
}

/** A process as it starts (spawned, or forked): alive and running. xstate's pure initialTransition. */
export function processInitial(): ProcessLife {
  initial ??= pathOf(initialTransition(processMachine)[0].value) as ProcessLife;
  return initial;
}
let initial: ProcessLife | undefined;

/**
 * Same (state, event) → same result: memoized, the machine is pure and its state space small.
 * Events are looked up as their shared canonical objects (no key strings on the hot path: a
 * 100,000-event trace asks about 60,000 times).
 */
const memo = new Map<ProcessLife, Map<ProcessEvent, ProcessStepResult>>();

/** Apply one event with xstate's pure `transition`: the next state and the actions to perform. */
export function processTransition(from: ProcessLife, event: ProcessEvent): ProcessStepResult {
  const key = canonical(event);
  let byEvent = memo.get(from);
  if (byEvent === undefined) memo.set(from, (byEvent = new Map()));
  const hit = byEvent.get(key);
  if (hit) return hit;
  const snapshot = processMachine.resolveState({ value: valueOf(from), context: {} });
  const handled = snapshot.can(key);
  const [next, actions] = transition(processMachine, snapshot, key);
  const result: ProcessStepResult = Object.freeze({
    life: pathOf(next.value) as ProcessLife,
    actions: actions.map((a) => a.type).filter((t): t is ProcessAction => ACTION_SET.has(t)),
    handled,
  }) as ProcessStepResult;
  byEvent.set(key, result);
  return result;
}

/** The shared object for an event (events are plain data: equal fields, same event). */
function canonical(event: ProcessEvent): ProcessEvent {
  switch (event.type) {
    case 'CALLS':
      return CALLS_EVENTS[event.place][event.handler ? 1 : 0];
    case 'EXIT':
      return EXIT_EVENTS[event.parent ?? 'none'];
    case 'REAP':
      return REAP;
    case 'PARENT_EXITED':
      return PARENT_EXITED;
  }
}

/** The CALLS event that says where the call fold has a live process (its events are shared, not made anew). */
export function callsEvent(place: Exclude<CallPlace, 'exited'>, handler: boolean): ProcessEvent {
  return CALLS_EVENTS[place][handler ? 1 : 0];
}
const CALLS_EVENTS = {
  running: [
    { type: 'CALLS', place: 'running', handler: false },
    { type: 'CALLS', place: 'running', handler: true },
  ],
  gate: [
    { type: 'CALLS', place: 'gate', handler: false },
    { type: 'CALLS', place: 'gate', handler: true },
  ],
  'in-call': [
    { type: 'CALLS', place: 'in-call', handler: false },
    { type: 'CALLS', place: 'in-call', handler: true },
  ],
} as const satisfies Record<Where['place'], readonly [ProcessEvent, ProcessEvent]>;
const EXIT_EVENTS = {
  default: { type: 'EXIT', parent: 'default' },
  ignore: { type: 'EXIT', parent: 'ignore' },
  handler: { type: 'EXIT', parent: 'handler' },
  none: { type: 'EXIT', parent: null },
} as const satisfies Record<SigchldDisposition | 'none', ProcessEvent>;
const REAP: ProcessEvent = { type: 'REAP' };
const PARENT_EXITED: ProcessEvent = { type: 'PARENT_EXITED' };

/** Alive: running, at a gate or in a call, in a handler or not. */
export function isAlive(life: ProcessLife): boolean {
  return life.startsWith('alive');
}

/** The process's status, as the panels and the kernel check name it (types.ts). */
export function statusOf(life: ProcessLife): ProcessStatus {
  return STATUS[life];
}
const STATUS: Record<ProcessLife, ProcessStatus> = {
  'alive.running': 'running',
  'alive.atGate': 'at-gate',
  'alive.inCall': 'blocked',
  'alive.inHandler.running': 'running',
  'alive.inHandler.atGate': 'at-gate',
  'alive.inHandler.inCall': 'blocked',
  zombie: 'zombie',
  reaped: 'exited',
};
