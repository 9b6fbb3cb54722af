import type { LessonContent } from './types.ts';

// Lesson 2: Figure 4.13 read line by line, each line tied to what it did in the kernel.
// The Source panel follows the process that acts; the narration quotes the line it ran.
const content: LessonContent = {
  id: 'outline',
  parts: {
    concurrent: {
      views: { side: 'source' },
      steps: {
        start: {
          title: 'Figure 4.13, one line at a time',
          figure: '4.13',
          narration:
            'The whole server is a dozen lines: socket, bind and listen once, then for ever accept and fork. The Source panel shows this lab’s server.c, with the book’s wrappers (Socket, Bind …: the system call, and exit on error).\n\n' +
            'The arrow marks the line each process stands before. Each → runs one line; the narration says what it did.',
        },
        'parent-socket': {
          title: 'listenfd = Socket(AF_INET, SOCK_STREAM, 0);',
          narration:
            'A TCP socket (SOCK_STREAM over IPv4). Effect: a new endpoint in CLOSED, an open-file entry with count 1, and descriptor 3 naming it. The variable listenfd holds 3.',
        },
        'parent-bind': {
          title: 'Bind(listenfd, (SA *) &servaddr, sizeof(servaddr));',
          narration:
            'servaddr was filled just above: family AF_INET, address 127.0.0.1, port {port} (the book: INADDR_ANY and SERV_PORT, 9877). Effect: the socket has its local address. Still CLOSED; nothing is sent.',
        },
        'parent-listen': {
          title: 'Listen(listenfd, LISTENQ);',
          narration:
            'Effect: CLOSED → LISTEN. From here on the kernel completes connections to port {port} by itself and queues them, up to a limit set by LISTENQ. This is what makes listenfd a listening socket.',
        },
        'parent-accept-blocks': {
          title: 'connfd = Accept(listenfd, (SA *) &cliaddr, &clilen);',
          narration:
            'The top of the for loop. Effect: no connection is queued, so the parent sleeps in the kernel, using no CPU, until a client connects. (The lab’s Accept sleeps in poll() and calls accept() only when you press →, so that the queued connection can be seen first: lesson 1 explains.)',
        },
        'client-start': {
          title: 'The client program starts',
          narration:
            'client.c (the Source panel switches to it) starts as pid {pid:client#1}: Socket, Connect, Write, Read, Close — a one-shot version of the book’s echo client (Figure 5.4), sending one line.',
        },
        'client-socket': {
          title: 'sockfd = Socket(AF_INET, SOCK_STREAM, 0);',
          narration: 'In the client: descriptor 3 in the client’s own table. The client never calls bind(): connect() will pick its port.',
        },
        'client-connect': {
          title: 'Connect(sockfd, (SA *) &servaddr, sizeof(servaddr));',
          narration:
            'The three-way handshake. Effect on the server: a completed connection in listenfd’s accept queue, named by no descriptor. The parent’s poll() has returned; the lab holds it at its gate, just before accept(). Without the lab, Accept would already have returned.',
        },
        'parent-accept-returns': {
          title: 'Accept returns: connfd = 4',
          figure: '4.15',
          narration:
            'accept() takes the connection off the queue and returns a new descriptor, 4, assigned to connfd; cliaddr now holds the client’s address and port. listenfd is untouched: still LISTEN, ready for the next client.',
        },
        'parent-fork': {
          title: 'if ( (childpid = Fork()) == 0) {',
          figure: '4.16',
          narration:
            'One call, two returns. In the parent, Fork returns the child’s pid ({pid:child#1}), the test is false, and the parent skips the braces. In the child it returns 0, the test is true, and the child runs the braces.\n\n' +
            'Effect: a second process with copies of descriptors 3 and 4; both open files now have count 2. From here the two run different lines of one program.',
        },
        'parent-close-connfd': {
          title: 'Parent: Close(connfd);',
          narration:
            '/* parent closes connected socket */. Effect: the count drops 2 → 1. The child still holds the connection, so no FIN is sent. Descriptor 4 is free for the next accept().',
        },
        'child-close-listenfd': {
          title: 'Child: Close(listenfd);',
          figure: '4.17',
          narration:
            '/* close listening socket */. Effect: the listener’s count drops 2 → 1. Each process now holds only what it uses: the parent the listener, the child the connection.',
        },
        'parent-accept-again': {
          title: 'Parent: around the loop, Accept again',
          narration: 'The parent reaches the loop’s closing brace and calls Accept again. Effect: it sleeps, waiting for the next client.',
        },
        'child-read-blocks': {
          title: 'Child: str_echo(connfd);',
          narration:
            'str_echo is a loop: while ( (n = Read(connfd, buf, MAXLINE)) > 0 ) … Write(connfd, buf, n). Effect: the first Read sleeps; the client has sent nothing.',
        },
        'client-write': {
          title: 'Client: Write(sockfd, …);',
          narration: 'The client sends “hello, world\\n”, 13 bytes. Effect: the child’s Read returns 13, and the child now stands before Write.',
        },
        'child-write': {
          title: 'Child: Write(connfd, buf, n);',
          narration: 'The loop body flipped the case of each letter; Write sends the 13 bytes back. Then the while loop calls Read again.',
        },
        'client-read': {
          title: 'Client: n = Read(sockfd, recvline, MAXLINE)',
          narration: 'The client’s Read returns the echo, “HELLO, WORLD\\n”, which it prints. Next it calls Close.',
        },
        'child-read-again': {
          title: 'Child: Read again',
          narration: 'The while condition calls Read again. Effect: the child sleeps until more data, or the client’s FIN, arrives.',
        },
        'client-close': {
          title: 'Client: Close(sockfd);',
          narration:
            'The client’s count drops 1 → 0: its FIN goes out. Effect on the child: Read returns 0, the while condition is false, and str_echo returns. The child stands before Close(connfd).',
        },
        'child-close-connfd': {
          title: 'Child: Close(connfd);',
          narration: '/* done with this client */. The last reference: the server’s FIN goes out. The client, which closed first, is in TIME_WAIT.',
        },
        'child-exit': {
          title: 'Child: Exit(0);',
          narration:
            'The child ends. Nothing in Figure 4.13 waits for it, so it stays a zombie (state Z) until its parent does. §5.9 adds the SIGCHLD handler that Figure 4.13 lacks, calling wait() (Figure 5.7); §5.10 makes it a waitpid() loop (Figure 5.11), the one lesson 10 runs.',
        },
        'client-exit': {
          title: 'Client: Exit(0);',
          narration:
            'The client ends; its socket stays in TIME_WAIT. Every line of Figure 4.13 has now run: the parent loops through Accept and fork for ever, one child per client.',
        },
      },
      questions: {
        'parent-fork': {
          prompt: 'The parent runs `if ( (childpid = Fork()) == 0) {`. In which process is the test true, so that it runs the braces (Close(listenfd), str_echo …)?',
          choices: ['In the parent', 'In the child', 'In both'],
          answer: 1,
          explanation: 'fork() returns 0 in the child and the child’s pid in the parent: only the child enters the braces.',
        },
        'client-close': {
          prompt: 'The client calls Close(sockfd). What does the child’s Read(connfd, …), asleep in str_echo, return?',
          choices: ['0, so the while loop ends and str_echo returns', '-1 with an error', 'Nothing: it keeps sleeping'],
          answer: 0,
          explanation: 'The client’s FIN is end of file: read() returns 0, and (n = Read(…)) > 0 is false.',
        },
      },
    },
  },
};

export default content;
