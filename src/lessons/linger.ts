import { oneClient } from './common.ts';
import type { LessonContent } from './types.ts';

// Lesson 11: SO_LINGER with a zero timeout: close aborts with RST; no TIME_WAIT; ECONNRESET.
const content: LessonContent = {
  id: 'linger-rst',
  parts: {
    'linger-rst': {
      views: { main: 'packets', side: 'log' },
      steps: {
        ...oneClient,
        start: {
          title: 'An abortive close',
          narration:
            'Everything as in lesson 3, until the client closes: before close(), it sets SO_LINGER with l_onoff 1 and l_linger 0. Then close() does not end the connection gracefully. It aborts it.\n\n' +
            'The Packets panel shows the segments.',
        },
        'client-setsockopt-linger': {
          title: 'setsockopt(SO_LINGER, {1, 0})',
          narration: 'setsockopt() returned 0. Nothing is sent: the option only changes what close() will do.',
        },
        'client-close-rst': {
          title: 'close(): RST',
          narration:
            'close() sent an RST instead of a FIN. The connection is aborted: both ends are CLOSED and gone at once. No FIN, no FIN_WAIT, no TIME_WAIT on either side; unsent data would have been thrown away.\n\n' +
            'The child, asleep in read(), woke with -1 and errno ECONNRESET, “Connection reset by peer”. Stevens’ Read wrapper exited, status 1: the child is a zombie.',
        },
        'client-exit': {
          title: 'No TIME_WAIT anywhere',
          narration:
            'The client exits. The kernel shows only the listening socket: no TIME_WAIT on either side. That is why SO_LINGER 0 is sometimes used to avoid TIME_WAIT — at the price of the peer’s ECONNRESET and any data in flight.',
        },
      },
      questions: {
        'client-close-rst': {
          prompt: 'The client, with SO_LINGER {1, 0}, calls close(). What goes out, and where does the client’s end go?',
          choices: ['A FIN; FIN_WAIT_1, then TIME_WAIT', 'An RST; the socket is gone at once, with no TIME_WAIT', 'Nothing until the child closes'],
          answer: 1,
          explanation: 'A zero linger time makes close() abort: one RST, and the socket is discarded. TIME_WAIT exists only after a FIN exchange.',
        },
      },
    },
  },
};

export default content;
