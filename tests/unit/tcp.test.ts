// Every transition of the RFC 9293 state diagram (Figure 5, with its notes), and the answers to
// segments §3.10.7 gives beyond it, driven with xstate's pure initialTransition/transition. Each
// state is reached by a real route from CLOSED.

import { describe, expect, it } from 'vitest';
import { initialTransition, transition } from 'xstate';
import { tcpInitial, tcpMachine, tcpTransition, type TcpEvent } from '../../src/model/tcp.ts';
import { TCP_STATES, type TcpState } from '../../src/trace/types.ts';

type Snap = ReturnType<typeof initialTransition<typeof tcpMachine>>[0];

function run(events: TcpEvent[]): Snap {
  let [s] = initialTransition(tcpMachine);
  for (const e of events) [s] = transition(tcpMachine, s, e);
  return s;
}

const E = {
  passiveOpen: { type: 'PASSIVE_OPEN' },
  activeOpen: { type: 'ACTIVE_OPEN' },
  send: { type: 'SEND' },
  close: { type: 'CLOSE' },
  abort: { type: 'ABORT' },
  syn: { type: 'RCV_SYN' },
  synReopening: { type: 'RCV_SYN', reopens: true },
  synAck: { type: 'RCV_SYN_ACK' },
  ack: { type: 'RCV_ACK' },
  ackOfFin: { type: 'RCV_ACK', acksFin: true },
  data: { type: 'RCV_DATA' },
  fin: { type: 'RCV_FIN' },
  finAckingOurs: { type: 'RCV_FIN', acksFin: true },
  rst: { type: 'RCV_RST' },
  timeout: { type: 'TIMEOUT_2MSL' },
} satisfies Record<string, TcpEvent>;

/** A route from CLOSED to each state (and the two ways into SYN_RECEIVED). */
const ROUTES = {
  CLOSED: [],
  LISTEN: [E.passiveOpen],
  SYN_SENT: [E.activeOpen],
  'SYN_RECEIVED (passive)': [E.passiveOpen, E.syn],
  'SYN_RECEIVED (simultaneous open)': [E.activeOpen, E.syn],
  ESTABLISHED: [E.activeOpen, E.synAck],
  FIN_WAIT_1: [E.activeOpen, E.synAck, E.close],
  FIN_WAIT_2: [E.activeOpen, E.synAck, E.close, E.ackOfFin],
  CLOSE_WAIT: [E.activeOpen, E.synAck, E.fin],
  CLOSING: [E.activeOpen, E.synAck, E.close, E.fin],
  LAST_ACK: [E.activeOpen, E.synAck, E.fin, E.close],
  TIME_WAIT: [E.activeOpen, E.synAck, E.close, E.ackOfFin, E.fin],
} satisfies Record<string, TcpEvent[]>;

type From = keyof typeof ROUTES;

interface Row {
  from: From;
  behaviour: string;
  event: TcpEvent;
  to: TcpState;
  actions: string[];
}

