import { numberedClients, oneClient, serverStart } from './common.ts';
import type { LessonContent } from './types.ts';

// Lesson 1: an iterative server (no fork) with two clients, then the concurrent server.
const content: LessonContent = {
  id: 'iterative',
  parts: {
    iterative: {
      views: { side: 'source' },
      steps: {
        ...serverStart,
        ...numberedClients,
        start: {
          title: 'An iterative server',
          narration:
            'This server has no fork(). Its loop is accept(), str_echo(), close(): it serves one client completely before it calls accept() again.\n\n' +
            'Two clients will try it, the second while the server is busy with the first. Watch the second client’s connection, and where the parent is.',
        },
        'parent-accept-blocks': {
          title: 'Accept: waiting for a client',
          narration:
            'The parent calls Accept(listenfd). No client has connected, so it sleeps in the kernel, using no CPU, until one does.\n\n' +
            'How the lab waits here, in every lesson: a real accept() sleeps inside accept() and returns the connection the moment its handshake completes, too soon to see it wait in the queue. So the lab’s Accept first sleeps in poll() until a connection is queued, then stops at the lab’s gate, and only when you press → calls accept(), which returns at once. That is why the kernel shows the parent in poll(2), not accept(2), and why a completed connection can be seen held by no descriptor (Figure 4.14).',
        },
        'client1-connect': {
          title: 'Client 1 connects',
          narration:
            'Client 1’s connect(): SYN, SYN+ACK, ACK. The kernel completes the handshake by itself and queues the connection, named by no descriptor (Figure 4.14).\n\n' +
            'The parent’s poll() has returned, and the lab holds the parent at its gate, just before accept(). Without the lab, accept() would already have returned this connection.',
        },
        'parent-accept-returns-1': {
          title: 'accept() returns: the parent serves client 1 itself',
          narration:
            'accept() returns connfd, descriptor 4. There is no fork(): the parent itself will serve client 1, and will not call accept() again until client 1 is done.\n\n' +
            'It now stands before read(connfd) in str_echo().',
        },
        'client2-start': {
          title: 'A second client arrives',
          narration: 'A second client starts, pid {pid:client#2}, while the server is busy with client 1.',
        },
        'client2-connect-queued': {
          title: 'Client 2 is connected — and waits',
          narration:
            'connect() returned 0: the kernel completed the handshake by itself, as it does for any listening socket. Both ends are ESTABLISHED.\n\n' +
            'But no process has a descriptor for the connection: it waits in the accept queue, and the parent is not in accept(). No pause of the lab keeps it there: the parent is busy with client 1. Client 2 cannot tell that nobody serves it.',
        },
        'client2-write-queued': {
          title: 'Client 2 sends its line into the queue',
          narration:
            'Client 2 writes “second client\\n”, 14 bytes. write() returns 14 at once: the server’s kernel acknowledges the bytes and keeps them in the queued connection’s receive buffer. No process reads them.',
        },
        'client2-read-blocks': {
          title: 'Client 2 waits for its echo',
          narration: 'Client 2 calls read() for its echo and sleeps. It will sleep for as long as the server is busy with client 1.',
        },
        'parent-read-blocks-1': {
          title: 'The parent waits for client 1',
          narration:
            'The parent calls read() on client 1’s connection and sleeps: client 1 has sent nothing yet.\n\n' +
            'Client 2’s line is already in the kernel, but the parent is asleep on the other connection: a process blocked in read() waits on that one descriptor only.',
        },
        'client1-write': {
          title: 'Client 1 sends a line',
          narration: 'Client 1 writes “hello, world\\n”. The parent’s read() returns 13.',
        },
        'parent-write-1': {
          title: 'The parent echoes client 1',
          narration: 'The parent writes the echo, “HELLO, WORLD\\n”, to client 1.',
        },
        'client1-read': {
          title: 'Client 1 reads its echo',
          narration: 'Client 1 reads and prints its echo. Client 2 is still asleep in read().',
        },
        'parent-read-again-1': {
          title: 'The parent reads client 1 again',
          narration: 'str_echo() loops: the parent calls read() on client 1’s connection again, and sleeps until client 1 sends more or closes.',
        },
        'client1-close': {
          title: 'Client 1 closes',
          narration:
            'Client 1 closes: its FIN reaches the server. The parent’s read() returns 0, str_echo() returns, and the parent stops before close(connfd).',
        },
        'parent-close-connfd-1': {
          title: 'The parent closes client 1’s connection',
          narration:
            'The parent closes connfd, the only reference: the server’s FIN goes out. Client 1’s end enters TIME_WAIT; the server’s passes LAST_ACK and is gone.\n\n' +
            'Only now does the loop come back to accept().',
        },
        'client1-exit': {
          title: 'Client 1 exits',
          narration: 'Client 1 ends; its socket stays in TIME_WAIT. Client 2 has been waiting all this time.',
        },
        'parent-accept-again': {
          title: 'Accept again: no wait',
          narration:
            'The parent calls Accept for the first time since client 1. The queue is not empty, so it does not sleep: client 2’s connection has been waiting there since client 2 connected. poll() returns at once, and the lab holds the parent just before accept().',
        },
        'parent-accept-returns-2': {
          title: 'accept() returns client 2’s connection',
          narration: 'accept() returns client 2’s connection as descriptor 4, the number client 1’s connection had: it was free again.',
        },
        'parent-read-2': {
          title: 'The line was already there',
          narration: 'The parent’s read() returns at once with 14 bytes, “second client\\n”: they had waited in the connection’s receive buffer since client 2 wrote them.',
        },
        'parent-write-2': {
          title: 'Client 2 gets its echo at last',
          narration:
            'The parent writes the echo. Client 2’s read(), asleep since it connected, returns “SECOND CLIENT\\n”.\n\n' +
            'Client 2 was connected the whole time, yet waited for all of client 1’s session.',
        },
        'parent-read-again-2': {
          title: 'The parent reads client 2 again',
          narration: 'The parent calls read() on client 2’s connection again and sleeps.',
        },
        'client2-close': {
          title: 'Client 2 closes',
          narration: 'Client 2 closes: its FIN makes the parent’s read() return 0.',
        },
        'parent-close-connfd-2': {
          title: 'The parent closes client 2’s connection',
          narration: 'The parent closes connfd: the server’s FIN. Client 2’s end enters TIME_WAIT.',
        },
        'client2-exit': {
          title: 'Client 2 exits',
          narration: 'Client 2 ends. Two sockets remain in TIME_WAIT, one per client: each client closed first.',
        },
        'parent-accept-blocks-again': {
          title: 'Back in Accept, with an empty queue',
          narration:
            'The parent calls Accept and, with an empty queue, sleeps (in poll(), as at the start). One process served two clients strictly one after the other: a slow client would have held up every other.',
        },
      },
      questions: {
        'client2-connect-queued': {
          prompt: 'The server is busy with client 1 and is not in accept(). Client 2 calls connect(). What happens?',
          choices: [
            'connect() blocks until the server calls accept()',
            'The handshake completes, and the connection waits in the accept queue',
            'The kernel refuses the connection with an RST',
          ],
          answer: 1,
          explanation: 'The kernel, not the program, completes handshakes for a listening socket. accept() only takes a finished connection off the queue.',
        },
        'parent-accept-again': {
          prompt: 'The parent, done with client 1, calls accept(). Does it sleep?',
          choices: ['Yes: no client has connected since it last called accept()', 'No: client 2’s connection is already in the queue'],
          answer: 1,
          explanation: 'Client 2 connected while the parent was serving client 1; its connection has waited in the accept queue since.',
        },
        'parent-read-2': {
          prompt: 'Client 2 wrote its line long before the parent accepted it. What does the parent’s read() return now?',
          choices: ['0: end of file', '14: the line, kept in the connection’s receive buffer', 'Nothing yet: read() sleeps until client 2 writes again'],
          answer: 1,
          explanation: 'The kernel acknowledged and kept the 14 bytes while the connection sat in the queue; read() hands them over at once.',
        },
      },
    },
    concurrent: {
      steps: {
        ...oneClient,
        start: {
          title: 'The same service, with fork()',
          figure: '4.13',
          narration:
            'The same echo service, now with the concurrent server of Figure 4.13: after accept() it calls fork(), a child serves the client, and the parent goes straight back to accept().\n\n' +
            'One client is enough to see the difference: watch where the parent is while the client is served.',
        },
        'parent-accept-blocks': {
          title: 'Waiting for a connection',
          narration:
            'The parent calls Accept(listenfd). No connection is queued, so it sleeps in the kernel until one arrives: in poll(), where the lab’s Accept waits before it calls accept(), as in part 1.',
        },
        'parent-fork': {
          title: 'fork(): a child will serve the client',
          figure: '4.16',
          narration:
            'fork() created child#1, pid {pid:child#1}, with a copy of the parent’s descriptors: both open files now have count 2.\n\n' +
            'The iterative server went on to read(connfd) itself. This parent leaves the client to the child: it only closes its copy of connfd and loops.',
        },
        'parent-accept-again': {
          title: 'The parent is free again',
          narration:
            'The parent is back in Accept, waiting for a connection, before the child has read a single byte. A second client’s connection would be accepted at once and handed to a second child (lesson 12 runs five).',
        },
        'child-read-blocks': {
          title: 'Two processes wait at once',
          narration:
            'The child calls read(connfd) and sleeps. Two server processes now wait at the same time: the parent for a new connection, the child for this client’s data. The iterative server’s one process could wait for only one of them.',
        },
        'client-exit': {
          title: 'The client exits',
          narration:
            'The client ends; its socket stays in TIME_WAIT. With the iterative server, a second client waited through this whole session. Here the parent was free from the moment it forked.',
        },
      },
      questions: {
        'parent-accept-again': {
          prompt: 'The concurrent server has forked a child for this client and closed its copy of connfd. What does the parent do next?',
          choices: ['Reads the client’s line', 'Waits for the child to finish', 'Calls accept() again, for the next client'],
          answer: 2,
          explanation: 'The child serves the client; the parent’s only job is accepting. It goes straight back to Accept.',
        },
      },
    },
  },
};

export default content;
