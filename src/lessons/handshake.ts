import { oneClient } from './common.ts';
import type { LessonContent } from './types.ts';

// Lesson 5: the segments of one connection, from SYN to the last ACK, with the packet sequence
// diagram beside the TCP state diagram. Sequence numbers are relative: each side's first is 0.
const content: LessonContent = {
  id: 'handshake',
  parts: {
    concurrent: {
      views: { main: 'packets', side: 'log' },
      steps: {
        ...oneClient,
        start: {
          title: 'Following the packets',
          narration:
            'This lesson follows the segments of one connection. The Packets panel draws each one between the client’s end (left) and the server’s (right); the TCP state diagram shows the states they move each end through.\n\n' +
            'Where forkscope may capture on loopback (the companion runs as root, or its capture helper has CAP_NET_RAW), the arrows are the segments the kernel really sent, “captured on lo”, checked against the model’s; otherwise the model infers each segment from the system calls and labels it “modelled”. The states that last, the kernel confirms.',
        },
        'parent-listen': {
          title: 'listen(): no packet',
          narration: 'listen(): CLOSED → LISTEN. No segment: a listening socket waits; it never sends first.',
        },
        'client-connect': {
          title: 'The three-way handshake',
          figure: '4.14',
          narration:
            'The client sends SYN, seq 0, and enters SYN_SENT. The server’s kernel answers SYN+ACK: its own seq 0, and ack 1 — a SYN uses one sequence number, so 1 is the next one expected. The client’s ACK (seq 1, ack 1) completes it.\n\n' +
            'connect() returned after the SYN+ACK; the ACK finished the server’s side. No server process took part: accept() has not returned.',
        },
        'parent-accept-returns': {
          title: 'accept(): no packet',
          figure: '4.15',
          narration: 'accept() returned connfd, descriptor 4. No segment: accept() takes a connection the handshake already finished off the queue.',
        },
        'parent-fork': {
          title: 'fork(): no packet',
          figure: '4.16',
          narration: 'fork() created child#1. Sharing a socket between two processes sends nothing: the peer cannot tell.',
        },
        'parent-close-connfd': {
          title: 'The parent’s close: no packet',
          narration: 'The parent closes connfd: the count drops 2 → 1, and no segment goes out. A FIN leaves only when the count reaches 0.',
        },
        'client-write': {
          title: 'Data: 13 bytes, seq 1',
          narration:
            'The client’s 13 bytes, “hello, world\\n”, go out in one segment with seq 1: its bytes are numbered 1 to 13. The server’s end acknowledges with ack 14, the number of the next byte it expects.\n\n' +
            'No state changes: data moves in ESTABLISHED.',
        },
        'child-write': {
          title: 'The echo: the server’s own numbers',
          narration:
            'The echo goes the other way, in the server’s own numbering: seq 1, 13 bytes. It also carries ack 14. The client acknowledges with ack 14: the server’s bytes 1 to 13 arrived.',
        },
        'client-read': {
          title: 'read(): no packet',
          narration: 'The client reads the echo from its receive buffer, where the kernel had put it. Reading sends nothing.',
        },
        'client-close': {
          title: 'The first FIN',
          narration:
            'The client’s close sends a FIN, seq 14. A FIN, like a SYN, uses one sequence number: the server acknowledges with ack 15.\n\n' +
            'The client went FIN_WAIT_1 (FIN sent) → FIN_WAIT_2 (FIN acknowledged); the server’s end is in CLOSE_WAIT. One direction is closed: the client will send nothing more, but can still receive.',
        },
        'child-close-connfd': {
          title: 'The second FIN: four segments to close',
          narration:
            'The child’s close sends the server’s FIN, seq 14 (LAST_ACK), and the client’s ACK, ack 15, ends it: the server’s end is CLOSED.\n\n' +
            'Closing took four segments, a FIN and an ACK in each direction, because each direction closes on its own: the second FIN could have come much later. The client, which sent the first FIN, is in TIME_WAIT.',
        },
        'child-exit': {
          title: 'The child exits: no packet',
          narration: 'The child exits; its connection is already closed, so nothing is sent. It stays a zombie.',
        },
        'client-exit': {
          title: 'TIME_WAIT',
          narration:
            'The client exits; its end of the connection stays in TIME_WAIT for 2MSL. Had the last ACK been lost, the server would resend its FIN, and the client, still in TIME_WAIT, could acknowledge it again.',
        },
      },
      questions: {
        'client-connect': {
          prompt: 'The client calls connect(). Which segments make the handshake?',
          choices: ['SYN, then ACK', 'SYN, SYN+ACK, ACK', 'SYN, ACK, SYN, ACK'],
          answer: 1,
          explanation: 'Three segments: each side sends a SYN and acknowledges the other’s; the server’s SYN and ACK travel together.',
        },
        'client-write': {
          prompt: 'The client sends 13 bytes with seq 1. What ack number does the server’s end send back?',
          choices: ['ack 1', 'ack 13', 'ack 14'],
          answer: 2,
          explanation: 'An ack names the next byte expected: bytes 1 to 13 arrived, so ack 14.',
        },
        'client-close': {
          prompt: 'The client calls close(); the child still has the connection open. Which segments go out now?',
          choices: ['The client’s FIN and the server’s ACK', 'A FIN from each side', 'An RST'],
          answer: 0,
          explanation: 'The client’s FIN closes its direction only; the server’s kernel acknowledges it at once. The server’s FIN waits for the child’s close.',
        },
      },
    },
  },
};

export default content;
