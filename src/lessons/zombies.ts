import { numberedClients, oneClient, serverStart } from './common.ts';
import type { LessonContent } from './types.ts';

// Lesson 10: SIGCHLD and zombies — the default (zombies pile up), SIG_IGN (none), a handler with
// a waitpid loop (Figure 5.11), and the same handler without SA_RESTART (accept fails with EINTR;
// in that part the lab's Accept calls accept(2) directly, so the EINTR is the kernel's).
const content: LessonContent = {
  id: 'zombies',
  parts: {
    zombies: {
      steps: {
        ...serverStart,
        ...numberedClients,
        start: {
          title: 'Three clients, and nobody waits',
          narration:
            'Figure 4.13’s server again: SIGCHLD left at its default disposition, and no wait() anywhere. Three clients are served, one after another.\n\n' +
            'Watch the Processes panel: what each child becomes when it exits.',
        },
        'child1-exit': {
          title: 'Child 1 exits: a zombie',
          narration:
            'Child 1 calls exit(). The kernel frees its memory and descriptors and sends SIGCHLD to the parent; at the default disposition the signal is simply discarded.\n\n' +
            'But the kernel must keep the child’s pid and exit status until the parent collects them with wait() or waitpid(). Until then the child is a zombie: state Z in /proc, as the Processes panel shows.',
        },
        'child2-exit': {
          title: 'Child 2: a second zombie',
          narration:
            'Child 2 exits: a second zombie, also a child of pid {pid:parent}. A zombie holds no memory or files, but it keeps its pid and its entry in the process table.',
        },
        'child3-exit': {
          title: 'Child 3: a third zombie',
          narration: 'Child 3 exits: three zombies, one per client served. A server that runs for weeks would fill the process table this way, until fork() fails.',
        },
        'client3-exit': {
          title: 'Every client served; three zombies stay',
          narration:
            'All three clients are gone; their three children stay, as zombies of pid {pid:parent}. They will go only when the parent waits for them, or when it exits and init adopts and reaps them.\n\n' +
            'The next two parts fix this; the last one shows a trap in the fix.',
        },
      },
      questions: {
        'child1-exit': {
          prompt:
            'Child 1 calls exit(). Its parent, asleep waiting for the next connection, never calls wait() and leaves SIGCHLD at its default. What does the process table show for child 1?',
          choices: ['Nothing: the child is gone', 'A zombie, state Z', 'A sleeping process, state S'],
          answer: 1,
          explanation: 'A child that has exited stays a zombie until its parent collects its exit status. The default SIGCHLD disposition does not do that.',
        },
        'child3-exit': {
          prompt: 'Children 1 and 2 are zombies. How many zombies will there be after child 3 exits?',
          choices: ['1: the kernel keeps only the newest', '0: the kernel cleans zombies up after a while', '3: one per client served'],
          answer: 2,
          explanation: 'Nothing reaps them while the parent lives and does not wait: one zombie per client, for as long as the server runs.',
        },
      },
    },
    'sigchld-ignore': {
      steps: {
        ...serverStart,
        ...numberedClients,
        start: {
          title: 'Ignoring SIGCHLD',
          narration:
            'The same server with one line more, after listen(): Signal(SIGCHLD, SIG_IGN). Two clients, one after another. Watch the children as they exit.',
        },
        'parent-sigaction-ignore': {
          title: 'Signal(SIGCHLD, SIG_IGN)',
          narration:
            'sigaction() returned 0: SIGCHLD’s disposition is now SIG_IGN. Setting it explicitly is not the same as the default: POSIX says the children of a process that ignores SIGCHLD do not become zombies.',
        },
        'child1-exit': {
          title: 'Child 1 exits: no zombie',
          narration:
            'Child 1 exits, and the kernel discards it at once: no zombie, no state Z (the Processes panel marks it exited). Its exit status is thrown away: this parent had said it would not collect it.',
        },
        'child2-exit': {
          title: 'Child 2 exits: no zombie',
          narration: 'Child 2 too is gone at once. However many clients this server serves, no zombie piles up.',
        },
        'client2-exit': {
          title: 'Both clients served, no zombies',
          narration:
            'Both clients served, and the process table holds only the parent. The price of SIG_IGN: the parent can never learn how its children ended.',
        },
      },
      questions: {
        'child1-exit': {
          prompt: 'This parent set SIGCHLD to SIG_IGN. Child 1 exits. What is left of it?',
          choices: ['A zombie, until the parent waits for it', 'Nothing: it is gone at once'],
          answer: 1,
          explanation: 'Ignoring SIGCHLD explicitly tells the kernel not to keep zombies for this parent: the child is reaped as it exits.',
        },
      },
    },
    'sigchld-waitpid': {
      steps: {
        ...serverStart,
        ...numberedClients,
        start: {
          title: 'A SIGCHLD handler with waitpid (Figure 5.11)',
          narration:
            'The book’s fix: a handler, sig_chld, that calls waitpid(-1, &stat, WNOHANG) until it finds no more children. Two clients are served at once this time, and their children exit one right after the other.',
        },
        'parent-sigaction-handler': {
          title: 'Signal(SIGCHLD, sig_chld)',
          narration:
            'sigaction() returned 0: SIGCHLD now runs sig_chld, whatever the parent is doing. This Signal sets SA_RESTART, as the book’s does: a slow call the handler interrupts is restarted afterwards.',
        },
        'child1-exit': {
          title: 'Child 1 exits: the handler runs',
          narration:
            'Child 1 exits, a zombie for now. SIGCHLD interrupts the parent, asleep in poll() inside the lab’s Accept, and runs sig_chld, which stops at the lab’s gate before its first waitpid(). The wait for a connection is suspended underneath.',
        },
        'child2-exit': {
          title: 'Child 2 exits during the handler',
          narration:
            'Child 2 exits while sig_chld runs. SIGCHLD is blocked during its own handler, so this one is only marked pending — and signals are not queued: any number of SIGCHLDs pending count as one. Two zombies.',
        },
        'parent-waitpid-reaps-1': {
          title: 'waitpid() reaps child 1',
          narration: 'waitpid(-1, &stat, WNOHANG) returned child 1’s pid, with status 0: child 1 is reaped, its zombie gone. The loop calls waitpid() again.',
        },
        'parent-waitpid-reaps-2': {
          title: 'The loop reaps child 2 too',
          narration:
            'The second waitpid() returned child 2’s pid: the second zombie is reaped by the same run of the handler. That is why sig_chld loops: one SIGCHLD can stand for several children (§5.10).',
        },
        'parent-waitpid-echild': {
          title: 'ECHILD: no children left',
          narration:
            'The third waitpid() returned -1 with ECHILD: no children at all. The loop ends and sig_chld returns — and the pending SIGCHLD runs it again at once. It stops before waitpid().',
        },
        'parent-waitpid-echild-again': {
          title: 'Nothing to reap; the wait goes on',
          narration:
            'waitpid() says ECHILD again: nothing to do. The handler returns. The kernel never restarts an interrupted poll(), but the lab’s Accept sees that the handler has SA_RESTART and polls again, as the kernel itself restarts an accept() interrupted under SA_RESTART. The parent waits for a connection as if nothing had happened.',
        },
        'client1-exit': {
          title: 'Client 1 exits',
          narration: 'Client 1 ends. No zombies are left.',
        },
        'client2-exit': {
          title: 'Client 2 exits',
          narration: 'Client 2 ends. Both children were reaped by one handler loop; the server waits for more clients.',
        },
      },
      questions: {
        'parent-waitpid-reaps-2': {
          prompt: 'Two children exited, but SIGCHLD ran the handler once so far. The handler’s waitpid() reaped child 1. Will child 2 be reaped now too?',
          choices: ['No: its SIGCHLD was lost, so it stays a zombie', 'Yes: the loop calls waitpid() again and finds it'],
          answer: 1,
          explanation: 'Signals are not queued, so a handler cannot count them. The loop reaps every zombie that is there, however many SIGCHLDs arrived.',
        },
      },
    },
    'accept-eintr': {
      views: { side: 'log' },
      steps: {
        ...oneClient,
        start: {
          title: 'The handler without SA_RESTART',
          narration:
            'The sig_chld handler of the last part, installed this time without SA_RESTART, as Stevens’ Signal_intr does. One client, served as usual. Watch what happens to the parent’s accept() when the child exits: §5.9 shows the same with the book’s first handler (Figure 5.7), on a system whose signal() does not restart.\n\n' +
            'So that the call SIGCHLD interrupts is a real accept(), the lab’s Accept calls accept() at once in this part: no poll() before it, and no pause with the connection in the queue.',
        },
        'parent-sigaction-handler': {
          title: 'sigaction(SIGCHLD, sig_chld), flags 0',
          narration: 'sigaction() returned 0, with flags 0: no SA_RESTART. A slow system call that this handler interrupts will not be restarted.',
        },
        'parent-accept-blocks': {
          title: 'accept() blocks, for real',
          narration:
            'The parent calls Accept(listenfd), which here calls accept() straight away. The accept queue is empty, so the kernel puts the parent to sleep inside accept() itself, not in poll() as in the other parts.',
        },
        'client-connect': {
          title: 'connect(): accept() returns at once',
          figure: '4.15',
          narration:
            'connect() sends a SYN; the listener answers SYN,ACK; the client’s ACK completes the handshake. The kernel wakes the parent’s accept(), which takes the connection at once and returns descriptor 4, connfd: in this part the connection spends no time in the queue that a step could show.\n\n' +
            'The parent then stops at the lab’s gate, before fork().',
        },
        'parent-accept-again': {
          title: 'The parent sleeps in accept() again',
          narration: 'The parent loops back to Accept and sleeps inside accept() itself, until the next client connects or a signal interrupts it.',
        },
        'child-exit': {
          title: 'The child exits: accept() is interrupted',
          narration:
            'The child exits, a zombie for the moment. SIGCHLD interrupts the parent, asleep in accept(), and sig_chld runs; it stops at the lab’s gate before its waitpid().\n\n' +
            'The kernel broke off accept() to run the handler. What becomes of it is decided when the handler returns.',
        },
        'parent-waitpid-reaps': {
          title: 'waitpid() reaps the child',
          narration: 'waitpid() returned the child’s pid: reaped, no zombie. The loop calls waitpid() again.',
        },
        'parent-waitpid-echild-accept-eintr': {
          title: 'accept(): EINTR',
          narration:
            'waitpid() returned -1, ECHILD; the handler returned. Without SA_RESTART the kernel does not restart the interrupted accept(): it returned -1 with errno EINTR, “Interrupted system call” (see the event log).\n\n' +
            'The lab’s Accept, like Stevens’, retries only ECONNABORTED and EPROTO (a connection aborted in the queue, §5.11). Any other error goes to err_sys, which printed “accept error: Interrupted system call” and exited with status 1. A server that catches signals must call accept() again when it fails with EINTR, as §5.9 says and the book’s final server does (Figure 5.12).',
        },
        'client-exit': {
          title: 'The client exits',
          narration:
            'The client ends, its socket in TIME_WAIT. The server is gone, and no signal killed it: it exited with status 1 through err_sys, because a child’s exit interrupted an accept() that was not restarted.',
        },
      },
      questions: {
        'parent-waitpid-echild-accept-eintr': {
          prompt: 'The handler finds no more children and returns. It interrupted accept(), and SA_RESTART is not set. What does accept() do?',
          choices: ['Goes on waiting, as if nothing had happened', 'Returns -1 with errno EINTR', 'Returns the next connection'],
          answer: 1,
          explanation: 'Without SA_RESTART, a slow system call interrupted by a caught signal fails with EINTR; the program must retry it.',
        },
      },
    },
  },
};

export default content;
