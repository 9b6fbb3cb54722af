import { numberedClients, serverStart } from './common.ts';
import type { LessonContent } from './types.ts';

// Lesson 13: every state of the TCP state diagram on the real kernel. The lab loses one segment
// at a time (docs/drops.md), so that the five states a loopback connection passes through in a
// round trip are held long enough for a snapshot, and the retransmission that ends each hold is
// seen too. Every sentence here was checked against public/traces/every-state.jsonl.
const content: LessonContent = {
  id: 'every-state',
  parts: {
    'every-state': {
      views: { main: 'packets', side: 'log' },
      steps: {
        ...serverStart,
        ...numberedClients,
        start: {
          title: 'Eleven states, one run',
          narration:
            'The TCP state diagram (RFC 9293 §3.3.2) has eleven states. On loopback five of them last only a round trip — SYN_SENT, SYN_RECEIVED, FIN_WAIT_1, CLOSING and LAST_ACK — and the lab, which waits for TCP to settle before each snapshot, never catches them on its own.\n\n' +
            'Here the lab loses one chosen segment at a time, at one socket. The states that segment would have ended, at its receiver or through the receiver’s answer, are held until the sender’s retransmission timer sends it again, and the snapshot shows them. The server is Figure 4.13 with one change: the parent calls shutdown(connfd, SHUT_WR) instead of close(connfd).',
        },
        'parent-socket': {
          title: 'socket(): CLOSED',
          narration:
            'socket() returned 3: a new socket in state CLOSED, with no address and no connection. No TCP table lists it yet; the lab finds it through the parent’s descriptor 3. First state: CLOSED.',
        },
        'parent-listen': {
          title: 'listen(): LISTEN',
          narration: 'listen(): CLOSED → LISTEN, on port {port}. Second state: LISTEN.',
        },
        'client1-socket': {
          title: 'Client 1’s socket()',
          narration: 'Client 1’s socket() returned 3, in state CLOSED. Its connect() is next; first, the lab arms a drop.',
        },
        'drop-syn-ack-at-client1': {
          title: 'The lab will lose the SYN-ACK',
          narration:
            'The lab pauses here to arm a drop: the next SYN-ACK that arrives at client 1’s socket (its descriptor 3) will be lost there. The client makes no call: a helper of the companion attaches to that socket, from outside, a socket filter (a small eBPF program) that drops the first SYN-ACK and lets every later one through.\n\n' +
            'Nothing else changes: the snapshot is the same as before.',
        },
        'client1-connect': {
          title: 'SYN_SENT and SYN_RECEIVED, held',
          narration:
            'connect() sends the SYN. The server’s kernel answers with a SYN-ACK and keeps a request socket in SYN_RECEIVED, named by no descriptor and not yet in the accept queue. The SYN-ACK crossed loopback (the Packets panel shows it) and was dropped by the lab’s filter on the client’s socket.\n\n' +
            'So the client is still in SYN_SENT, asleep inside connect(). Third and fourth states: SYN_SENT and SYN_RECEIVED. Both ends wait for a retransmission timer: {rto:SYN_SENT} left, said the kernel.',
        },
        'parent-accept-returns-1': {
          title: 'After one second, the handshake completes',
          narration:
            'Before it lets the parent go on, the lab waits for the retransmission. About a second after the loss, both timers ran out together (1 s: the initial retransmission timeout): the server sent its SYN-ACK again and the client its SYN again. The client acknowledged the SYN-ACK; the server answered the repeated SYN with one more SYN-ACK, and the client acknowledged that too. Five segments.\n\n' +
            'connect() returned 0: both ends are ESTABLISHED, the fifth state. The connection was queued, and accept() returned it as descriptor 4, connfd.',
        },
        'parent-fork-{n}': {
          title: 'fork(): child {n}',
          narration:
            'fork() creates child#{n}, pid {pid:child#{n}}, with a copy of the descriptor table: both share listenfd and connfd. The parent’s next call is shutdown(connfd, SHUT_WR), which the lab holds at its gate.',
        },
        'drop-fin-at-server1': {
          title: 'The lab will lose the client’s FIN',
          narration:
            'The lab pauses here to arm a second drop: the next FIN that arrives at the server’s end of this connection — the socket that the parent’s descriptor 4 names, and the child’s descriptor 4 too — will be lost.',
        },
        'client1-close': {
          title: 'FIN_WAIT_1, held',
          narration:
            'Client 1 closes its socket, the only reference to it: its FIN goes out, and is lost at the server. TCP at the server never processed it: the server’s end is still ESTABLISHED, and the child still sleeps in read().\n\n' +
            'The client’s end, named by no descriptor now, waits in FIN_WAIT_1 for the acknowledgment of its FIN — the sixth state. The kernel will send the FIN again in {rto:FIN_WAIT_1}.',
        },
        'parent-shutdown-1': {
          title: 'Both ends closed: CLOSING',
          narration:
            'This time the lab does not wait for the retransmission: it releases the parent’s shutdown(connfd, SHUT_WR) right after the loss, while the client’s FIN is still missing. The server sends its own FIN, and its end enters FIN_WAIT_1. Its acknowledgment number does not cover the client’s FIN, which the server never received.\n\n' +
            'The client, in FIN_WAIT_1, receives a FIN that does not acknowledge its own: both ends have closed, and neither has the other’s ACK. The client acknowledges the server’s FIN and enters CLOSING, the seventh state. That ACK moves the server’s end to FIN_WAIT_2, the eighth.',
        },
        'client1-exit': {
          title: 'The FIN comes again: TIME_WAIT at both ends',
          narration:
            'First the lab waits for the retransmission: the client’s FIN, about two seconds after the lost one. The server’s end, in FIN_WAIT_2, takes it: TIME_WAIT, and an ACK. That ACK takes the client from CLOSING to TIME_WAIT too. Ninth state: TIME_WAIT, at both ends, because both closed actively.\n\n' +
            'The child’s read() returned 0. Parent and child still hold descriptor 4: the kernel moved the connection to a TIME_WAIT socket of its own, and their descriptor names a CLOSED socket. Then client 1 exits.',
        },
        'child1-close-connfd': {
          title: 'Child 1 closes connfd',
          narration: 'Child 1 closes connfd: the count drops 2 → 1. The socket it names is already CLOSED (the connection lives on in the two TIME_WAIT sockets): no segment.',
        },
        'child{n}-exit': {
          title: 'Child {n} exits',
          narration: 'Child {n} calls exit(); nobody waits for it, so it stays a zombie.',
        },
        'parent-accept-blocks-2': {
          title: 'The parent waits again',
          narration:
            'The parent is back in Accept, asleep in the kernel. It never closed descriptor 4 (shutdown is not close), so the next connection will be descriptor 5.',
        },
        'drop-syn-ack-at-client2': {
          title: 'Client 2’s SYN-ACK will be lost too',
          narration:
            'The lab pauses here to arm a third drop: client 2’s SYN-ACK will be lost as well. Not to see SYN_SENT again: a connection whose handshake had to be retransmitted keeps a long retransmission timeout (about two seconds here, against 200 ms on a fresh loopback connection), and that will hold the LAST_ACK at the end of this connection long enough to be seen, even on a busy machine.',
        },
        'client2-connect': {
          title: 'Client 2 connects: held again',
          narration:
            'Client 2’s connect() sends its SYN; the SYN-ACK is lost at the client. Client 2 waits in SYN_SENT inside connect(), the server’s request socket in SYN_RECEIVED, as for client 1.',
        },
        'parent-accept-returns-2': {
          title: 'accept() returns 5',
          narration:
            'The lab first waited for the retransmission: the SYN-ACK came again about a second later, and client 2’s connect() returned 0. accept() returns the connection as descriptor 5: descriptor 4 is still the parent’s.',
        },
        'parent-shutdown-2': {
          title: 'The server closes first: CLOSE_WAIT',
          narration:
            'The parent calls shutdown(connfd, SHUT_WR): the server’s FIN, while parent and child still hold the socket. The client’s kernel acknowledges it: the server’s end is in FIN_WAIT_2, and the client’s in CLOSE_WAIT, the tenth state — the peer has closed, this end has not.',
        },
        'drop-ack-at-client2': {
          title: 'The lab will lose the last ACK',
          narration:
            'The lab pauses here to arm a fourth drop: the next segment that carries only an acknowledgment and arrives at client 2’s socket will be lost. That will be the ACK of client 2’s FIN.',
        },
        'client2-close': {
          title: 'LAST_ACK, held',
          narration:
            'Client 2 closes: its FIN goes out. The server’s end, in FIN_WAIT_2, takes it: TIME_WAIT, and an ACK — which is lost at the client. The child’s read() returned 0.\n\n' +
            'The client’s end waits in LAST_ACK for the acknowledgment of its FIN: the eleventh state. The kernel will send the FIN again in {rto:LAST_ACK}.',
        },
        'client2-exit': {
          title: 'Why TIME_WAIT exists',
          narration:
            'First the lab waits for the retransmission: the client’s FIN again, about two seconds after the loss. The server’s end is still there to answer it, in TIME_WAIT: it sends the ACK again and restarts its 2MSL timer. The client’s end is CLOSED and gone. Then client 2 exits.\n\n' +
            'This is the first of the two reasons for TIME_WAIT that RFC 9293 §3.3.2 gives: the end that closed first keeps the connection long enough to acknowledge again a FIN whose ACK was lost. Without it the FIN would find no connection, and the answer would be a RST. (The second: delayed segments of this connection die out before a new connection with the same addresses and ports could take them for its own.)',
        },
        'child2-close-connfd': {
          title: 'Child 2 closes connfd',
          narration: 'Child 2 closes connfd: the count drops 2 → 1; the parent still holds descriptor 5. No segment.',
        },
        'child2-exit': {
          title: 'All eleven',
          narration:
            'Child 2 exits. Over this run the kernel’s snapshots showed every state of the diagram: CLOSED, LISTEN, SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, CLOSING, FIN_WAIT_2, TIME_WAIT, CLOSE_WAIT and LAST_ACK.\n\n' +
            '{observed}',
        },
      },
      questions: {
        'client1-connect': {
          prompt: 'The SYN-ACK will be lost at the client. Which states will the snapshot show for the two ends?',
          choices: ['Client SYN_SENT, server SYN_RECEIVED', 'Both ESTABLISHED', 'Client SYN_SENT, and no server end yet'],
          answer: 0,
          explanation:
            'The server answered the SYN, so its end exists, in SYN_RECEIVED, waiting for the final ACK. The client never got the SYN-ACK: it stays in SYN_SENT until one gets through.',
        },
        'parent-shutdown-1': {
          prompt: 'The client’s FIN was lost; the parent shuts down before it comes again. Where does the client’s end go?',
          choices: ['TIME_WAIT', 'CLOSING', 'FIN_WAIT_2', 'CLOSE_WAIT'],
          answer: 1,
          explanation:
            'The client has sent a FIN that is not acknowledged, and receives the server’s FIN: a simultaneous close. It acknowledges it and waits in CLOSING for the ACK of its own FIN.',
        },
        'client2-exit': {
          prompt: 'The ACK of client 2’s FIN was lost, so the FIN will come again. What answers it?',
          choices: ['The server’s end in TIME_WAIT, with the ACK again', 'Nothing: the server’s end is gone', 'A RST from the listening socket'],
          answer: 0,
          explanation:
            'The server closed first, so its end waits in TIME_WAIT for 2MSL. It is still there to acknowledge the retransmitted FIN, which ends the client’s LAST_ACK.',
        },
      },
    },
  },
};

export default content;
