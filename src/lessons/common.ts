import type { LessonStep } from './types.ts';

// Short narration for the steps most scenarios share (src/scenarios/steps.ts and the flagship's
// ids). Lesson 3 tells these steps in full; later lessons spread these and narrate in full only
// the steps they are about. Numbered ids use {n} (see stepEntry in index.ts).

/** The server's start: socket, bind, listen, accept. */
export const serverStart: Record<string, LessonStep> = {
  'parent-socket': {
    title: 'socket()',
    narration: 'socket() returned 3: a TCP endpoint, an open-file entry with reference count 1, and descriptor 3 in the parent’s table.',
  },
  'parent-bind': {
    title: 'bind()',
    narration: 'bind() gives the socket its address, 127.0.0.1 port {port}. No packet is sent; the endpoint is still CLOSED.',
  },
  'parent-listen': {
    title: 'listen()',
    narration:
      'listen(): CLOSED → LISTEN. From now on the kernel completes connections to port {port} by itself and queues them for accept(). This descriptor is listenfd.',
  },
  'parent-accept-blocks': {
    title: 'Waiting for a connection',
    narration:
      'The parent calls Accept(listenfd). No connection is queued, so it sleeps in the kernel until one arrives: in poll(), where the lab’s Accept waits before it calls accept() (lesson 1 says why).',
  },
};

/** One client served by a child, with the flagship's ids (client#1, child#1). */
export const oneClient: Record<string, LessonStep> = {
  ...serverStart,
  'client-start': {
    title: 'A client starts',
    narration: 'The client program starts, pid {pid:client#1}, and stops before its first system call.',
  },
  'client-socket': {
    title: 'The client’s socket()',
    narration: 'The client’s socket() returned 3, in its own descriptor table, with its own open file (count 1).',
  },
  'client-connect': {
    title: 'connect(): the handshake',
    narration:
      'connect() sends a SYN; the listener answers SYN,ACK; the client’s ACK completes the handshake. Both ends are ESTABLISHED, and the new connection waits in the accept queue, named by no descriptor (Figure 4.14). The lab holds the parent at its gate, just before accept(); without the lab, accept() would already have returned it.',
  },
  'parent-accept-returns': {
    title: 'accept() returns connfd',
    narration: 'accept() takes the connection off the queue and returns descriptor 4, connfd: a new open file with reference count 1 (Figure 4.15).',
  },
  'parent-fork': {
    title: 'fork()',
    narration:
      'fork() created child#1, pid {pid:child#1}. It has a copy of the parent’s descriptor table: descriptors 3 and 4 in both processes name the same open files, so both counts are 2 (Figure 4.16).',
  },
  'parent-close-connfd': {
    title: 'The parent closes connfd',
    narration: 'The parent closes connfd: the count drops 2 → 1. The socket is still open in the child, so no FIN is sent.',
  },
  'child-close-listenfd': {
    title: 'The child closes listenfd',
    narration: 'The child closes listenfd: the listener’s count drops 2 → 1. The parent holds the listener, the child the connection (Figure 4.17).',
  },
  'parent-accept-again': {
    title: 'The parent waits for the next client',
    narration: 'The parent loops back to Accept(listenfd) and sleeps in the kernel until the next client connects (in poll(), where the lab waits before accept()).',
  },
  'child-read-blocks': {
    title: 'The child waits for data',
    narration: 'The child calls read(connfd). Nothing has arrived, so it sleeps inside read().',
  },
  'client-write': {
    title: 'The client sends a line',
    narration: 'The client writes “hello, world\\n”, 13 bytes, in one segment. Their arrival wakes the child: its read() returns 13.',
  },
  'child-write': {
    title: 'The child echoes it',
    narration: 'The child writes the 13 bytes back, each letter’s case flipped: “HELLO, WORLD”.',
  },
  'client-read': {
    title: 'The client reads the echo',
    narration: 'The client’s read() returns “HELLO, WORLD\\n”, and the client prints it.',
  },
  'child-read-again': {
    title: 'The child reads again',
    narration: 'The child calls read() again and sleeps until data or a FIN arrives.',
  },
  'client-close': {
    title: 'The client closes: FIN',
    narration:
      'The client closes its socket: count 1 → 0, so TCP sends a FIN. The client’s end goes to FIN_WAIT_2, the server’s to CLOSE_WAIT, and the child’s read() returns 0: end of file.',
  },
  'child-close-connfd': {
    title: 'The child closes connfd: the second FIN',
    narration:
      'The child closes connfd, the last reference: the server’s FIN goes out. The server’s end passes LAST_ACK and is gone; the client, which closed first, is in TIME_WAIT.',
  },
  'child-exit': {
    title: 'The child exits',
    narration: 'The child calls exit(). Its parent does not wait for it, so it stays a zombie (state Z).',
  },
  'client-exit': {
    title: 'The client exits',
    narration: 'The client process ends. Its socket stays in TIME_WAIT, named by no descriptor, for 2MSL (60 seconds on Linux).',
  },
};

