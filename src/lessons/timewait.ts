import { oneClient } from './common.ts';
import type { LessonContent, LessonStep } from './types.ts';

// Lesson 6: who gets TIME_WAIT (the active closer), the kernel's 2MSL timer, and restarting a
// server on a port a TIME_WAIT still uses, without and with SO_REUSEADDR.

/** The server answers one line and closes first (scenarios server-closes-first and restart-reuseaddr). */
const serverClosesFirst: Record<string, LessonStep> = {
  ...oneClient,
  'child-write': {
    title: 'One line, then the child will close',
    narration: 'The child echoes the line. This server answers one line only: next, instead of reading again, the child will close.',
  },
  'client-read': {
    title: 'The client reads the echo',
    narration: 'The client reads and prints the echo. It does not close: it reads again, until the server closes.',
  },
  'client-read-waits-eof': {
    title: 'The client waits for end of file',
    narration: 'The client’s second read() sleeps. This time the client waits for the server to close first.',
  },
  'child-close-connfd': {
    title: 'The server closes first',
    narration:
      'The child closes connfd, the last reference: the server’s FIN goes first. The server’s end does the active close: FIN_WAIT_1, then FIN_WAIT_2 once acknowledged.\n\n' +
      'The client’s end enters CLOSE_WAIT, and its read() returns 0.',
  },
  'child-exit': {
    title: 'The child exits; its socket lives on',
    narration:
      'The child exits (a zombie). Its socket is in FIN_WAIT_2, named by no descriptor, waiting for the client’s FIN. Linux will not wait for ever: the kernel reports {timer:FIN_WAIT_2} left on it (tcp_fin_timeout).',
  },
  'client-close': {
    title: 'The client closes: TIME_WAIT on the server’s side',
    narration:
      'The client closes: its FIN (LAST_ACK), the server’s ACK, and the client’s end is gone. The server’s end, which closed first, is in TIME_WAIT — on port {port}, the server’s well-known port.\n\n' +
      'The kernel reports {timewait} left on its 2MSL timer.',
  },
  'client-exit': {
    title: 'The client exits',
    narration: 'The client ends. The server’s side keeps the TIME_WAIT on port {port} for 2MSL; the kernel reports {timewait} left.',
  },
};

