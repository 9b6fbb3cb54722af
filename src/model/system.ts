// The system model as an XState machine: its context is the whole picture (processes, the
// open-file table, TCP endpoints, segments — src/model/state.ts), its events are the trace
// events, and each kind of event has its own named `assign` action, which calls that kind's pure
// applier (APPLIERS in apply.ts). The rules themselves live in the small machines the appliers
// drive — the call fold (src/trace/callFold.ts), each process's machine (process.ts), each open
// file's (openFile.ts), each endpoint's (tcp.ts) — so the machine's context after a trace is the
// fold of applyTraceEvent over it. Replay (replay.ts) folds applyTraceEvent directly, because
// xstate's transition() on this machine costs about 30 µs an event against the model's few µs,
// and a 100 000-event trace must load in well under a second; tests/unit/replay.test.ts checks
// that both give identical contexts.

import { assign, initialTransition, setup, transition, type SnapshotFrom } from 'xstate';
import type { TraceEvent, TraceHeader } from '../trace/types.ts';
import { APPLIERS, initialContext, type Applier } from './apply.ts';
import type { SystemContext } from './state.ts';

/** A trace event as a machine event: `type` is the event's kind, `index` its place in the trace. */
export type SystemEvent = { [K in TraceEvent['kind']]: { type: K; event: Extract<TraceEvent, { kind: K }>; index: number } }[TraceEvent['kind']];

export function toSystemEvent(event: TraceEvent, index: number): SystemEvent {
  return { type: event.kind, event, index } as SystemEvent;
}

/** Apply `kind`'s applier to an event the machine routed to it (an event of another kind changes nothing). */
function applying(kind: TraceEvent['kind']) {
  const apply = APPLIERS[kind] as Applier;
  return ({ context, event }: { context: SystemContext; event: SystemEvent }): SystemContext =>
    event.type === kind ? apply(context, event.event, event.index) : context;
}

export const systemMachine = setup({
  types: {
    context: {} as SystemContext,
    events: {} as SystemEvent,
    input: {} as { header: Pick<TraceHeader, 'scenario' | 'minor'> | null },
  },
  actions: {
    /** spawn: a program the runner started, running until its first call. */
    spawnProcess: assign(applying('spawn')),
    /** call: the process stops at the lab's gate before the call (a signal handler's call interrupts the pending one). */
    stopAtGate: assign(applying('call')),
    /** release: the runner opened the gate; the process is inside its call. */
    enterCall: assign(applying('release')),
    /** ready: a call that waited (accept's poll) can complete; at the gate again. */
    wakeAtGate: assign(applying('ready')),
    /** return: the call's effects (sockets, fork, close, waitpid …); the process runs on. */
    completeCall: assign(applying('return')),
    /** exit: every descriptor closes; a zombie, or gone. */
    exitProcess: assign(applying('exit')),
    /** signal: the runner's signal is pending until the exit it causes. */
    deliverSignal: assign(applying('signal')),
    /** drop: the next segment of a kind arriving at a socket will be lost there (docs/drops.md). */
    armDrop: assign(applying('drop')),
    /** lost: the drop lost its segment (a held connect's handshake starts here). */
    noteLoss: assign(applying('lost')),
    /** retransmit: the lost segment's retransmission gets through; the hold ends. */
    endHold: assign(applying('retransmit')),
    /** kernel: the step has settled (handlers returned into the calls they interrupted); the next step begins. */
    settleStep: assign(applying('kernel')),
    /** step: a predicted step has ended (no kernel ran it); settled as a kernel snapshot settles one. */
    settlePredictedStep: assign(applying('step')),
    /** output: text for people; only the clock moves (TIME_WAIT timers). */
    recordOutput: assign(applying('output')),
    /** packet: a captured segment; compared with the model's (packets.ts), not applied. */
    recordPacket: assign(applying('packet')),
    /** end: the run is over. */
    endRun: assign(applying('end')),
  },
}).createMachine({
  id: 'system',
  context: ({ input }) => initialContext(input.header),
  // Every record applies the same way while the run goes on and after its end (a last kernel
  // snapshot or a late exit may follow `end`); only `end` itself moves the machine.
  on: {
    spawn: { actions: 'spawnProcess' },
    call: { actions: 'stopAtGate' },
    release: { actions: 'enterCall' },
    ready: { actions: 'wakeAtGate' },
    return: { actions: 'completeCall' },
    exit: { actions: 'exitProcess' },
    signal: { actions: 'deliverSignal' },
    drop: { actions: 'armDrop' },
    lost: { actions: 'noteLoss' },
    retransmit: { actions: 'endHold' },
    kernel: { actions: 'settleStep' },
    step: { actions: 'settlePredictedStep' },
    output: { actions: 'recordOutput' },
    packet: { actions: 'recordPacket' },
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

export function systemInitial(header: Pick<TraceHeader, 'scenario' | 'minor'> | null): SystemSnapshot {
  return initialTransition(systemMachine, { header })[0];
}

/** One trace event through the machine (xstate's pure transition). */
export function systemStep(snapshot: SystemSnapshot, event: TraceEvent, index: number): SystemSnapshot {
  return transition(systemMachine, snapshot, toSystemEvent(event, index))[0];
}
