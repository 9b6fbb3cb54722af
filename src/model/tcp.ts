// One TCP endpoint: the eleven states of RFC 9293 and every transition of its state diagram
// (RFC 9293 §3.3.2, Figure 5), plus the ones the figure leaves out in its notes:
//   note 1 — SYN-RECEIVED goes back to LISTEN on RST only if it got there by a passive OPEN;
//   note 2 — FIN-WAIT-1 goes straight to TIME-WAIT on a FIN that also acknowledges our FIN;
//   note 3 — receiving a RST in any synchronized state leads to CLOSED.
// Abortive close (the ABORT call, §3.10.5: SO_LINGER 0, or close with unread data on Linux) sends
// a RST from any synchronized state and enters CLOSED.
//
// Beyond the figure, the segments §3.10.7 ("SEGMENT ARRIVES") answers:
//   - LISTEN answers any ACK-bearing segment with RST and ignores a RST (§3.10.7.2);
//   - SYN-SENT answers an ACK without SYN with RST (the model cannot check its number, so it is
//     the unacceptable one) and, as Linux does, sends its SYN again at once (§3.10.7.3);
//   - SYN-RECEIVED goes to CLOSE-WAIT on a FIN, acknowledging it, as ESTABLISHED does (§3.10.7.4);
//   - a SYN in ESTABLISHED, FIN-WAIT-1/2, CLOSE-WAIT, CLOSING or LAST-ACK gets a challenge ACK and
//     changes nothing (RFC 5961 §4, adopted by §3.10.7.4). Not in SYN-RECEIVED, where RFC 9293
//     returns a passive open to LISTEN and Linux repeats its SYN+ACK: on loopback the handshake
//     is over before any second SYN could come;
//   - a SYN in TIME-WAIT, as Linux does: when it opens a new connection (the guard `synReopens`)
//     the TIME-WAIT ends and the listener takes the SYN; otherwise a challenge ACK (§3.10.7.4).
//
// The machine is driven with xstate's pure `initialTransition`/`transition`: it never runs
// anything itself. The actions it returns ('sendSyn', 'sendSynAck', 'sendAck', 'sendFin',
// 'sendChallengeAck', 'sendRst', 'retransmitSyn', 'passSynToListener', 'startTimeWait' …)
// tell the system model which segments to put on the wire and what to do with received bytes.

import { assign, initialTransition, setup, transition, type SnapshotFrom } from 'xstate';
import type { TcpState } from '../trace/types.ts';

export interface TcpContext {
  /** Reached SYN-RECEIVED from LISTEN (passive OPEN): a RST there returns to LISTEN (note 1). */
  passive: boolean;
}

export type TcpEvent =
  // Calls of the application (RFC 9293 §3.10 user calls).
  | { type: 'PASSIVE_OPEN' } // listen()
  | { type: 'ACTIVE_OPEN' } // connect()
  | { type: 'SEND' } // write(); in LISTEN it turns the listener into an active open
  | { type: 'CLOSE' } // the last close() of the socket, or shutdown(SHUT_WR)
  | { type: 'ABORT' } // abortive close: SO_LINGER 0, or close with unread data
  // Segments arriving (the system model classifies each received segment). Every one but a lone
  // SYN carries an ACK, as RFC 9293 requires once a SYN has been answered.
  /**
   * A SYN. `reopens`: in TIME_WAIT, Linux takes it as the opening of a new connection on the same
   * pair of addresses (tcp_timewait_state_process returns TCP_TW_SYN: its sequence number is above
   * RCV.NXT or its timestamp newer) and a listener is there to take it.
   */
  | { type: 'RCV_SYN'; reopens?: boolean }
  | { type: 'RCV_SYN_ACK' }
  /** A segment with ACK and no SYN/FIN/RST/data. `acksFin`: its ack number covers the FIN we sent. */
  | { type: 'RCV_ACK'; acksFin?: boolean }
  | { type: 'RCV_DATA' }
  /** A FIN. `acksFin`: it also acknowledges the FIN we sent (RFC 9293 Figure 5, note 2). */
  | { type: 'RCV_FIN'; acksFin?: boolean }
  | { type: 'RCV_RST' }
  // Timers.
  | { type: 'TIMEOUT_2MSL' };