/** Client {n} served by child {n}, one after another (src/scenarios/steps.ts). */
export const numberedClients: Record<string, LessonStep> = {
  'client{n}-start': {
    title: 'Client {n} starts',
    narration: 'Client {n} starts, pid {pid:client#{n}}, and stops before its first system call.',
  },
  'client{n}-socket': {
    title: 'Client {n}’s socket()',
    narration: 'Client {n}’s socket() returned 3, in its own descriptor table.',
  },
  'client{n}-connect': {
    title: 'Client {n} connects',
    narration:
      'Client {n}’s connect(): SYN, SYN+ACK, ACK. The connection is ESTABLISHED and waits in the accept queue until the parent accepts it; the lab holds the parent just before accept().',
  },
  'parent-accept-returns-{n}': {
    title: 'accept() returns client {n}’s connection',
    narration: 'accept() returns client {n}’s connection as descriptor 4, connfd, with reference count 1.',
  },
  'parent-fork-{n}': {
    title: 'fork(): child {n}',
    narration: 'fork() creates child#{n}, pid {pid:child#{n}}, with a copy of the descriptor table: listenfd and connfd now have count 2.',
  },
  'parent-close-connfd-{n}': {
    title: 'The parent closes connfd',
    narration: 'The parent closes its copy of connfd: count 2 → 1, no FIN. Descriptor 4 is free again for the next accept().',
  },
  'child{n}-close-listenfd': {
    title: 'Child {n} closes listenfd',
    narration: 'Child {n} closes its copy of listenfd: the listener’s count drops back to 1.',
  },
  'parent-accept-again-{n}': {
    title: 'The parent waits for the next client',
    narration: 'The parent loops back to Accept and sleeps in the kernel, waiting for the next client (in poll(), before accept()).',
  },
  'child{n}-read-blocks': {
    title: 'Child {n} waits for data',
    narration: 'Child {n} calls read(connfd) and sleeps: client {n} has sent nothing yet.',
  },
  'client{n}-write': {
    title: 'Client {n} sends a line',
    narration: 'Client {n} writes its line. It wakes child {n}, whose read() returns it.',
  },
  'child{n}-write': {
    title: 'Child {n} echoes it',
    narration: 'Child {n} writes the line back to client {n}, each letter’s case flipped.',
  },
  'client{n}-read': {
    title: 'Client {n} reads the echo',
    narration: 'Client {n}’s read() returns the echo, and the client prints it.',
  },
  'child{n}-read-again': {
    title: 'Child {n} reads again',
    narration: 'Child {n} calls read() again and sleeps until data or a FIN arrives.',
  },
  'client{n}-close': {
    title: 'Client {n} closes: FIN',
    narration: 'Client {n} closes: its FIN goes out (FIN_WAIT_2), the server’s end enters CLOSE_WAIT, and child {n}’s read() returns 0.',
  },
  'child{n}-close-connfd': {
    title: 'Child {n} closes connfd',
    narration: 'Child {n} closes the last reference to its connection: the server’s FIN. Client {n}’s end is now in TIME_WAIT.',
  },
  'child{n}-exit': {
    title: 'Child {n} exits',
    narration: 'Child {n} calls exit(), and the kernel sends SIGCHLD to the parent.',
  },
  'client{n}-exit': {
    title: 'Client {n} exits',
    narration: 'Client {n} ends; its socket stays in TIME_WAIT for 2MSL.',
  },
};
