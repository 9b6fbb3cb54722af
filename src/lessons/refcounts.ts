import { oneClient } from './common.ts';
import type { LessonContent } from './types.ts';

// Lesson 4: descriptors, open files and reference counts; why close after fork sends no FIN,
// and shutdown, which sends it whatever the count.
const content: LessonContent = {
  id: 'refcounts',
  parts: {
    concurrent: {
      steps: {
        ...oneClient,
        start: {
          title: 'Descriptors, open files, reference counts',
          narration:
            'A descriptor is an index into a process’s table. Each entry points to an open file in the kernel’s open-file table, and the open file refers to the socket. The open file counts the descriptors that point to it: its reference count.\n\n' +
            'Watch the Descriptors panel: arrows from descriptors to open files, and each open file’s count.',
        },
        'parent-socket': {
          title: 'socket(): one descriptor, one open file, count 1',
          narration: 'socket() returned 3. The parent’s descriptor 3 points to a new open file, whose reference count is 1.',
        },
        'parent-accept-returns': {
          title: 'accept(): a second open file',
          figure: '4.15',
          narration:
            'accept() returned 4: a new descriptor, pointing to a new open file for the connected socket, count 1. The listener’s open file is a different one, still count 1.',
        },
        'parent-fork': {
          title: 'fork(): the counts double',
          figure: '4.16',
          narration:
            'fork() copies the parent’s descriptor table into child#1. It does not copy the open files: the child’s descriptors 3 and 4 point to the same two entries as the parent’s.\n\n' +
            'So each open file now has two descriptors pointing to it: both counts are 2. The sockets themselves did not change.',
        },
        'parent-close-connfd': {
          title: 'The parent’s close: 2 → 1, and no FIN',
          narration:
            'close(connfd) removes the parent’s descriptor 4 and decrements the open file’s count: 2 → 1.\n\n' +
            'A socket is closed only when its open file is released, at count 0. At 1, nothing happens to the connection: no FIN, still ESTABLISHED, still the child’s.',
        },
        'child-close-listenfd': {
          title: 'The child’s close: the listener 2 → 1',
          figure: '4.17',
          narration:
            'The same rule for the listening socket: the child’s close(listenfd) takes its count from 2 to 1. It stays in LISTEN, for the parent. Each socket now has exactly one holder.',
        },
        'client-close': {
          title: 'The client’s close: 1 → 0, FIN',
          narration:
            'The client’s open file had count 1, so its close takes it to 0: the open file is released and the socket closed. That close, and only that kind, sends a FIN. The server’s end enters CLOSE_WAIT; the child reads end of file.',
        },
        'child-close-connfd': {
          title: 'The child’s close: 1 → 0, the server’s FIN',
          narration:
            'The child held the last reference: its close takes the count from 1 to 0, the open file is released, and the server’s FIN goes out. Had the parent not closed its copy, the count would be 1 now, and the client would wait for a FIN for ever (lesson 8).',
        },
      },
      questions: {
        'parent-close-connfd': {
          prompt: 'The connected socket’s open file has count 2. The parent calls close(connfd). What is the count afterwards, and does a FIN go out?',
          choices: ['1, and no FIN', '1, and a FIN', '0, and a FIN'],
          answer: 0,
          explanation: 'close() removes one descriptor: 2 → 1. Only the release of the open file, at 0, closes the socket and sends the FIN.',
        },
        'child-close-connfd': {
          prompt: 'The child now closes connfd. What does its close do?',
          choices: ['Count 1 → 0: the socket closes, and the server’s FIN goes out', 'Count 2 → 1: nothing is sent', 'It fails: the parent already closed connfd'],
          answer: 0,
          explanation: 'The parent’s copy is long gone, so the child held the only reference. Each process closes its own descriptor; the last close sends the FIN.',
        },
      },
    },
    shutdown: {
      steps: {
        ...oneClient,
        start: {
          title: 'shutdown() instead of close()',
          narration:
            'The same server with one change: after fork(), the parent calls shutdown(connfd, SHUT_WR) instead of close(connfd).\n\n' +
            'close() acts on a descriptor; shutdown() acts on the socket itself, whoever else holds it. Watch the counts, and the client’s state.',
        },
        'parent-fork': {
          title: 'fork(): counts 2 and 2',
          figure: '4.16',
          narration: 'fork() created child#1, pid {pid:child#1}. As always, both open files now have reference count 2.',
        },
        'parent-shutdown-connfd': {
          title: 'shutdown(connfd, SHUT_WR): a FIN with the count at 2',
          narration:
            'shutdown() returned 0, and a FIN went out although the child still holds connfd. The server’s end went FIN_WAIT_1 → FIN_WAIT_2, the client’s to CLOSE_WAIT.\n\n' +
            'The count is still 2: shutdown closes no descriptor. It closed the sending half of the connection, for every holder at once: the server can still receive, but never send again.',
        },
        'child-close-listenfd': {
          title: 'The child closes listenfd',
          narration: 'The child closes listenfd (2 → 1). The connection’s count is still 2: parent and child both hold the half-closed socket.',
        },
        'parent-accept-again': {
          title: 'The parent goes back to Accept',
          narration:
            'The parent loops to Accept and sleeps, waiting for a connection. It never closes its connfd: shutdown is not close, so its descriptor 4 stays open for as long as the parent runs.',
        },
        'child-read-blocks': {
          title: 'The child waits for data',
          narration: 'The child, knowing nothing of the parent’s shutdown, calls read(connfd) and sleeps. Only the sending half is shut; the receiving half still works.',
        },
        'client-write': {
          title: 'Half closed: data still comes in',
          narration: 'The client writes its 13 bytes; they arrive, and the child’s read() returns 13. The client → server direction is open.',
        },
        'client-read-eof': {
          title: 'The client reads end of file',
          narration:
            'The client’s read() for its echo returns 0: end of file, the FIN of the parent’s shutdown. It prints “str_cli: server terminated prematurely” — though the child still runs, holds the socket, and has its line.',
        },
        'child-write-epipe': {
          title: 'The child cannot send: SIGPIPE',
          narration:
            'The child writes the echo on a socket that can no longer send. The kernel sends it SIGPIPE (had the signal been caught or ignored, write() would return -1 with EPIPE). SIGPIPE’s default action ends the process: the child is a zombie, killed by SIGPIPE.\n\n' +
            'Its exit closed its descriptor: the connection’s count is 1, the parent’s.',
        },
        'client-close': {
          title: 'The client closes: the server’s end in TIME_WAIT',
          narration:
            'The client closes: its FIN goes out (LAST_ACK), and its end is gone once acknowledged. The server’s end, which sent the first FIN, enters TIME_WAIT.\n\n' +
            'Linux moves that TIME_WAIT to a socket of its own; the parent’s descriptor 4 now names a CLOSED socket.',
        },
        'client-exit': {
          title: 'The client exits',
          narration:
            'The client ends. The server’s side waits out 2MSL in TIME_WAIT, and the parent still holds descriptor 4: shutdown sent the FIN, but only close() frees a descriptor.',
        },
      },
      questions: {
        'parent-shutdown-connfd': {
          prompt: 'Parent and child both hold connfd (count 2). The parent calls shutdown(connfd, SHUT_WR). Does a FIN go out?',
          choices: ['No: the count is 2, as with close()', 'Yes: shutdown sends the FIN whatever the count', 'No: shutdown only marks the descriptor'],
          answer: 1,
          explanation: 'shutdown() acts on the socket, not on a descriptor: the FIN goes out and the count stays 2.',
        },
        'child-write-epipe': {
          prompt: 'The child writes its echo on the socket the parent shut for writing. What happens?',
          choices: ['The echo goes out: the child never called shutdown', 'write() fails with EPIPE, and SIGPIPE ends the child', 'The bytes wait until the socket can send again'],
          answer: 1,
          explanation: 'SHUT_WR shut the socket’s sending half for every holder. Writing to it raises SIGPIPE, which ends a process that does not catch it.',
        },
      },
    },
  },
};

export default content;