const ROWS: Row[] = [
  // CLOSED
  { from: 'CLOSED', behaviour: 'goes to LISTEN on passive OPEN (listen)', event: E.passiveOpen, to: 'LISTEN', actions: ['createTcb'] },
  { from: 'CLOSED', behaviour: 'goes to SYN_SENT on active OPEN (connect) and sends SYN', event: E.activeOpen, to: 'SYN_SENT', actions: ['createTcb', 'sendSyn'] },
  { from: 'CLOSED', behaviour: 'answers a SYN with RST and stays CLOSED', event: E.syn, to: 'CLOSED', actions: ['sendRst'] },
  { from: 'CLOSED', behaviour: 'answers a data segment with RST', event: E.data, to: 'CLOSED', actions: ['sendRst'] },
  // LISTEN
  { from: 'LISTEN', behaviour: 'goes to SYN_RECEIVED on SYN and sends SYN+ACK', event: E.syn, to: 'SYN_RECEIVED', actions: ['sendSynAck'] },
  { from: 'LISTEN', behaviour: 'goes to SYN_SENT on SEND and sends SYN', event: E.send, to: 'SYN_SENT', actions: ['sendSyn'] },
  { from: 'LISTEN', behaviour: 'goes to CLOSED on close and deletes the TCB', event: E.close, to: 'CLOSED', actions: ['deleteTcb'] },
  { from: 'LISTEN', behaviour: 'ignores a RST', event: E.rst, to: 'LISTEN', actions: [] },
  { from: 'LISTEN', behaviour: 'answers an ACK with RST and keeps listening (§3.10.7.2)', event: E.ack, to: 'LISTEN', actions: ['sendRst'] },
  { from: 'LISTEN', behaviour: 'answers a SYN+ACK with RST and keeps listening', event: E.synAck, to: 'LISTEN', actions: ['sendRst'] },
  { from: 'LISTEN', behaviour: 'answers data (which carries an ACK) with RST and keeps listening', event: E.data, to: 'LISTEN', actions: ['sendRst'] },
  { from: 'LISTEN', behaviour: 'answers a FIN (which carries an ACK) with RST and keeps listening', event: E.fin, to: 'LISTEN', actions: ['sendRst'] },
  // SYN_SENT
  { from: 'SYN_SENT', behaviour: 'goes to ESTABLISHED on SYN+ACK and sends ACK', event: E.synAck, to: 'ESTABLISHED', actions: ['sendAck'] },
  { from: 'SYN_SENT', behaviour: 'goes to SYN_RECEIVED on a SYN (simultaneous open) and sends SYN+ACK', event: E.syn, to: 'SYN_RECEIVED', actions: ['sendSynAck'] },
  { from: 'SYN_SENT', behaviour: 'goes to CLOSED on close', event: E.close, to: 'CLOSED', actions: ['deleteTcb'] },
  { from: 'SYN_SENT', behaviour: 'goes to CLOSED on RST (connection refused)', event: E.rst, to: 'CLOSED', actions: ['connectionRefused', 'deleteTcb'] },
  { from: 'SYN_SENT', behaviour: 'answers an ACK without SYN with RST, stays and sends its SYN again (§3.10.7.3)', event: E.ack, to: 'SYN_SENT', actions: ['sendRst', 'retransmitSyn'] },
  { from: 'SYN_SENT', behaviour: 'answers data without SYN with RST, stays and sends its SYN again', event: E.data, to: 'SYN_SENT', actions: ['sendRst', 'retransmitSyn'] },
  { from: 'SYN_SENT', behaviour: 'answers a FIN without SYN with RST, stays and sends its SYN again', event: E.fin, to: 'SYN_SENT', actions: ['sendRst', 'retransmitSyn'] },
  // SYN_RECEIVED
  { from: 'SYN_RECEIVED (passive)', behaviour: 'goes to ESTABLISHED on the ACK of its SYN', event: E.ack, to: 'ESTABLISHED', actions: [] },
  { from: 'SYN_RECEIVED (simultaneous open)', behaviour: 'goes to ESTABLISHED on the ACK of its SYN', event: E.ack, to: 'ESTABLISHED', actions: [] },
  { from: 'SYN_RECEIVED (passive)', behaviour: 'goes to FIN_WAIT_1 on close and sends FIN', event: E.close, to: 'FIN_WAIT_1', actions: ['sendFin'] },
  { from: 'SYN_RECEIVED (passive)', behaviour: 'returns to LISTEN on RST after a passive OPEN (note 1)', event: E.rst, to: 'LISTEN', actions: [] },
  { from: 'SYN_RECEIVED (simultaneous open)', behaviour: 'goes to CLOSED on RST after an active OPEN (note 1)', event: E.rst, to: 'CLOSED', actions: ['connectionRefused', 'deleteTcb'] },
  { from: 'SYN_RECEIVED (passive)', behaviour: 'goes to CLOSED on abort and sends RST', event: E.abort, to: 'CLOSED', actions: ['sendRst', 'deleteTcb'] },
  { from: 'SYN_RECEIVED (passive)', behaviour: 'goes to CLOSE_WAIT on a FIN and acknowledges it (§3.10.7.4)', event: E.fin, to: 'CLOSE_WAIT', actions: ['deliverEof', 'sendAck'] },
  { from: 'SYN_RECEIVED (simultaneous open)', behaviour: 'goes to CLOSE_WAIT on a FIN and acknowledges it', event: E.fin, to: 'CLOSE_WAIT', actions: ['deliverEof', 'sendAck'] },
  // ESTABLISHED
  { from: 'ESTABLISHED', behaviour: 'goes to FIN_WAIT_1 on close and sends FIN', event: E.close, to: 'FIN_WAIT_1', actions: ['sendFin'] },
  { from: 'ESTABLISHED', behaviour: 'goes to CLOSE_WAIT on FIN and sends ACK', event: E.fin, to: 'CLOSE_WAIT', actions: ['deliverEof', 'sendAck'] },
  { from: 'ESTABLISHED', behaviour: 'sends data on SEND and stays', event: E.send, to: 'ESTABLISHED', actions: ['sendData'] },
  { from: 'ESTABLISHED', behaviour: 'acknowledges data and stays', event: E.data, to: 'ESTABLISHED', actions: ['deliverData', 'sendAck'] },
  { from: 'ESTABLISHED', behaviour: 'goes to CLOSED on abort (SO_LINGER 0) and sends RST', event: E.abort, to: 'CLOSED', actions: ['sendRst', 'deleteTcb'] },
  { from: 'ESTABLISHED', behaviour: 'goes to CLOSED on RST (connection reset)', event: E.rst, to: 'CLOSED', actions: ['connectionReset', 'deleteTcb'] },
  { from: 'ESTABLISHED', behaviour: 'answers a SYN with a challenge ACK and stays (RFC 5961 §4)', event: E.syn, to: 'ESTABLISHED', actions: ['sendChallengeAck'] },
  // FIN_WAIT_1
  { from: 'FIN_WAIT_1', behaviour: 'goes to FIN_WAIT_2 on the ACK of its FIN', event: E.ackOfFin, to: 'FIN_WAIT_2', actions: [] },
  { from: 'FIN_WAIT_1', behaviour: 'stays on an ACK that does not cover its FIN', event: E.ack, to: 'FIN_WAIT_1', actions: [] },
  { from: 'FIN_WAIT_1', behaviour: 'goes to CLOSING on FIN (simultaneous close) and sends ACK', event: E.fin, to: 'CLOSING', actions: ['deliverEof', 'sendAck'] },
  { from: 'FIN_WAIT_1', behaviour: 'goes to TIME_WAIT on a FIN that acknowledges its FIN (note 2)', event: E.finAckingOurs, to: 'TIME_WAIT', actions: ['deliverEof', 'sendAck', 'startTimeWait'] },
  { from: 'FIN_WAIT_1', behaviour: 'goes to CLOSED on abort and sends RST', event: E.abort, to: 'CLOSED', actions: ['sendRst', 'deleteTcb'] },
  { from: 'FIN_WAIT_1', behaviour: 'goes to CLOSED on RST', event: E.rst, to: 'CLOSED', actions: ['connectionReset', 'deleteTcb'] },
  { from: 'FIN_WAIT_1', behaviour: 'answers a SYN with a challenge ACK and stays', event: E.syn, to: 'FIN_WAIT_1', actions: ['sendChallengeAck'] },
  // FIN_WAIT_2
  { from: 'FIN_WAIT_2', behaviour: 'goes to TIME_WAIT on FIN, sends ACK and starts the 2MSL timer', event: E.fin, to: 'TIME_WAIT', actions: ['deliverEof', 'sendAck', 'startTimeWait'] },
  { from: 'FIN_WAIT_2', behaviour: 'accepts data (half close) and acknowledges it', event: E.data, to: 'FIN_WAIT_2', actions: ['deliverData', 'sendAck'] },
  { from: 'FIN_WAIT_2', behaviour: 'goes to CLOSED on abort and sends RST', event: E.abort, to: 'CLOSED', actions: ['sendRst', 'deleteTcb'] },
  { from: 'FIN_WAIT_2', behaviour: 'goes to CLOSED on RST', event: E.rst, to: 'CLOSED', actions: ['connectionReset', 'deleteTcb'] },
  { from: 'FIN_WAIT_2', behaviour: 'answers a SYN with a challenge ACK and stays', event: E.syn, to: 'FIN_WAIT_2', actions: ['sendChallengeAck'] },
  // CLOSE_WAIT
  { from: 'CLOSE_WAIT', behaviour: 'goes to LAST_ACK on close and sends FIN', event: E.close, to: 'LAST_ACK', actions: ['sendFin'] },
  { from: 'CLOSE_WAIT', behaviour: 'may still send data', event: E.send, to: 'CLOSE_WAIT', actions: ['sendData'] },
  { from: 'CLOSE_WAIT', behaviour: 'goes to CLOSED on abort and sends RST', event: E.abort, to: 'CLOSED', actions: ['sendRst', 'deleteTcb'] },
  { from: 'CLOSE_WAIT', behaviour: 'goes to CLOSED on RST', event: E.rst, to: 'CLOSED', actions: ['connectionReset', 'deleteTcb'] },
  { from: 'CLOSE_WAIT', behaviour: 'answers a SYN with a challenge ACK and stays', event: E.syn, to: 'CLOSE_WAIT', actions: ['sendChallengeAck'] },
  // CLOSING
  { from: 'CLOSING', behaviour: 'goes to TIME_WAIT on the ACK of its FIN and starts the 2MSL timer', event: E.ackOfFin, to: 'TIME_WAIT', actions: ['startTimeWait'] },
  { from: 'CLOSING', behaviour: 'goes to CLOSED on abort without sending RST', event: E.abort, to: 'CLOSED', actions: ['deleteTcb'] },
  { from: 'CLOSING', behaviour: 'goes to CLOSED on RST', event: E.rst, to: 'CLOSED', actions: ['deleteTcb'] },
  { from: 'CLOSING', behaviour: 'answers a SYN with a challenge ACK and stays', event: E.syn, to: 'CLOSING', actions: ['sendChallengeAck'] },
  // LAST_ACK
  { from: 'LAST_ACK', behaviour: 'goes to CLOSED on the ACK of its FIN', event: E.ackOfFin, to: 'CLOSED', actions: ['deleteTcb'] },
  { from: 'LAST_ACK', behaviour: 'stays on an ACK that does not cover its FIN', event: E.ack, to: 'LAST_ACK', actions: [] },
  { from: 'LAST_ACK', behaviour: 'goes to CLOSED on RST', event: E.rst, to: 'CLOSED', actions: ['deleteTcb'] },
  { from: 'LAST_ACK', behaviour: 'answers a SYN with a challenge ACK and stays', event: E.syn, to: 'LAST_ACK', actions: ['sendChallengeAck'] },
  // TIME_WAIT
  { from: 'TIME_WAIT', behaviour: 'goes to CLOSED when 2MSL runs out', event: E.timeout, to: 'CLOSED', actions: ['deleteTcb'] },
  { from: 'TIME_WAIT', behaviour: 'acknowledges a retransmitted FIN and restarts the 2MSL timer', event: E.fin, to: 'TIME_WAIT', actions: ['sendAck', 'restartTimeWait'] },
  { from: 'TIME_WAIT', behaviour: 'goes to CLOSED on RST', event: E.rst, to: 'CLOSED', actions: ['deleteTcb'] },
  { from: 'TIME_WAIT', behaviour: 'ends on a SYN that opens a new connection and passes it to the listener (Linux TCP_TW_SYN)', event: E.synReopening, to: 'CLOSED', actions: ['deleteTcb', 'passSynToListener'] },
  { from: 'TIME_WAIT', behaviour: 'answers any other SYN with a challenge ACK and stays, its timer running on', event: E.syn, to: 'TIME_WAIT', actions: ['sendChallengeAck'] },
];

