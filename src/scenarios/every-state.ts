import { CONNFD, LISTENFD, serverStart, SOCKFD } from './steps.ts';
import type { Scenario, ScheduleEntry } from './types.ts';

/** The parent never closes a connected socket here (it shuts it down), so the second connfd is 5. */
const CONNFD2 = CONNFD + 1;

/** Client N connects and is served by child N up to the child blocked in its second read. */
function connectAndEcho(n: number, connfd: number, connect: ScheduleEntry[]): ScheduleEntry[] {
  return [
    { id: `client${n}-start`, do: 'spawn', program: 'client', role: `client#${n}` },
    { id: `client${n}-socket`, do: 'release', role: `client#${n}`, call: 'socket' }, // CLOSED
    ...connect,
    { id: `parent-accept-returns-${n}`, do: 'release', role: 'parent', call: 'accept', fd: LISTENFD },
    { id: `parent-fork-${n}`, do: 'release', role: 'parent', call: 'fork' },
    { id: `child${n}-close-listenfd`, do: 'release', role: `child#${n}`, call: 'close', fd: LISTENFD },
    { id: `child${n}-read-blocks`, do: 'release', role: `child#${n}`, call: 'read', fd: connfd },
    { id: `client${n}-write`, do: 'release', role: `client#${n}`, call: 'write', fd: SOCKFD },
    { id: `child${n}-write`, do: 'release', role: `child#${n}`, call: 'write', fd: connfd },
    { id: `client${n}-read`, do: 'release', role: `client#${n}`, call: 'read', fd: SOCKFD },
    { id: `child${n}-read-again`, do: 'release', role: `child#${n}`, call: 'read', fd: connfd },
  ];
}

// Every state of the TCP state diagram, each seen in a kernel snapshot (issue 8). The runner
// waits for TCP to settle, so without help it only ever sees CLOSED, LISTEN, ESTABLISHED,
// CLOSE_WAIT, FIN_WAIT_2 and TIME_WAIT; the other five last a round trip on loopback. Here drops
// (docs/drops.md; root only) lose one segment each, so that a state is HELD until the sender's
// retransmission, and the snapshot shows it:
//
//   client 1: its SYN-ACK lost — SYN_SENT at the client and SYN_RECEIVED at the server, for the
//             1 s until the SYN-ACK comes again; then its FIN lost at the server, and the parent's
//             shutdown sent before the FIN comes again — FIN_WAIT_1, then CLOSING at the client,
//             FIN_WAIT_2 at the server; both end in TIME_WAIT.
//   client 2: its SYN-ACK lost too (for a longer retransmission timeout, below); the parent's
//             shutdown first — CLOSE_WAIT at the client, FIN_WAIT_2 at the server; then the ACK
//             of the client's FIN lost — LAST_ACK, until the FIN comes again and the server's
//             TIME_WAIT answers it (why TIME_WAIT exists: RFC 9293 §3.6).
//
// The server is Figure 4.13 with shutdown(connfd, SHUT_WR) in place of the parent's close (the
// `shutdown` scenario's knob): the parent sends a FIN while the child still reads.
export const everyState: Scenario = {
  id: 'every-state',
  title: 'Every state of the TCP diagram, held by lost segments',
  server: { shutdown: true },
  client: { message: 'hello, world\n' },
  schedule: [
    ...serverStart(), // CLOSED, then LISTEN
    ...connectAndEcho(1, CONNFD, [
      { id: 'drop-syn-ack-at-client1', do: 'drop', role: 'client#1', fd: SOCKFD, segment: 'SYN-ACK' },
      { id: 'client1-connect', do: 'release', role: 'client#1', call: 'connect', fd: SOCKFD }, // SYN_SENT and SYN_RECEIVED, held
    ]),
    { id: 'drop-fin-at-server1', do: 'drop', role: 'parent', fd: CONNFD, segment: 'FIN' },
    { id: 'client1-close', do: 'release', role: 'client#1', call: 'close', fd: SOCKFD }, // FIN_WAIT_1, held
    { id: 'parent-shutdown-1', do: 'release', role: 'parent', call: 'shutdown', fd: CONNFD, duringHold: true }, // CLOSING
    { id: 'client1-exit', do: 'release', role: 'client#1', call: 'exit' }, // after the FIN again: TIME_WAIT at both ends
    { id: 'child1-close-connfd', do: 'release', role: 'child#1', call: 'close', fd: CONNFD },
    { id: 'child1-exit', do: 'release', role: 'child#1', call: 'exit' },
    { id: 'parent-accept-blocks-2', do: 'release', role: 'parent', call: 'accept', fd: LISTENFD },
    // Its SYN-ACK is lost too: a connection whose handshake was retransmitted keeps a long
    // retransmission timeout (about 2 s here, against 200 ms), so that the LAST_ACK below is held
    // long enough to be seen on a busy machine.
    ...connectAndEcho(2, CONNFD2, [
      { id: 'drop-syn-ack-at-client2', do: 'drop', role: 'client#2', fd: SOCKFD, segment: 'SYN-ACK' },
      { id: 'client2-connect', do: 'release', role: 'client#2', call: 'connect', fd: SOCKFD },
    ]),
    { id: 'parent-shutdown-2', do: 'release', role: 'parent', call: 'shutdown', fd: CONNFD2 }, // CLOSE_WAIT, FIN_WAIT_2
    { id: 'drop-ack-at-client2', do: 'drop', role: 'client#2', fd: SOCKFD, segment: 'ACK' },
    { id: 'client2-close', do: 'release', role: 'client#2', call: 'close', fd: SOCKFD }, // LAST_ACK, held; TIME_WAIT
    { id: 'client2-exit', do: 'release', role: 'client#2', call: 'exit' }, // after the FIN again: CLOSED
    { id: 'child2-close-connfd', do: 'release', role: 'child#2', call: 'close', fd: CONNFD2 },
    { id: 'child2-exit', do: 'release', role: 'child#2', call: 'exit' },
  ],
};
