import type { LessonInfo } from './types.ts';

// The course, in order: what the lesson list shows, and what the lesson view needs before a
// lesson's narration arrives. Each part's `questions` lists the keys of the questions in that
// part's content (src/lessons/<lesson>.ts), in step order; a unit test keeps the two in step.
export const LESSON_CATALOG: readonly LessonInfo[] = [
  {
    id: 'iterative',
    number: 1,
    title: 'Iterative versus concurrent',
    summary:
      'An iterative server serves one client at a time. While it is busy, a second client’s connect() still succeeds: the kernel completes the ' +
      'handshake and queues the connection, and even accepts its data, but nobody reads it until the first client is done. A concurrent server ' +
      'forks a child per connection and is back in accept() at once, so clients are served side by side. A completed connection is not a served one.',
    parts: [
      { id: 'iterative', scenario: 'iterative', title: 'An iterative server', questions: ['client2-connect-queued', 'parent-accept-again', 'parent-read-2'] },
      { id: 'concurrent', scenario: 'concurrent', title: 'The concurrent server', questions: ['parent-accept-again'] },
    ],
  },
  {
    id: 'outline',
    number: 2,
    title: 'The concurrent server outline (Figure 4.13)',
    summary:
      'Figure 4.13 in one loop: socket, bind and listen once; then for ever accept and fork. fork() returns twice, so one if sends the child ' +
      'to close listenfd, serve the client on connfd, close it and exit, while the parent closes connfd and goes back to accept(). Every ' +
      'close only removes one descriptor; the one that drops a count to zero closes the socket.',
    parts: [{ id: 'concurrent', scenario: 'concurrent', title: 'Figure 4.13, line by line', questions: ['parent-fork', 'client-close'] }],
  },
  {
    id: 'concurrent',
    number: 3,
    title: 'The concurrent server (Figures 4.13–4.17)',
    summary:
      'Figure 4.13’s fork-per-connection server and one client, one system call at a time: the listening socket, the accept queue, fork and the ' +
      'shared open files, why the parent’s close sends no FIN, the four-packet close, TIME_WAIT and the zombie child.',
    parts: [
      {
        id: 'concurrent',
        scenario: 'concurrent',
        title: 'One client',
        questions: ['client-connect', 'parent-fork', 'parent-close-connfd', 'child-close-connfd', 'child-exit'],
      },
    ],
  },
  {
    id: 'refcounts',
    number: 4,
    title: 'Reference counts and close',
    summary:
      'A descriptor points to an open file; fork() makes two descriptors point to the same one, and close() only removes a descriptor and ' +
      'decrements the count. The socket is closed, and its FIN sent, when the count reaches 0 — so the parent’s close(connfd) after fork sends ' +
      'nothing. shutdown(fd, SHUT_WR) acts on the socket instead: the FIN goes out whatever the count, and every holder is left with a ' +
      'half-closed connection that can still receive but no longer send.',
    parts: [
      { id: 'concurrent', scenario: 'concurrent', title: 'close() and the count', questions: ['parent-close-connfd', 'child-close-connfd'] },
      { id: 'shutdown', scenario: 'shutdown', title: 'shutdown()', questions: ['parent-shutdown-connfd', 'child-write-epipe'] },
    ],
  },
  {
    id: 'handshake',
    number: 5,
    title: 'The three-way handshake and the four-packet close',
    summary:
      'Three segments open a connection — SYN, SYN+ACK, ACK — and the kernel exchanges them by itself: accept() only takes the finished ' +
      'connection off the queue. Four close it, a FIN and an ACK in each direction, because each direction closes on its own. Sequence ' +
      'numbers count bytes, and a SYN or a FIN takes one number too; an ack names the next byte expected. The packet diagram shows the ' +
      'segments captured on loopback when forkscope may capture them (as root), and otherwise the model’s, labelled modelled.',
    parts: [{ id: 'concurrent', scenario: 'concurrent', title: 'One connection', questions: ['client-connect', 'client-write', 'client-close'] }],
  },
  {
    id: 'time-wait',
    number: 6,
    title: 'Who gets TIME_WAIT',
    summary:
      'The side that sends the first FIN, the active closer, ends in TIME_WAIT for 2MSL (60 seconds on Linux; the kernel reports the time ' +
      'left), so that it can resend the last ACK and old duplicates die out. When the client closes first the client waits; when the server ' +
      'closes first, its end waits on the well-known port, and a restarted server’s bind() fails with EADDRINUSE unless both the old server’s ' +
      'socket and the new one set SO_REUSEADDR (Linux requires both).',
    parts: [
      { id: 'concurrent', scenario: 'concurrent', title: 'Client closes first', questions: ['child-close-connfd'] },
      { id: 'server-closes-first', scenario: 'server-closes-first', title: 'Server closes first', questions: ['client-close'] },
      { id: 'restart-reuseaddr', scenario: 'restart-reuseaddr', title: 'Restarting', questions: ['parent2-bind-eaddrinuse', 'parent3-bind'] },
    ],
  },
  {
    id: 'close-wait',
    number: 7,
    title: 'CLOSE_WAIT that never ends',
    summary:
      'When one side closes and the other never does, the connection stops half way: the closer waits in FIN_WAIT_2, the other end sits in ' +
      'CLOSE_WAIT. CLOSE_WAIT means the application has read end of file and not called close(). Linux times out an orphaned FIN_WAIT_2 ' +
      '(tcp_fin_timeout) but has no timeout for CLOSE_WAIT: unless keepalive finds the peer gone, only that close ends it.',
    parts: [{ id: 'never-close', scenario: 'never-close', title: 'A child that never closes', questions: ['client-close', 'client-exit'] }],
  },
  {
    id: 'parent-keeps-connfd',
    number: 8,
    title: 'The parent that forgets close(connfd)',
    summary:
      'If the parent does not close connfd, every connection keeps a reference in the parent: the child’s close only drops the count to 1, ' +
      'no FIN is sent, and the client never reads end of file. Each client also leaks a descriptor in the parent, until accept() fails with ' +
      'EMFILE (too many open files).',
    parts: [
      {
        id: 'parent-keeps-connfd',
        scenario: 'parent-keeps-connfd',
        title: 'A leak that ends in EMFILE',
        questions: ['child-close-connfd', 'parent-accept-emfile'],
      },
    ],
  },
  {
    id: 'child-keeps-listenfd',
    number: 9,
    title: 'The child that keeps listenfd',
    summary:
      'A child that does not close listenfd keeps the listening socket open. When the parent dies, the port still listens: new connections ' +
      'complete and wait in an accept queue that no process will ever accept from, and a restarted server cannot bind the port (EADDRINUSE) ' +
      'until that child exits.',
    parts: [
      {
        id: 'child-keeps-listenfd',
        scenario: 'child-keeps-listenfd',
        title: 'The port outlives the server',
        questions: ['client2-connect-queued', 'parent2-bind-eaddrinuse'],
      },
    ],
  },
  {
    id: 'zombies',
    number: 10,
    title: 'SIGCHLD and zombies',
    summary:
      'A child that exits stays a zombie (state Z) until its parent collects its status. With SIGCHLD at its default, zombies pile up, one per ' +
      'client. Setting SIGCHLD to SIG_IGN makes the kernel discard children as they exit. A handler that calls waitpid(-1, …, WNOHANG) in a ' +
      'loop reaps them all, even when several SIGCHLDs arrive as one. A handler installed without SA_RESTART makes the interrupted accept() ' +
      'fail with EINTR, which the server must retry.',
    parts: [
      { id: 'zombies', scenario: 'zombies', title: 'Zombies', questions: ['child1-exit', 'child3-exit'] },
      { id: 'sigchld-ignore', scenario: 'sigchld-ignore', title: 'SIG_IGN', questions: ['child1-exit'] },
      { id: 'sigchld-waitpid', scenario: 'sigchld-waitpid', title: 'waitpid loop', questions: ['parent-waitpid-reaps-2'] },
      { id: 'accept-eintr', scenario: 'accept-eintr', title: 'EINTR', questions: ['parent-waitpid-echild-accept-eintr'] },
    ],
  },
  {
    id: 'linger-rst',
    number: 11,
    title: 'Abortive close: SO_LINGER and RST',
    summary:
      'With SO_LINGER on and a linger time of 0, close() aborts the connection: it sends an RST instead of a FIN and discards the socket at ' +
      'once. There is no FIN exchange and no TIME_WAIT on either side, and the peer’s next read fails with ECONNRESET.',
    parts: [{ id: 'linger-rst', scenario: 'linger-rst', title: 'SO_LINGER 0', questions: ['client-close-rst'] }],
  },
  {
    id: 'many-clients',
    number: 12,
    title: 'Many clients',
    summary:
      'Five clients at once: the kernel completes all five handshakes and queues them; the parent accepts and forks five times, closing its ' +
      'copy of connfd each time, so five children each hold one connection — each as descriptor 4 in its own table — and the parent only the ' +
      'listener. Every connection has the same server address and port; the clients’ ports tell them apart.',
    parts: [{ id: 'many-clients', scenario: 'many-clients', title: 'Five clients', questions: ['client5-connect', 'parent-accept-again-5'] }],
  },
  {
    id: 'every-state',
    number: 13,
    title: 'Every state of the TCP diagram',
    summary:
      'On loopback, SYN_SENT, SYN_RECEIVED, FIN_WAIT_1, CLOSING and LAST_ACK last a round trip. Losing one segment holds each of them until the ' +
      'sender’s retransmission timer sends it again: a lost SYN-ACK holds SYN_SENT and SYN_RECEIVED for a second; a FIN lost while the other ' +
      'end closes too makes CLOSING; a lost last ACK holds LAST_ACK until the FIN comes again and the other end, still in TIME_WAIT, answers it — ' +
      'which is why TIME_WAIT exists.',
    parts: [{ id: 'every-state', scenario: 'every-state', title: 'Eleven states', questions: ['client1-connect', 'parent-shutdown-1', 'client2-exit'] }],
  },
];