const content: LessonContent = {
  id: 'time-wait',
  parts: {
    concurrent: {
      steps: {
        ...oneClient,
        start: {
          title: 'Who gets TIME_WAIT?',
          narration:
            'A connection ends with four segments, and one side ends in TIME_WAIT: the side that closed first, the active closer. Here the client closes first.\n\n' +
            'Watch the state diagram, and the timer the kernel reports for the TIME_WAIT socket.',
        },
        'client-close': {
          title: 'The client closes first',
          narration:
            'The client’s close sends the first FIN: the client is the active closer. FIN_WAIT_1, then FIN_WAIT_2 once the server’s end acknowledges. The server’s end is in CLOSE_WAIT: the passive close.',
        },
        'child-close-connfd': {
          title: 'The second FIN: the client enters TIME_WAIT',
          narration:
            'The child’s close sends the server’s FIN. The server’s end passes LAST_ACK and is gone once the client acknowledges.\n\n' +
            'The client’s end, which received that FIN in FIN_WAIT_2, is in TIME_WAIT. The kernel reports {timewait} left on its timer: 2MSL, 60 seconds on Linux.',
        },
        'child-exit': {
          title: 'The child exits',
          narration: 'The child exits (a zombie). The TIME_WAIT does not care: it belongs to the client’s side of the connection.',
        },
        'client-exit': {
          title: 'The process is gone; the TIME_WAIT is not',
          narration:
            'The client process has ended, but its TIME_WAIT stays, named by no descriptor: {timewait} left, says the kernel. It lets the client resend the last ACK if it was lost, and keeps old duplicates of this connection from being taken for a new one that uses the same two ports.',
        },
      },
      questions: {
        'child-close-connfd': {
          prompt: 'The client closed first; the child now closes too. Which side ends in TIME_WAIT?',
          choices: ['The client’s end', 'The server’s end, in the child', 'Both ends', 'Neither end'],
          answer: 0,
          explanation: 'The active closer, whose FIN went first, waits out 2MSL. The passive closer, after LAST_ACK, is done.',
        },
      },
    },
    'server-closes-first': {
      steps: {
        ...serverClosesFirst,
        start: {
          title: 'The server closes first',
          narration:
            'The same server, with one change: the child answers one line and then closes, while the client reads on until end of file. This time the server is the active closer.\n\n' +
            'Which side will be in TIME_WAIT?',
        },
      },
      questions: {
        'client-close': {
          prompt: 'The server closed first; now the client closes. Which side ends in TIME_WAIT?',
          choices: ['The client’s end', 'The server’s end, on port {port}', 'Both ends'],
          answer: 1,
          explanation: 'TIME_WAIT goes with the first FIN, not with the client or the server: here the server sent it, so the server’s end waits.',
        },
      },
    },
    'restart-reuseaddr': {
      views: { side: 'log' },
      steps: {
        ...serverClosesFirst,
        start: {
          title: 'Restarting a server',
          narration:
            'The server closes first again, leaving a TIME_WAIT on its own port, {port}. Then it is killed, and restarted twice: once without SO_REUSEADDR, once with it.\n\n' +
            'This first server sets SO_REUSEADDR too, as Stevens advises every TCP server to (§7.5): Linux lets a bind share a port with a TIME_WAIT only when both sockets set it.',
        },
        'parent-setsockopt-reuseaddr': {
          title: 'setsockopt(SO_REUSEADDR)',
          narration:
            'setsockopt(listenfd, SOL_SOCKET, SO_REUSEADDR, 1) returned 0. Nothing you can see changes. The option lets a bind() share the port with a connection that still uses it, such as one in TIME_WAIT (§7.5). On Linux both sockets must have it: the new one, and the one in TIME_WAIT, which inherits it from this listening socket through accept(). It must come before bind().',
        },
        'parent-killed': {
          title: 'The server is killed',
          narration:
            'The companion sends the parent SIGTERM, as an administrator stopping the server would. It dies: its listening socket is closed, and its zombie child, an orphan now, is adopted and reaped (by forkscope’s reaper here; by init without one).\n\n' +
            'No process is left, and nothing listens on port {port}. Only the TIME_WAIT remains: {timewait} left.',
        },
        'parent2-start': {
          title: 'A new server, without SO_REUSEADDR',
          narration: 'A new server starts as parent#2, pid {pid:parent#2}. This one does not set SO_REUSEADDR.',
        },
        'parent2-socket': {
          title: 'socket()',
          narration: 'socket() returned 3. Next, bind() to port {port}.',
        },
        'parent2-bind-eaddrinuse': {
          title: 'bind(): EADDRINUSE',
          narration:
            'bind() returned -1 with errno EADDRINUSE, “Address already in use” — see the event log. Nothing listens on port {port}; the TIME_WAIT alone is enough to refuse it.\n\n' +
            'Stevens’ Bind wrapper prints the error and exits: this server is gone. Without SO_REUSEADDR it could start only once the TIME_WAIT has ended.',
        },
        'parent3-start': {
          title: 'Again, with SO_REUSEADDR',
          narration: 'A third server starts as parent#3, pid {pid:parent#3}, and this one sets SO_REUSEADDR.',
        },
        'parent3-socket': {
          title: 'socket()',
          narration: 'socket() returned 3.',
        },
        'parent3-setsockopt-reuseaddr': {
          title: 'setsockopt(SO_REUSEADDR), before bind()',
          narration: 'setsockopt(SO_REUSEADDR) returned 0, before bind(): the order matters.',
        },
        'parent3-bind': {
          title: 'bind() succeeds',
          narration:
            'bind() returned 0: the same port, {port}, with the same TIME_WAIT still there ({timewait} left), and no error. This socket has SO_REUSEADDR, and so has the one in TIME_WAIT, from the first server.',
        },
        'parent3-listen': {
          title: 'listen(): a server again',
          narration:
            'listen(): the restarted server listens on port {port} beside the old connection’s TIME_WAIT. The TIME_WAIT holds only that one connection: a new client comes, almost always, from another port, and even one from the same port would be told apart by its sequence numbers and timestamps.',
        },
        'parent3-accept-blocks': {
          title: 'The restarted server waits for clients',
          narration:
            'The restarted server sleeps, waiting for clients. Because both it and the first server set SO_REUSEADDR, it did not have to wait out 2MSL; had the first server not set it, this bind() would have failed too.',
        },
      },
      questions: {
        'parent2-bind-eaddrinuse': {
          prompt: 'Nothing listens on port {port} now; only a TIME_WAIT uses it. The new server calls bind() without SO_REUSEADDR. What happens?',
          choices: ['bind() succeeds: nothing listens there', 'bind() fails with EADDRINUSE', 'bind() waits until the TIME_WAIT ends'],
          answer: 1,
          explanation: 'Without SO_REUSEADDR, a port still used by any connection, even one in TIME_WAIT, is “already in use”.',
        },
        'parent3-bind': {
          prompt: 'The third server sets SO_REUSEADDR, as the first one did, then calls bind() on port {port}. The TIME_WAIT is still there. What happens?',
          choices: ['bind() succeeds', 'bind() fails with EADDRINUSE again'],
          answer: 0,
          explanation:
            'SO_REUSEADDR lets bind() take a port that a connection in TIME_WAIT still uses — on Linux only when both sockets have it: the new one, and the TIME_WAIT, which inherited it from the first server’s listening socket.',
        },
      },
    },
  },
};

export default content;