export type TcpEventType = TcpEvent['type'];

/** Names of the actions the machine asks for, in the order it asks. */
export type TcpAction =
  | 'createTcb'
  | 'deleteTcb'
  | 'sendSyn'
  | 'sendSynAck'
  | 'sendAck'
  | 'sendChallengeAck'
  | 'sendFin'
  | 'sendRst'
  | 'retransmitSyn'
  | 'passSynToListener'
  | 'sendData'
  | 'deliverData'
  | 'deliverEof'
  | 'startTimeWait'
  | 'restartTimeWait'
  | 'connectionRefused'
  | 'connectionReset';

export const TCP_ACTIONS: readonly TcpAction[] = [
  'createTcb',
  'deleteTcb',
  'sendSyn',
  'sendSynAck',
  'sendAck',
  'sendChallengeAck',
  'sendFin',
  'sendRst',
  'retransmitSyn',
  'passSynToListener',
  'sendData',
  'deliverData',
  'deliverEof',
  'startTimeWait',
  'restartTimeWait',
  'connectionRefused',
  'connectionReset',
];

// Every action is a named placeholder: the system model performs it from the returned list.
const named = () => {};

export const tcpMachine = setup({
  types: {
    context: {} as TcpContext,
    events: {} as TcpEvent,
  },
  actions: {
    createTcb: named,
    deleteTcb: named,
    sendSyn: named,
    sendSynAck: named,
    sendAck: named,
    sendChallengeAck: named,
    sendFin: named,
    sendRst: named,
    retransmitSyn: named,
    passSynToListener: named,
    sendData: named,
    deliverData: named,
    deliverEof: named,
    startTimeWait: named,
    restartTimeWait: named,
    connectionRefused: named,
    connectionReset: named,
    markPassive: assign({ passive: true }),
    clearPassive: assign({ passive: false }),
  },
  guards: {
    passivelyOpened: ({ context }) => context.passive,
    acksOurFin: ({ event }) => (event.type === 'RCV_FIN' || event.type === 'RCV_ACK') && event.acksFin === true,
    synReopens: ({ event }) => event.type === 'RCV_SYN' && event.reopens === true,
  },
}).createMachine({
  id: 'tcp',
  context: { passive: false },
  initial: 'CLOSED',
  states: {
    CLOSED: {
      on: {
        PASSIVE_OPEN: { target: 'LISTEN', actions: ['createTcb'] },
        ACTIVE_OPEN: { target: 'SYN_SENT', actions: ['clearPassive', 'createTcb', 'sendSyn'] },
        // A segment for a connection that does not exist is answered with RST (§3.10.7.1);
        // a RST is never answered.
        RCV_SYN: { actions: ['sendRst'] },
        RCV_SYN_ACK: { actions: ['sendRst'] },
        RCV_ACK: { actions: ['sendRst'] },
        RCV_DATA: { actions: ['sendRst'] },
        RCV_FIN: { actions: ['sendRst'] },
      },
    },
    LISTEN: {
      on: {
        RCV_SYN: { target: 'SYN_RECEIVED', actions: ['markPassive', 'sendSynAck'] },
        SEND: { target: 'SYN_SENT', actions: ['clearPassive', 'sendSyn'] },
        CLOSE: { target: 'CLOSED', actions: ['deleteTcb'] },
        ABORT: { target: 'CLOSED', actions: ['deleteTcb'] },
        // "Any acknowledgment is bad if it arrives on a connection still in the LISTEN state"
        // (§3.10.7.2): every segment but a lone SYN carries an ACK, and is answered with
        // <SEQ=SEG.ACK><CTL=RST>. The listener stays.
        RCV_ACK: { actions: ['sendRst'] },
        RCV_SYN_ACK: { actions: ['sendRst'] },
        RCV_DATA: { actions: ['sendRst'] },
        RCV_FIN: { actions: ['sendRst'] },
        // "An incoming RST should be ignored" (§3.10.7.2).
        RCV_RST: {},
      },
    },
    SYN_SENT: {
      on: {
        RCV_SYN_ACK: { target: 'ESTABLISHED', actions: ['sendAck'] },
        // Simultaneous open.
        RCV_SYN: { target: 'SYN_RECEIVED', actions: ['sendSynAck'] },
        CLOSE: { target: 'CLOSED', actions: ['deleteTcb'] },
        ABORT: { target: 'CLOSED', actions: ['deleteTcb'] },
        RCV_RST: { target: 'CLOSED', actions: ['connectionRefused', 'deleteTcb'] },
        // An ACK without SYN (§3.10.7.3, "first, check the ACK bit"): the model cannot compare
        // SEG.ACK with ISS and SND.NXT, so it takes it as unacceptable — on loopback it is the
        // challenge ACK of a connection that still holds the same pair of addresses. Answered with
        // <SEQ=SEG.ACK><CTL=RST>, staying in SYN_SENT. Linux then re-arms the SYN timer at its
        // minimum ("Previous FIN/ACK or RST/ACK might be ignored", tcp_rcv_synsent_state_process),
        // so the SYN goes again at once: 10–16 ms later on this machine's loopback.
        RCV_ACK: { actions: ['sendRst', 'retransmitSyn'] },
        RCV_DATA: { actions: ['sendRst', 'retransmitSyn'] },
        RCV_FIN: { actions: ['sendRst', 'retransmitSyn'] },
      },
    },
    SYN_RECEIVED: {
      on: {
        RCV_ACK: { target: 'ESTABLISHED' }, // ACK of SYN
        // A FIN (§3.10.7.4): its ACK acknowledges our SYN ("fifth, check the ACK field": enter
        // ESTABLISHED and continue), then "eighth, check the FIN bit": signal "connection closing",
        // advance RCV.NXT over the FIN, send an acknowledgment for it, and — SYN-RECEIVED as
        // ESTABLISHED — enter CLOSE-WAIT.
        RCV_FIN: { target: 'CLOSE_WAIT', actions: ['deliverEof', 'sendAck'] },
        CLOSE: { target: 'FIN_WAIT_1', actions: ['sendFin'] },
        ABORT: { target: 'CLOSED', actions: ['sendRst', 'deleteTcb'] },
        RCV_RST: [
          { guard: 'passivelyOpened', target: 'LISTEN' },
          { target: 'CLOSED', actions: ['connectionRefused', 'deleteTcb'] },
        ],
      },
    },
    ESTABLISHED: {
      on: {
        SEND: { actions: ['sendData'] },
        RCV_DATA: { actions: ['deliverData', 'sendAck'] },
        RCV_ACK: {},
        // A SYN in a synchronized state, whatever its number, gets a challenge ACK
        // <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> and is dropped (RFC 5961 §4, RFC 9293 §3.10.7.4):
        // a peer that really lost the connection answers it with RST. Here and in FIN_WAIT_1,
        // FIN_WAIT_2, CLOSE_WAIT, CLOSING and LAST_ACK; TIME_WAIT has Linux's own rule, below.
        // (Seen on this machine in ESTABLISHED and CLOSE_WAIT: a hand-made SYN on the same pair
        // of addresses is answered with an ACK of exactly SND.NXT and RCV.NXT, state unchanged.)
        RCV_SYN: { actions: ['sendChallengeAck'] },
        CLOSE: { target: 'FIN_WAIT_1', actions: ['sendFin'] },
        RCV_FIN: { target: 'CLOSE_WAIT', actions: ['deliverEof', 'sendAck'] },
        ABORT: { target: 'CLOSED', actions: ['sendRst', 'deleteTcb'] },
        RCV_RST: { target: 'CLOSED', actions: ['connectionReset', 'deleteTcb'] },
      },
    },
    FIN_WAIT_1: {
      on: {
        RCV_ACK: [{ guard: 'acksOurFin', target: 'FIN_WAIT_2' }, {}],
        RCV_SYN: { actions: ['sendChallengeAck'] },
        RCV_DATA: { actions: ['deliverData', 'sendAck'] },
        RCV_FIN: [
          // Note 2: the FIN also acknowledges ours.
          { guard: 'acksOurFin', target: 'TIME_WAIT', actions: ['deliverEof', 'sendAck', 'startTimeWait'] },
          // Simultaneous close.
          { target: 'CLOSING', actions: ['deliverEof', 'sendAck'] },
        ],
        ABORT: { target: 'CLOSED', actions: ['sendRst', 'deleteTcb'] },
        RCV_RST: { target: 'CLOSED', actions: ['connectionReset', 'deleteTcb'] },
      },
    },
    FIN_WAIT_2: {
      on: {
        RCV_ACK: {},
        RCV_SYN: { actions: ['sendChallengeAck'] },
        RCV_DATA: { actions: ['deliverData', 'sendAck'] },
        RCV_FIN: { target: 'TIME_WAIT', actions: ['deliverEof', 'sendAck', 'startTimeWait'] },
        ABORT: { target: 'CLOSED', actions: ['sendRst', 'deleteTcb'] },
        RCV_RST: { target: 'CLOSED', actions: ['connectionReset', 'deleteTcb'] },
      },
    },
    CLOSE_WAIT: {
      on: {
        SEND: { actions: ['sendData'] },
        RCV_ACK: {},
        RCV_SYN: { actions: ['sendChallengeAck'] },
        CLOSE: { target: 'LAST_ACK', actions: ['sendFin'] },
        ABORT: { target: 'CLOSED', actions: ['sendRst', 'deleteTcb'] },
        RCV_RST: { target: 'CLOSED', actions: ['connectionReset', 'deleteTcb'] },
      },
    },
    CLOSING: {
      on: {
        RCV_ACK: [{ guard: 'acksOurFin', target: 'TIME_WAIT', actions: ['startTimeWait'] }, {}],
        RCV_SYN: { actions: ['sendChallengeAck'] },
        // ABORT in CLOSING, LAST-ACK, TIME-WAIT: "respond ok, delete TCB, enter CLOSED" (no RST).
        ABORT: { target: 'CLOSED', actions: ['deleteTcb'] },
        RCV_RST: { target: 'CLOSED', actions: ['deleteTcb'] },
      },
    },
    LAST_ACK: {
      on: {
        RCV_ACK: [{ guard: 'acksOurFin', target: 'CLOSED', actions: ['deleteTcb'] }, {}],
        RCV_SYN: { actions: ['sendChallengeAck'] },
        ABORT: { target: 'CLOSED', actions: ['deleteTcb'] },
        RCV_RST: { target: 'CLOSED', actions: ['deleteTcb'] },
      },
    },
    TIME_WAIT: {
      on: {
        TIMEOUT_2MSL: { target: 'CLOSED', actions: ['deleteTcb'] },
        // A retransmitted FIN is acknowledged again and restarts the 2MSL timer (§3.10.7.4).
        RCV_FIN: { actions: ['sendAck', 'restartTimeWait'] },
        // A SYN on the same pair of addresses follows Linux (tcp_timewait_state_process; RFC 9293
        // §3.10.7.4 lets TIME-WAIT accept a new connection when timestamps allow, RFC 6191): one
        // that opens a new connection (`reopens`) ends the TIME_WAIT and goes on to the listener,
        // which answers it as any SYN; any other gets the challenge ACK, and the 2MSL timer runs
        // on (Linux does not restart it for a SYN without ACK).
        //
        // Observed on this machine (Linux 6.18, loopback, each run in a network namespace of its
        // own, segments read from an AF_PACKET socket on lo): a server accepts a connection from a
        // client bound with SO_REUSEADDR to 127.0.0.1:40000 and closes first, so its end waits in
        // TIME_WAIT; the client then binds that port again and connects.
        //   - Timestamps on (the default): SYN, SYN+ACK from the listener (its ISS the old SND.NXT
        //     + 65537, Linux's tw_isn), ACK; the TIME_WAIT is gone and connect() returns at once —
        //     even when the new SYN's number is below RCV.NXT (100 MB sent on the old connection),
        //     as its timestamp is newer. Timestamps off, with a number above RCV.NXT: the same.
        //   - Timestamps off and a number below RCV.NXT: the TIME_WAIT answers with an ACK
        //     <SEQ=SND.NXT><ACK=RCV.NXT>; the client (SYN_SENT) answers it with RST <SEQ=SEG.ACK>,
        //     which ends the TIME_WAIT (tcp_rfc1337 = 0); the client's SYN goes again 10–16 ms
        //     later and the listener takes it.
        //   - No listener any more: the TIME_WAIT answers even a newer SYN with that ACK; RST, the
        //     SYN again, then RST+ACK from the closed port: connect() fails with ECONNREFUSED.
        // The system model cannot see timestamps: it sets `reopens` whenever a listener is there,
        // since with timestamps on every SYN a person steps to is newer than the old connection.
        RCV_SYN: [
          { guard: 'synReopens', target: 'CLOSED', actions: ['deleteTcb', 'passSynToListener'] },
          { actions: ['sendChallengeAck'] },
        ],
        ABORT: { target: 'CLOSED', actions: ['deleteTcb'] },
        RCV_RST: { target: 'CLOSED', actions: ['deleteTcb'] },
      },
    },
  },
});

