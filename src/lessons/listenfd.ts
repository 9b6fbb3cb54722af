import { numberedClients, oneClient } from './common.ts';
import type { LessonContent } from './types.ts';

// Lesson 9: the child keeps listenfd; the parent is killed; the port lives on in the child.
const content: LessonContent = {
  id: 'child-keeps-listenfd',
  parts: {
    'child-keeps-listenfd': {
      views: { side: 'log' },
      steps: {
        ...oneClient,
        ...numberedClients,
        start: {
          title: 'A child that keeps listenfd',
          narration:
            'This server has the opposite bug to lesson 8: the child does not close listenfd. Harmless while the parent runs. Then the parent is killed, and a new client, and a new server, try port {port}.',
        },
        'parent-fork': {
          title: 'fork(): the child gets both sockets',
          figure: '4.16',
          narration:
            'fork() created child#1, pid {pid:child#1}. Both open files have count 2: the listener is held by parent and child.',
        },
        'parent-close-connfd': {
          title: 'The parent closes connfd',
          narration: 'The parent closes connfd, as it should: 2 → 1. The child skips close(listenfd): the listener’s count stays 2.',
        },
        'child-read-blocks': {
          title: 'The child serves, holding the listener',
          narration:
            'The child calls read(connfd) and sleeps. It still holds listenfd, descriptor 3, which it will never use. The listener’s count is 2: see the Descriptors panel.',
        },
        'parent-killed': {
          title: 'The parent is killed',
          narration:
            'The companion sends the parent SIGTERM, and it dies. Its exit closes its descriptors: the listener’s count drops 2 → 1. The child still holds it, so the socket stays in LISTEN on port {port}.\n\n' +
            'The child is an orphan: its parent pid is now {ppid:child#1}, the process that adopted it (forkscope’s reaper; without one, init).\n\n' +
            'The child also gets SIGUSR2 from the lab (see the event log): the lab’s own safety net, not the server’s behaviour. Every lab server child asks for a signal when its parent dies (PR_SET_PDEATHSIG), so that no lab process can outlive forkscope; its handler finds forkscope’s session alive and returns, and the child’s read(), restarted (SA_RESTART), goes on.',
        },
        'client2-start': {
          title: 'A new client',
          narration: 'A new client starts, pid {pid:client#2}. There is no server process any more, only the child serving client 1.',
        },
        'client2-connect-queued': {
          title: 'Connected to a server that is not there',
          narration:
            'connect() returned 0. The listening socket, kept alive by the child, completed the handshake and queued the connection. Nobody will ever call accept() on it: the child never uses listenfd.\n\n' +
            'Client 2 is ESTABLISHED with a server that does not exist. Its requests would wait for ever.',
        },
        'parent2-start': {
          title: 'Restarting the server',
          narration: 'The administrator restarts the server: parent#2, pid {pid:parent#2}.',
        },
        'parent2-socket': {
          title: 'socket()',
          narration: 'socket() returned 3. Next, bind() to port {port}.',
        },
        'parent2-bind-eaddrinuse': {
          title: 'bind(): EADDRINUSE',
          narration:
            'bind() returned -1 with errno EADDRINUSE, “Address already in use” (see the event log), and the new server exits. Port {port} is taken by a listening socket, held by a child of the dead server.\n\n' +
            'The port stays taken until that child exits. This is why the child must close listenfd.',
        },
      },
      questions: {
        'client2-connect-queued': {
          prompt: 'The server’s parent is dead; its child still holds listenfd. A new client calls connect(). What happens?',
          choices: [
            'The connection is refused: no server is running',
            'The handshake completes, and the connection waits in the accept queue',
            'The child accepts it and serves it',
          ],
          answer: 1,
          explanation: 'The kernel completes connections for any listening socket, whoever holds it. The child never calls accept(), so the connection waits for ever.',
        },
        'parent2-bind-eaddrinuse': {
          prompt: 'A new server calls bind() on port {port}. What happens?',
          choices: ['bind() succeeds: the old server is dead', 'bind() fails with EADDRINUSE'],
          answer: 1,
          explanation: 'The listening socket is still open, in the child: the port is in use until its last descriptor is closed.',
        },
      },
    },
  },
};

export default content;
