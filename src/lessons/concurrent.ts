import type { LessonContent, LessonStep } from './types.ts';

// The flagship lesson: Figure 4.13's server and one client, one system call per step.
// Keys are the schedule entry ids of src/scenarios/concurrent.ts ('start' is step 0).
// Other lessons that run the same scenario reuse some of these steps.
export const concurrentSteps: Record<string, LessonStep> = {
  start: {
    title: 'The server is about to start',
    figure: '4.13',
    narration:
      'The server program of Figure 4.13 is running as pid {pid:parent}, stopped just before its first system call, socket(). ' +
      'Like every lab process it starts with descriptors 0, 1 and 2 only, so its first socket will be descriptor 3.\n\n' +
      'Each press of → lets one process make one system call. {observed}',
  },
  'parent-socket': {
    title: 'socket() creates a TCP endpoint',
    narration:
      'socket(AF_INET, SOCK_STREAM, 0) returned 3. Three things now exist: a TCP endpoint in the kernel, an entry in the ' +
      'system-wide open-file table that refers to it, and slot 3 of the parent’s descriptor table pointing at that entry — ' +
      'the lowest free descriptor.\n\n' +
      'The open file’s reference count is 1: one descriptor names it. The endpoint is CLOSED: no address, no connection.',
  },
  'parent-bind': {
    title: 'bind() takes the well-known port',
    narration:
      'bind() gives the socket its local address: 127.0.0.1, port {port}. The book binds the wildcard address (INADDR_ANY, ' +
      'any of the host’s addresses); this lab binds loopback only, so nothing outside your machine can reach it.\n\n' +
      'bind() sends no packet and changes no TCP state: the endpoint is still CLOSED.',
  },
  'parent-listen': {
    title: 'listen() makes a listening socket',
    narration:
      'listen() turns the socket into a passive one: CLOSED → LISTEN. From now on the kernel answers connection requests to ' +
      'port {port} by itself and queues the completed connections. This descriptor is what the book calls listenfd.\n\n' +
      'No packet was sent: a listening socket waits, it never sends a SYN.',
  },
  'parent-accept-blocks': {
    title: 'Accept: the server waits for a client',
    figure: '4.13',
    narration:
      'The parent calls Accept(listenfd). The accept queue is empty, so the parent sleeps in the kernel until a connection completes. ' +
      'This is the top of Figure 4.13’s loop, where a concurrent server spends most of its life.\n\n' +
      'Look at the process table: the parent is asleep, not running, and uses no CPU. The kernel shows it in poll(2), not accept(2): the lab’s Accept waits in poll() and calls accept() only when you press →, so that the next step can show the connection in the queue (lesson 1 says why). Without the lab, the parent would sleep inside accept() itself.',
  },
  'client-start': {
    title: 'A client starts',
    narration:
      'The companion starts the client program, pid {pid:client#1}. Like the server, it stops before its first system call.\n\n' +
      'Descriptor numbers belong to a process: the client’s descriptor 3, when it has one, will have nothing to do with ' +
      'the server’s descriptor 3.',
  },
  'client-socket': {
    title: 'The client creates its socket',
    narration:
      'The client’s socket() returned 3: a new TCP endpoint in CLOSED and a new open file with reference count 1, ' +
      'in the client’s own descriptor table.\n\n' +
      'The client does not call bind(). connect() will choose an unused ephemeral port for it.',
  },
  'client-connect': {
    title: 'connect(): the three-way handshake',
    figure: '4.14',
    narration:
      'connect() sends a SYN: the client is in SYN_SENT. The listening socket answers SYN,ACK for a new connection in SYN_RECEIVED, and the client’s ACK completes the handshake. Both ends are ESTABLISHED; the client’s ephemeral port is {cport:client#1}.\n\n' +
      'This is Figure 4.14: the kernel did all of this without the server process. The connection waits in the listener’s accept queue, and no descriptor names it yet. The parent’s poll() has returned, and the lab holds it at its gate, just before accept(); a real accept() would already have returned the connection.\n\n' +
      'SYN_SENT and SYN_RECEIVED last one round trip: the state diagram marks them “modelled”.',
  },
  'parent-accept-returns': {
    title: 'accept() returns connfd',
    figure: '4.15',
    narration:
      'accept() takes the connection off the queue and returns a new descriptor, 4: the book’s connfd. ' +
      'The connected socket has its own open-file entry, with reference count 1.\n\n' +
      'This is Figure 4.15. listenfd still names the listening socket, still in LISTEN, ready for the next client: ' +
      'a server has one listening socket, and one connected socket per client.',
  },
  'parent-fork': {
    title: 'fork(): parent and child share both sockets',
    figure: '4.16',
    narration:
      'fork() created the child, pid {pid:child#1}. It returns twice: the child’s pid in the parent, 0 in the child.\n\n' +
      'The child gets a copy of the parent’s descriptor table — not copies of the sockets. Its descriptors 3 and 4 point to the ' +
      'same open-file entries as the parent’s, so both reference counts went from 1 to 2. This is Figure 4.16.',
  },
  'parent-close-connfd': {
    title: 'The parent closes connfd — and no FIN is sent',
    narration:
      'The parent calls close(connfd). Descriptor 4 leaves the parent’s table and the open file’s reference count drops 2 → 1.\n\n' +
      'The count did not reach 0, so the socket is not closed: TCP sends nothing, and the connection stays ESTABLISHED, held by the child. Only the close that takes the count to 0 sends a FIN. That is why the parent must close connfd: otherwise the child’s close would leave the count at 1, and the client would never see end of file.',
  },
  'child-close-listenfd': {
    title: 'The child closes listenfd',
    figure: '4.17',
    narration:
      'The child calls close(listenfd). The listening socket’s count drops 2 → 1; it stays in LISTEN, held by the parent.\n\n' +
      'This is Figure 4.17, the arrangement a concurrent server reaches for every client: the parent holds only the listening ' +
      'socket, the child only the connection.',
  },
  'parent-accept-again': {
    title: 'The parent goes back to Accept',
    narration:
      'The parent goes around its loop and calls Accept(listenfd) again. The queue is empty, so it sleeps until the next client connects (in poll(), as before).\n\n' +
      'Meanwhile the child serves this client. That is what makes the server concurrent: the parent never waits for a client to finish.',
  },
  'child-read-blocks': {
    title: 'The child waits for data',
    narration:
      'The child, in str_echo, calls read(connfd). The client has sent nothing yet, so the child sleeps inside read().\n\n' +
      'Two server processes are now asleep in the kernel: the parent waiting for a connection on the listening socket, the child in read() on the connection.',
  },
  'client-write': {
    title: 'The client sends a line',
    narration:
      'The client writes “hello, world\\n”, 13 bytes. TCP sends them in one segment; the server’s end acknowledges it and ' +
      'queues the bytes in its receive buffer.\n\n' +
      'Their arrival wakes the child: read() returns 13, and the child now stands before write(). ' +
      'No TCP state changes: data moves in ESTABLISHED.',
  },
  'child-write': {
    title: 'The child echoes the line',
    narration:
      'The child writes the 13 bytes back on connfd. This lab’s str_echo flips the case of every letter, so the echo, ' +
      '“HELLO, WORLD”, is easy to tell from the original.\n\n' +
      'One connection carries data both ways. The child loops and stops before read() again.',
  },
  'client-read': {
    title: 'The client reads the echo',
    narration:
      'The client’s read() returns the echoed line, “HELLO, WORLD”, and the client prints it. It has what it came for; ' +
      'next it will close its socket.',
  },
  'child-read-again': {
    title: 'The child reads again',
    narration:
      'The child loops in str_echo and calls read(connfd) again. Nothing has arrived, so it sleeps in read() once more. ' +
      'It will wake when data or a FIN arrives.',
  },
  'client-close': {
    title: 'The client closes first: FIN',
    narration:
      'The client calls close(). Its open file’s count drops 1 → 0, so the socket really closes and TCP sends a FIN: the client does the active close. ESTABLISHED → FIN_WAIT_1, then FIN_WAIT_2 once the FIN is acknowledged.\n\n' +
      'The server’s end enters CLOSE_WAIT. For the child, asleep in read(), the FIN is end of file: read() returns 0, str_echo returns, and the child stops before close(connfd).',
  },
  'child-close-connfd': {
    title: 'The child closes connfd: the second FIN',
    narration:
      'The child calls close(connfd). It holds the last reference (the parent closed its copy right after fork), so the count drops 1 → 0 ' +
      'and TCP sends the server’s FIN: CLOSE_WAIT → LAST_ACK. The client acknowledges it, and the server’s end is CLOSED and gone.\n\n' +
      'The client, which closed first, received the FIN in FIN_WAIT_2 and is now in TIME_WAIT.',
  },
  'child-exit': {
    title: 'The child exits and becomes a zombie',
    narration:
      'The child calls exit(). It holds no descriptors any more; the kernel frees its memory and sends SIGCHLD to the parent.\n\n' +
      'This parent neither calls wait() nor ignores SIGCHLD, whose default action is to do nothing. So the kernel keeps the child’s pid and exit status for the parent to collect: the child is a zombie (state Z). The server leaves one zombie per client. §5.9 adds a SIGCHLD handler that calls wait() (Figure 5.7); §5.10 shows why it must call waitpid() in a loop instead (Figure 5.11), the handler lesson 10 runs.',
  },
  'client-exit': {
    title: 'The client exits; TIME_WAIT remains',
    narration:
      'The client process has ended, but its socket has not: no descriptor names it, yet it stays in TIME_WAIT for 2MSL, twice the maximum segment lifetime (60 seconds on Linux).\n\n' +
      'TIME_WAIT belongs to the side that closed first, here the client. It lets that side resend the last ACK if it was lost, and lets old duplicates of this connection die out before the same address pair is used again. The server’s end closed second and needed no wait.',
  },
};