export type TcpSnapshot = SnapshotFrom<typeof tcpMachine>;

/** An endpoint's TCP machine, as plain data the system model can keep in its context. */
export interface TcpMachineState {
  state: TcpState;
  passive: boolean;
}

export interface TcpStepResult extends TcpMachineState {
  /** The actions to perform, in order. */
  actions: TcpAction[];
  /** false when the event has no transition in this state (the segment or call is ignored). */
  handled: boolean;
}

const ACTION_SET: ReadonlySet<string> = new Set(TCP_ACTIONS);

function fromSnapshot(snapshot: TcpSnapshot): TcpMachineState {
  return { state: snapshot.value as TcpState, passive: snapshot.context.passive };
}

/** The machine's initial state (CLOSED): xstate's pure initialTransition. */
export function tcpInitial(): TcpMachineState {
  initial ??= Object.freeze(fromSnapshot(initialTransition(tcpMachine)[0]));
  return initial;
}
let initial: TcpMachineState | undefined;

/** Same (state, passive, event) → same result: memoized, the machine is pure. */
const memo = new Map<string, TcpStepResult>();

function memoKey(from: TcpMachineState, event: TcpEvent): string {
  const acks = 'acksFin' in event && event.acksFin ? '+' : '';
  const reopens = 'reopens' in event && event.reopens ? '*' : '';
  return `${from.state}|${from.passive ? 'p' : 'a'}|${event.type}${acks}${reopens}`;
}

