import { numberedClients, serverStart } from './common.ts';
import type { LessonContent } from './types.ts';

// Lesson 12: five clients at once, five children.
const content: LessonContent = {
  id: 'many-clients',
  parts: {
    'many-clients': {
      steps: {
        ...serverStart,
        ...numberedClients,
        start: {
          title: 'Five clients at once',
          narration:
            'Five clients connect before the parent accepts any; then the parent accepts and forks five times, and five children serve them side by side.\n\n' +
            'With eleven processes the Figure scrolls to the process that acts; in Packets, choose a connection with its number.',
        },
        'client5-connect': {
          title: 'Five connections in the queue',
          narration:
            'Client 5’s handshake completes too. Five connections, all ESTABLISHED, wait in the listener’s accept queue in the order they arrived, named by no descriptor. The parent has accepted none: its poll() returned when client 1’s connection arrived, and the lab has held it since, just before accept().',
        },
        'parent-accept-returns-1': {
          title: 'accept() takes the first',
          narration: 'accept() takes the oldest connection, client 1’s, off the queue, as descriptor 4. Four still wait.',
        },
        'parent-accept-again-{n}': {
          title: 'Accept again: no wait',
          narration:
            'The parent calls Accept again. Connections are still queued, so it does not sleep: poll() returns at once, and the lab holds the parent just before accept() takes the next one.',
        },
        'parent-accept-again-5': {
          title: 'The queue is empty',
          narration:
            'The fifth time round, the queue is empty: the parent sleeps, waiting for a connection. Five children, each holding one connection as descriptor 4; the parent holds only the listener.',
        },
        'parent-close-connfd-{n}': {
          title: 'The parent closes connfd',
          narration: 'The parent closes its copy of connfd (2 → 1, no FIN), so the next accept() can return descriptor 4 again.',
        },
        'child1-read-blocks': {
          title: 'Five children, five reads',
          narration:
            'Child 1 calls read() and sleeps; the other four will too. Each child has the same descriptor number, 4, for a different connection: descriptor numbers belong to a process.',
        },
        'client5-write': {
          title: 'Five lines sent',
          narration: 'All five clients have written their lines; each woke its own child. The kernel delivers each line to the right connection by its four numbers: addresses and ports.',
        },
        'child{n}-exit': {
          title: 'Child {n} exits: a zombie',
          narration: 'Child {n} exits. Its parent never waits, so it stays a zombie (state Z): see the Processes panel.',
        },
        'child5-exit': {
          title: 'Five zombies',
          narration: 'Child 5 exits. This server leaves SIGCHLD at its default: all five children are zombies (lesson 10).',
        },
        'client5-exit': {
          title: 'Five connections, one port',
          narration:
            'All five clients have gone, their sockets in TIME_WAIT. Every connection had the same server side, 127.0.0.1 port {port}; each was told apart by its client’s port.',
        },
      },
      questions: {
        'client5-connect': {
          prompt: 'Four clients have connected and the parent has accepted none. Client 5 connects. How many connections are ESTABLISHED on the server’s side?',
          choices: ['None: the parent has not accepted any', 'One: the kernel handles one at a time', 'Five'],
          answer: 2,
          explanation: 'The kernel completes every handshake by itself and queues the connections; accept() only takes them off the queue.',
        },
        'parent-accept-again-5': {
          prompt: 'The parent has forked five children. How many connected sockets does the parent itself hold now?',
          choices: ['Five', 'One', 'None: only the listening socket'],
          answer: 2,
          explanation: 'After each fork the parent closed its copy of connfd. Each child holds its one connection; the parent keeps only listenfd.',
        },
      },
    },
  },
};

export default content;
