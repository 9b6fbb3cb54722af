import { numberedClients, oneClient, serverStart } from './common.ts';
import type { LessonContent } from './types.ts';

// Lesson 8: the parent forgets close(connfd): the child's close sends no FIN, and each client
// leaks a descriptor in the parent until accept fails with EMFILE.
const content: LessonContent = {
  id: 'parent-keeps-connfd',
  parts: {
    'parent-keeps-connfd': {
      views: { side: 'log' },
      steps: {
        ...oneClient,
        ...serverStart,
        ...numberedClients,
        start: {
          title: 'A parent that forgets close(connfd)',
          narration:
            'This server has a bug: after fork() the parent does not close connfd. The child answers one line and closes; the client reads on until end of file.\n\n' +
            'To make the leak show quickly, the server first lowers its descriptor limit to 5.',
        },
        'parent-setrlimit': {
          title: 'setrlimit(RLIMIT_NOFILE): at most 5 descriptors',
          narration:
            'setrlimit() returned 0: from now on this process’s descriptors must be below 5. Descriptors 0, 1 and 2 are taken (standard input, output, error), so 3 and 4 are all it has left.',
        },
        'parent-accept-returns': {
          title: 'accept() returns connfd, descriptor 4',
          narration: 'accept() returns client 1’s connection as descriptor 4, count 1. The parent now uses every descriptor its limit allows.',
        },
        'parent-fork': {
          title: 'fork() — and no close(connfd)',
          figure: '4.16',
          narration:
            'fork() created child#1, pid {pid:child#1}; both open files have count 2. Then the parent goes straight back to Accept, still holding descriptor 4.',
        },
        'child-close-listenfd': {
          title: 'The child closes listenfd',
          narration: 'The child closes listenfd: 2 → 1. The connection’s count stays 2: parent and child both hold it.',
        },
        'parent-accept-again': {
          title: 'The parent waits for a connection, holding connfd',
          narration: 'The parent sleeps in the kernel, waiting for the next connection. Its descriptor 4 still names client 1’s connection, which it will never use.',
        },
        'child-read-blocks': {
          title: 'The child waits for data',
          narration: 'The child calls read(connfd) and sleeps.',
        },
        'client1-write': {
          title: 'Client 1 sends a line',
          narration: 'Client 1 writes “hello, world\\n”; the child’s read() returns 13.',
        },
        'child-write': {
          title: 'The child echoes it, once',
          narration: 'The child writes the echo. This server answers one line: next the child closes.',
        },
        'client1-read': {
          title: 'Client 1 reads the echo',
          narration: 'Client 1 prints the echo, then reads again, to wait for the server to close.',
        },
        'client1-read-waits-eof': {
          title: 'Client 1 waits for end of file',
          narration: 'Client 1’s read() sleeps until the server’s FIN arrives.',
        },
        'child-close-connfd': {
          title: 'The child closes: 2 → 1, no FIN',
          narration:
            'The child closes connfd. Its count drops 2 → 1, not to 0: the parent still holds it. So the socket is not closed, no FIN goes out, and the connection stays ESTABLISHED.\n\n' +
            'Client 1 keeps waiting for end of file, in read().',
        },
        'child-exit': {
          title: 'The child exits; client 1 still waits',
          narration:
            'The child exits (a zombie: nobody waits for it either). Its exit changes nothing for the connection: ESTABLISHED, held by the parent, which will never read from it or close it. Client 1 sleeps on.',
        },
        'client2-start': {
          title: 'A second client',
          narration: 'A second client starts, pid {pid:client#2}. The parent is waiting for a connection, with descriptors 3 and 4 in use and a limit of 5.',
        },
        'client2-connect': {
          title: 'Client 2 connects',
          narration:
            'Client 2’s handshake completes in the kernel, and its connection waits in the accept queue. The parent’s poll() returns, and the lab holds it just before accept(). To return the connection, accept() will need a new descriptor.',
        },
        'parent-accept-emfile': {
          title: 'accept(): EMFILE',
          narration:
            'accept() returned -1 with errno EMFILE, “Too many open files”: the next descriptor would be 5, over the limit. Stevens’ Accept wrapper prints the error and exits: the server is gone.\n\n' +
            'Its exit closes all it held. The leaked connfd drops to 0 at last: the FIN goes out, and client 1 reads end of file. Client 2’s queued connection dies with the listener: an RST.',
        },
        'client1-close': {
          title: 'Client 1 closes',
          narration: 'Client 1 closes: its FIN completes the close. The server’s end, which sent the first FIN when the server died, is in TIME_WAIT.',
        },
        'client1-exit': {
          title: 'Client 1 exits',
          narration: 'Client 1 ends. It got its end of file only because the whole server died.',
        },
        'client2-write-econnreset': {
          title: 'Client 2: ECONNRESET',
          narration:
            'Client 2 writes its line on a connection the server’s side has reset. write() returns -1 with ECONNRESET, “Connection reset by peer”, and the client exits.',
        },
      },
      questions: {
        'child-close-connfd': {
          prompt: 'The parent never closed its connfd. The child now closes its own. Does the client get a FIN?',
          choices: ['Yes: the child was serving the client', 'No: the count drops 2 → 1, and the parent’s reference keeps the socket open'],
          answer: 1,
          explanation: 'Only the last close sends a FIN. The parent’s forgotten descriptor is the last reference, and the parent never closes it.',
        },
        'parent-accept-emfile': {
          prompt: 'The parent’s limit is 5 descriptors; 0–4 are in use. A second client is in the accept queue. What does accept() do?',
          choices: ['Returns descriptor 5', 'Fails with EMFILE: too many open files', 'Closes the leaked descriptor 4 and reuses it'],
          answer: 1,
          explanation: 'accept() needs a new descriptor for the connection, and every one allowed is taken: EMFILE. The kernel never closes a descriptor for you.',
        },
      },
    },
  },
};

export default content;