/** Apply one event with xstate's pure `transition`; returns the next state and the actions to perform. */
export function tcpTransition(from: TcpMachineState, event: TcpEvent): TcpStepResult {
  const key = memoKey(from, event);
  const hit = memo.get(key);
  if (hit) return hit;
  const snapshot = tcpMachine.resolveState({ value: from.state, context: { passive: from.passive } });
  const handled = snapshot.can(event);
  const [next, actions] = transition(tcpMachine, snapshot, event);
  const state = next.value as TcpState;
  const result: TcpStepResult = {
    state,
    passive: next.context.passive,
    actions: actions.map((a) => a.type).filter((t): t is TcpAction => ACTION_SET.has(t)),
    handled,
  };
  memo.set(key, Object.freeze(result) as TcpStepResult);
  return result;
}

/** States in which the connection is synchronized (RFC 9293 §3.5: after the handshake). */
export const SYNCHRONIZED_STATES: readonly TcpState[] = [
  'ESTABLISHED',
  'FIN_WAIT_1',
  'FIN_WAIT_2',
  'CLOSE_WAIT',
  'CLOSING',
  'LAST_ACK',
  'TIME_WAIT',
];

export function isSynchronized(state: TcpState): boolean {
  return SYNCHRONIZED_STATES.includes(state);
}
