// One entry of the system-wide open-file table (UNP §4.8, Figures 4.14–4.17): the object every
// descriptor that names a socket points to, with its reference count — how many descriptors, in
// every process, name it.
//
//   socket(), accept()   a new entry, named by one descriptor: open with count 1
//   dup()                one more descriptor names it: count + 1
//   fork()               the child gets a copy of every descriptor: each entry the parent holds
//                        gains one reference per descriptor of the parent that names it
//   close(), exit()      one descriptor less: count − 1; at 0 the entry is freed and the socket
//                        loses its last reference: only then is it closed (releaseSocket)
//
// What the socket does when its last reference goes — a FIN, or a RST (SO_LINGER with a linger
// time of 0, or unread data in its receive queue) — is the socket's decision, not the file's: it
// depends on the socket's options, its receive queue and its TCP state, which the open file does
// not hold (Linux too decides it in tcp_close, called when the file's last reference is put).
// The system model makes that decision in network.ts (releaseSocket), and the TCP machine
// (tcp.ts) says what CLOSE or ABORT sends from each state.
//
// Driven, like tcp.ts, with xstate's pure `initialTransition`/`transition`; the actions it returns
// are what the system model performs.

import { assign, initialTransition, setup, transition, type SnapshotFrom } from 'xstate';

export interface OpenFileContext {
  /** The reference count: descriptors, in every process, that name this entry. */
  count: number;
}

export type OpenFileEvent =
  /** socket() or accept() created the entry, named by `holders` descriptors (one). */
  | { type: 'OPEN'; holders: number }
  /** dup()/dup2(): one more descriptor names it. */
  | { type: 'DUP' }
  /** fork(): the child's copies of the `holders` descriptors of its parent that name it. */
  | { type: 'FORK'; holders: number }
  /** close(), or exit closing the descriptor: one descriptor less. */
  | { type: 'CLOSE' };

/** The action the system model performs: the socket's last reference went (network.ts decides FIN or RST). */
export type OpenFileAction = 'releaseSocket';

export const OPEN_FILE_ACTIONS: readonly OpenFileAction[] = ['releaseSocket'];

export type OpenFileStateName = 'unopened' | 'open' | 'closed';

const named = () => {};

export const openFileMachine = setup({
  types: {
    context: {} as OpenFileContext,
    events: {} as OpenFileEvent,
  },
  actions: {
    releaseSocket: named,
    setCount: assign({ count: ({ event }) => (event.type === 'OPEN' ? event.holders : 0) }),
    raiseCount: assign({ count: ({ context, event }) => context.count + (event.type === 'FORK' ? event.holders : 1) }),
    lowerCount: assign({ count: ({ context }) => context.count - 1 }),
  },
  guards: {
    lastReference: ({ context }) => context.count <= 1,
    namedByAny: ({ event }) => (event.type === 'OPEN' || event.type === 'FORK') && event.holders > 0,
  },
}).createMachine({
  id: 'openFile',
  context: { count: 0 },
  initial: 'unopened',
  states: {
    unopened: {
      on: {
        OPEN: { guard: 'namedByAny', target: 'open', actions: ['setCount'] },
      },
    },
    open: {
      on: {
        DUP: { actions: ['raiseCount'] },
        FORK: { guard: 'namedByAny', actions: ['raiseCount'] },
        CLOSE: [
          // The last descriptor went: the entry is freed, and the socket closes.
          { guard: 'lastReference', target: 'closed', actions: ['lowerCount', 'releaseSocket'] },
          // Others still name it: nothing happens to the socket (the parent's close(connfd)).
          { actions: ['lowerCount'] },
        ],
      },
    },
    // Freed: no descriptor can name it again (a close of a closed descriptor is EBADF).
    closed: { type: 'final' },
  },
});

export type OpenFileSnapshot = SnapshotFrom<typeof openFileMachine>;

/** An open file's machine, as plain data the system model keeps in its context. */
export interface OpenFileMachineState {
  state: OpenFileStateName;
  count: number;
}

export interface OpenFileStepResult extends OpenFileMachineState {
  actions: OpenFileAction[];
  /** false when the event has no transition in this state. */
  handled: boolean;
}

const ACTION_SET: ReadonlySet<string> = new Set(OPEN_FILE_ACTIONS);

/** The entry before socket() or accept() creates it: xstate's pure initialTransition. */
export function openFileInitial(): OpenFileMachineState {
  initial ??= Object.freeze(fromSnapshot(initialTransition(openFileMachine)[0]));
  return initial;
}
let initial: OpenFileMachineState | undefined;

function fromSnapshot(snapshot: OpenFileSnapshot): OpenFileMachineState {
  return { state: snapshot.value as OpenFileStateName, count: snapshot.context.count };
}

/**
 * Same (state, count, event) → same result: memoized, the machine is pure. Looked up by state,
 * event type, count and holders in nested maps (no key strings: every close asks).
 */
const memo = new Map<OpenFileStateName, Map<OpenFileEvent['type'], Map<number, Map<number, OpenFileStepResult>>>>();
/** Counts above this are not kept (a count is the number of descriptors naming one file: small). */
const MEMO_COUNT_LIMIT = 1024;

/** Apply one event with xstate's pure `transition`: the next state and the actions to perform. */
export function openFileTransition(from: OpenFileMachineState, event: OpenFileEvent): OpenFileStepResult {
  const holders = event.type === 'OPEN' || event.type === 'FORK' ? event.holders : 0;
  let byType = memo.get(from.state);
  if (byType === undefined) memo.set(from.state, (byType = new Map()));
  let byCount = byType.get(event.type);
  if (byCount === undefined) byType.set(event.type, (byCount = new Map()));
  let byHolders = byCount.get(from.count);
  if (byHolders === undefined && from.count <= MEMO_COUNT_LIMIT) byCount.set(from.count, (byHolders = new Map()));
  const hit = byHolders?.get(holders);
  if (hit) return hit;
  const snapshot = openFileMachine.resolveState({ value: from.state, context: { count: from.count } });
  const handled = snapshot.can(event);
  const [next, actions] = transition(openFileMachine, snapshot, event);
  const result: OpenFileStepResult = Object.freeze({
    ...fromSnapshot(next),
    actions: actions.map((a) => a.type).filter((t): t is OpenFileAction => ACTION_SET.has(t)),
    handled,
  }) as OpenFileStepResult;
  byHolders?.set(holders, result);
  return result;
}

/** A new entry named by `holders` descriptors (socket(), accept(): one). */
export function openFileOpened(holders = 1): OpenFileMachineState {
  const r = openFileTransition(openFileInitial(), { type: 'OPEN', holders });
  return { state: r.state, count: r.count };
}
