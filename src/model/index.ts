// The model's public API. Pure TypeScript: no React, no DOM, no `ws` — it runs in Node and the browser.
//
//   parseTrace(text)        validate a whole JSON Lines trace (every line; errors carry 1-based line numbers)
//   parseRecord(value, n)   validate one record (throws TraceFormatError naming line n)
//   createReplay(trace)     the model at any step or event: atStep, atEvent, stepOfEvent, eventRangeOfStep,
//                           disagreementCount, append (live runs), packetsAt (captured packets, matched)
//
// Step N's snapshot is the model after every event up to and including the N-th kernel event
// (step 0 ends with the 'start' snapshot), with `kernel` = that event and `disagreements` = the
// check of the model against it.

export { parseTrace, parseRecord, parseLine, TraceFormatError, TraceSequence } from '../trace/parse.ts';
export type { ParseTraceResult, TraceParseError } from '../trace/parse.ts';
export { createReplay, CHECKPOINT_EVERY } from './replay.ts';
export type { Replay } from './replay.ts';
export { checkKernel, socketSubject } from './check.ts';
export type { CheckedModel, DisagreementFact } from './check.ts';
export { compareStepPackets, describeSegment, isCaptured } from './packets.ts';
export type { CapturedPacket, PacketFact, PacketView } from './packets.ts';
export { tcpMachine, tcpInitial, tcpTransition, isSynchronized, SYNCHRONIZED_STATES, TCP_ACTIONS } from './tcp.ts';
export type { TcpAction, TcpEvent, TcpMachineState, TcpStepResult } from './tcp.ts';
export { systemMachine, systemInitial, systemStep } from './system.ts';
export type { SystemEvent, SystemSnapshot } from './system.ts';
export { applyTraceEvent, initialContext, TIME_WAIT_NS } from './apply.ts';
export { toModelSnapshot } from './snapshot.ts';
export type * from './types.ts';
