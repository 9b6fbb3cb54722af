import { oneClient } from './common.ts';
import type { LessonContent } from './types.ts';

// Lesson 7: a child that reads end of file and never closes: CLOSE_WAIT for good, FIN_WAIT_2 on the other side.
const content: LessonContent = {
  id: 'close-wait',
  parts: {
    'never-close': {
      steps: {
        ...oneClient,
        start: {
          title: 'A peer that never closes',
          narration:
            'The same server, with a bug: when its client has finished, the child does not close connfd. It calls pause() and sleeps for ever, still holding the connection.\n\n' +
            'Watch both ends of the connection after the client closes.',
        },
        'client-close': {
          title: 'The client closes: half of the close',
          narration:
            'The client closes: its FIN goes out and is acknowledged. The client’s end is in FIN_WAIT_2, waiting for the server’s FIN. The server’s end is in CLOSE_WAIT: the peer has closed, and the server has not yet.\n\n' +
            'The child’s read() returns 0: end of file. A correct child would now close connfd.',
        },
        'child-pause': {
          title: 'pause(): the close never comes',
          narration:
            'Instead the child calls pause(), which sleeps until a signal arrives. It still holds connfd, count 1, so no FIN will go out.\n\n' +
            'CLOSE_WAIT means exactly this: the peer has closed, and the application holding the socket has not. Linux has no timeout for it, and this server sets no SO_KEEPALIVE, whose probes could find the peer gone: the kernel will not end it on its own.',
        },
        'client-exit': {
          title: 'Stuck: FIN_WAIT_2 and CLOSE_WAIT',
          narration:
            'The client exits. Its socket, held by no descriptor, waits in FIN_WAIT_2 for a FIN that will never come. Linux does not let an orphaned FIN_WAIT_2 wait for ever: the kernel reports {timer:FIN_WAIT_2} left (tcp_fin_timeout), then drops it.\n\n' +
            'The server’s CLOSE_WAIT has no timer: it lasts as long as the child holds the socket. Sockets piling up in CLOSE_WAIT (ss, netstat) mean a program that forgets to close.',
        },
      },
      questions: {
        'client-close': {
          prompt: 'The client closes. The child will read end of file but never call close(). Which states will the two ends be in?',
          choices: ['Client FIN_WAIT_2, server’s end CLOSE_WAIT', 'Both in TIME_WAIT', 'Client TIME_WAIT, server’s end CLOSED'],
          answer: 0,
          explanation:
            'The client’s FIN was acknowledged (FIN_WAIT_2); the server’s end received it (CLOSE_WAIT). Without the child’s close, no second FIN comes: the server’s end stays in CLOSE_WAIT, and the client’s can only time out.',
        },
        'client-exit': {
          prompt: 'The client process exits. Which of the two states has a kernel timer that will end it?',
          choices: ['The server’s CLOSE_WAIT', 'The client’s orphaned FIN_WAIT_2', 'Both', 'Neither'],
          answer: 1,
          explanation:
            'Linux times out a FIN_WAIT_2 socket no process holds (tcp_fin_timeout). CLOSE_WAIT has no timeout: without keepalive (not set here) it waits for the application’s close, however long that takes.',
        },
      },
    },
  },
};

export default content;
