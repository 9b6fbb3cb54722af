// The system model as an XState machine: its context is the whole picture (processes, the
// open-file table, TCP endpoints, segments — src/model/state.ts), its events are the trace
// events, and every action is an `assign` that calls a pure helper (src/model/apply.ts).
// Every event, in either state, runs exactly one action, and every action is
// `assign(applyTraceEvent)`: so the machine's context after a trace is the fold of applyTraceEvent
// over it. Replay (replay.ts) folds applyTraceEvent directly, because xstate's transition() costs
// about 30 µs an event against the model's few µs, and a 100 000-event trace must load in well
// under a second; tests/unit/replay.test.ts checks that both give identical contexts.

import { assign, initialTransition, setup, transition, type SnapshotFrom } from 'xstate';
import type { TraceEvent, TraceHeader } from '../trace/types.ts';
import { applyTraceEvent, initialContext } from './apply.ts';
import type { SystemContext } from './state.ts';

/** A trace event as a machine event: `type` is the event's kind, `index` its place in the trace. */
export type SystemEvent = { [K in TraceEvent['kind']]: { type: K; event: Extract<TraceEvent, { kind: K }>; index: number } }[TraceEvent['kind']];

export function toSystemEvent(event: TraceEvent, index: number): SystemEvent {
  return { type: event.kind, event, index } as SystemEvent;
}

/** The pure helper every action calls: the event's own semantics are in applyTraceEvent. */
function next(context: SystemContext, event: SystemEvent): SystemContext {
  return applyTraceEvent(context, event.event, event.index);
}

export const systemMachine = setup({
  types: {
    context: {} as SystemContext,
    events: {} as SystemEvent,
    input: {} as { header: Pick<TraceHeader, 'scenario'> | null },
  },
  actions: {
    spawnProcess: assign(({ context, event }) => next(context, event)),
    stopAtGate: assign(({ context, event }) => next(context, event)),
    wakeAtGate: assign(({ context, event }) => next(context, event)),
    completeCall: assign(({ context, event }) => next(context, event)),
    exitProcess: assign(({ context, event }) => next(context, event)),
    deliverSignal: assign(({ context, event }) => next(context, event)),
    settleWithKernel: assign(({ context, event }) => next(context, event)),
    recordOutput: assign(({ context, event }) => next(context, event)),
    endRun: assign(({ context, event }) => next(context, event)),
  },
}).createMachine({
  id: 'system',
  context: ({ input }) => initialContext(input.header),
  // Every record applies the same way while the run goes on and after its end (a last kernel
  // snapshot or a late exit may follow `end`); only `end` itself moves the machine.
  on: {
    spawn: { actions: 'spawnProcess' },
    call: { actions: 'stopAtGate' },
    ready: { actions: 'wakeAtGate' },
    return: { actions: 'completeCall' },
    exit: { actions: 'exitProcess' },
    signal: { actions: 'deliverSignal' },
    kernel: { actions: 'settleWithKernel' },
    output: { actions: 'recordOutput' },
    end: { actions: 'endRun' },
  },
  initial: 'running',
  states: {
    running: {
      on: { end: { target: 'ended', actions: 'endRun' } },
    },
    ended: {},
  },
});

export type SystemSnapshot = SnapshotFrom<typeof systemMachine>;

export function systemInitial(header: Pick<TraceHeader, 'scenario'> | null): SystemSnapshot {
  return initialTransition(systemMachine, { header })[0];
}

/** One trace event through the machine (xstate's pure transition). */
export function systemStep(snapshot: SystemSnapshot, event: TraceEvent, index: number): SystemSnapshot {
  return transition(systemMachine, snapshot, toSystemEvent(event, index))[0];
}