describe('TCP endpoint machine (RFC 9293 Figure 5)', () => {
  it('starts in CLOSED', () => {
    const [s, actions] = initialTransition(tcpMachine);
    expect(s.value).toBe('CLOSED');
    expect(actions.map((a) => a.type)).toEqual([]);
    expect(tcpInitial()).toEqual({ state: 'CLOSED', passive: false });
  });

  it('has exactly the eleven states of RFC 9293, named as TcpState', () => {
    expect(Object.keys(tcpMachine.states).sort()).toEqual([...TCP_STATES].sort());
  });

  it('reaches every state by a route of real transitions', () => {
    for (const [name, route] of Object.entries(ROUTES)) {
      expect(run(route).value, name).toBe(name.split(' ')[0]);
    }
  });

  const groups = new Map<string, Row[]>();
  for (const row of ROWS) {
    const state = row.from.split(' ')[0]!;
    groups.set(state, [...(groups.get(state) ?? []), row]);
  }
  for (const [state, rows] of groups) {
    describe(`in ${state}`, () => {
      for (const row of rows) {
        const via = row.from.includes('(') ? ` ${row.from.slice(row.from.indexOf('('))}` : '';
        it(`${row.behaviour}${via}`, () => {
          const from = run(ROUTES[row.from]);
          const [next, actions] = transition(tcpMachine, from, row.event);
          expect(next.value).toBe(row.to);
          expect(actions.map((a) => a.type).filter((t) => !t.startsWith('xstate.'))).toEqual(row.actions);
          // The pure helper the system model uses agrees with the machine.
          const helper = tcpTransition({ state: from.value as TcpState, passive: from.context.passive }, row.event);
          expect(helper.state).toBe(row.to);
          expect(helper.actions).toEqual(row.actions);
        });
      }
    });
  }

  describe('calls that the RFC rejects', () => {
    const rejected: [From, TcpEvent][] = [
      ['CLOSED', E.close],
      ['FIN_WAIT_1', E.close],
      ['FIN_WAIT_2', E.close],
      ['CLOSING', E.close],
      ['LAST_ACK', E.close],
      ['TIME_WAIT', E.close],
      ['FIN_WAIT_2', E.send],
      ['LAST_ACK', E.send],
    ];
    for (const [from, event] of rejected) {
      it(`${event.type} in ${from} changes nothing ("connection closing" / "does not exist")`, () => {
        const s = run(ROUTES[from]);
        expect(s.can(event)).toBe(false);
        const [next, actions] = transition(tcpMachine, s, event);
        expect(next.value).toBe(s.value);
        expect(actions).toEqual([]);
        expect(tcpTransition({ state: s.value as TcpState, passive: s.context.passive }, event).handled).toBe(false);
      });
    }
  });

  it('plays the three-way handshake between two machines', () => {
    let client = tcpInitial();
    let server = tcpTransition(tcpInitial(), E.passiveOpen);
    const c1 = tcpTransition(client, E.activeOpen);
    expect(c1.actions).toContain('sendSyn');
    const s1 = tcpTransition(server, E.syn);
    expect([s1.state, s1.actions]).toEqual(['SYN_RECEIVED', ['sendSynAck']]);
    const c2 = tcpTransition(c1, E.synAck);
    expect([c2.state, c2.actions]).toEqual(['ESTABLISHED', ['sendAck']]);
    const s2 = tcpTransition(s1, E.ack);
    expect(s2.state).toBe('ESTABLISHED');
    client = c2;
    server = s2;
    expect([client.state, server.state]).toEqual(['ESTABLISHED', 'ESTABLISHED']);
  });

  it('plays the four-packet close: FIN, ACK, FIN, ACK', () => {
    const est = { state: 'ESTABLISHED' as const, passive: false };
    const a1 = tcpTransition(est, E.close); // active closer sends FIN
    const b1 = tcpTransition(est, E.fin); // peer: CLOSE_WAIT, ACK
    const a2 = tcpTransition(a1, E.ackOfFin); // FIN_WAIT_2
    const b2 = tcpTransition(b1, E.close); // LAST_ACK, FIN
    const a3 = tcpTransition(a2, E.fin); // TIME_WAIT, ACK
    const b3 = tcpTransition(b2, E.ackOfFin); // CLOSED
    expect([a1.state, b1.state, a2.state, b2.state, a3.state, b3.state]).toEqual([
      'FIN_WAIT_1',
      'CLOSE_WAIT',
      'FIN_WAIT_2',
      'LAST_ACK',
      'TIME_WAIT',
      'CLOSED',
    ]);
    expect([a1.actions, b1.actions, b2.actions, a3.actions]).toEqual([
      ['sendFin'],
      ['deliverEof', 'sendAck'],
      ['sendFin'],
      ['deliverEof', 'sendAck', 'startTimeWait'],
    ]);
  });

  it('is deterministic: the same state and event give the same result', () => {
    const a = transition(tcpMachine, run(ROUTES.ESTABLISHED), E.close);
    const b = transition(tcpMachine, run(ROUTES.ESTABLISHED), E.close);
    expect(a[0].value).toBe(b[0].value);
    expect(a[1].map((x) => x.type)).toEqual(b[1].map((x) => x.type));
  });
});