const content: LessonContent = {
  id: 'concurrent',
  parts: {
    concurrent: {
      steps: concurrentSteps,
      questions: {
        'client-connect': {
          prompt:
            'The parent is asleep, waiting for a connection, and the lab will not let it call accept() during this step. The client calls connect(). Where is the new connection when the step ends?',
          choices: [
            'Nowhere yet: the server has only seen a SYN',
            'Complete, waiting in the listening socket’s accept queue',
            'Half open: the handshake needs the parent’s accept() to finish',
          ],
          answer: 1,
          explanation:
            'The kernel completes the handshake by itself and queues the connection on the listening socket; accept() only takes it off the queue. No descriptor names it yet.',
        },
        'parent-fork': {
          prompt: 'After fork(), what is the reference count of the connected socket’s open file?',
          choices: ['1', '2', '3'],
          answer: 1,
          explanation:
            'fork() copies the descriptor table, not the sockets: the parent’s fd 4 and the child’s fd 4 name the same open file, so its count is 2. The listening socket’s is 2 as well.',
        },
        'parent-close-connfd': {
          prompt: 'The parent calls close(connfd). What does TCP send to the client?',
          choices: ['A FIN: the connection starts to close', 'Nothing: the connection stays ESTABLISHED', 'An RST'],
          answer: 1,
          explanation: 'close() drops the count from 2 to 1. Only the close that takes it to 0 closes the socket and sends a FIN.',
        },
        'child-close-connfd': {
          prompt: 'The client closed first. When the child now closes connfd, which side ends in TIME_WAIT?',
          choices: ['The client', 'The server’s end, in the child', 'Both ends', 'Neither end'],
          answer: 0,
          explanation:
            'TIME_WAIT belongs to the active closer, the side whose FIN went first: the client. The server’s end passes through LAST_ACK and is gone once its FIN is acknowledged.',
        },
        'child-exit': {
          prompt: 'The child calls exit(). Its parent neither calls wait() nor ignores SIGCHLD. What is left of the child?',
          choices: ['Nothing: the process is gone', 'A zombie: its pid and exit status (state Z)', 'Its socket, until the parent closes it'],
          answer: 1,
          explanation: 'The kernel keeps a dead child’s pid and exit status until its parent collects them with wait() or waitpid(). Until then it is a zombie.',
        },
      },
    },
  },
};

export default content;
