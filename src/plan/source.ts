// A plan as the C a student would write: one line per call, per process, in the style of the
// lab's own programs (capitalized Stevens wrappers). The sandbox program (src/lab/sandbox.c)
// writes these line numbers in its call events (file "plan.c"), and so does the prediction, so
// the source panel marks each process's current line in this listing as it does in server.c.
//
// Layout: the server's section (`parent`), each fork opening the block of the child it creates;
// then each restarted server and each client, in the order they are spawned. A process whose
// steps run out waits on its section's last line, `for ( ; ; ) Pause();`, as a server does
// between clients (the sandbox program parks there, at a gate that is never opened).

import { isProcessStep, kindOfRole, PLAN_SOURCE_FILE, type FdRef, type Plan, type PlanStep, type ProcessAction } from './types.ts';

export interface PlanSource {
  file: typeof PLAN_SOURCE_FILE;
  text: string;
  /** For each step of the plan (by index): the 1-based line of its call, or null for a step done from outside. */
  stepLines: (number | null)[];
  /** For each process: the line where it waits once its steps run out (absent if its last step is exit). */
  parkLines: Record<string, number>;
}

/** A C string literal for `text`. */
export function cString(text: string): string {
  let out = '"';
  for (const ch of text) {
    if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch < ' ' || ch > '~') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function fd(ref: FdRef): string {
  return String(ref);
}

/** One call as a line of C (without indentation). */
export function actionLine(role: string, a: ProcessAction): string {
  switch (a.do) {
    case 'socket':
      return `${kindOfRole(role) === 'client' ? 'sockfd' : 'listenfd'} = Socket(AF_INET, SOCK_STREAM, 0);`;
    case 'setsockopt':
      return a.opt === 'SO_REUSEADDR'
        ? `Setsockopt(${fd(a.fd)}, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));`
        : `ling = (struct linger) {${a.onoff}, ${a.linger}}; Setsockopt(${fd(a.fd)}, SOL_SOCKET, SO_LINGER, &ling, sizeof(ling));`;
    case 'bind':
      return `Bind(${fd(a.fd)}, (SA *) &servaddr, sizeof(servaddr));`;
    case 'listen':
      return `Listen(${fd(a.fd)}, ${a.backlog});`;
    case 'accept':
      return `connfd = Accept(${fd(a.fd)}, (SA *) &cliaddr, &clilen);`;
    case 'connect':
      return `Connect(${fd(a.fd)}, (SA *) &servaddr, sizeof(servaddr));`;
    case 'fork':
      return 'if ( (childpid = Fork()) == 0) {';
    case 'close':
      return `Close(${fd(a.fd)});`;
    case 'shutdown':
      return `Shutdown(${fd(a.fd)}, ${a.how});`;
    case 'read':
      return `n = Read(${fd(a.fd)}, buf, MAXLINE);`;
    case 'write':
      return `Write(${fd(a.fd)}, ${cString(a.text)}, ${new TextEncoder().encode(a.text).length});`;
    case 'signal': {
      const handler = a.disposition === 'handler' ? 'sig_chld' : a.disposition;
      return a.disposition === 'handler' && a.restart === false ? `Signal_intr(SIGCHLD, ${handler});` : `Signal(SIGCHLD, ${handler});`;
    }
    case 'waitpid':
      return `pid = Waitpid(-1, &stat, ${a.nohang ? 'WNOHANG' : '0'});`;
    case 'setrlimit':
      return `rl.rlim_cur = rl.rlim_max = ${a.nofile}; Setrlimit(RLIMIT_NOFILE, &rl);`;
    case 'exit':
      return `Exit(${a.status});`;
  }
}

/** The plan's C listing, with the line of every step. */
export function planSource(plan: Plan): PlanSource {
  const lines: string[] = [];
  const stepLines: (number | null)[] = plan.steps.map(() => null);
  const parkLines: Record<string, number> = {};
  const byRole = new Map<string, { index: number; step: PlanStep }[]>();
  const order: string[] = ['parent'];
  const forksOf = new Map<string, number>();
  /** child role → index of the fork step that creates it */
  const forkStep = new Map<number, string>();
  plan.steps.forEach((step, index) => {
    const role = step.proc;
    if (step.do === 'spawn' && !order.includes(role)) order.push(role);
    if (!isProcessStep(step)) return;
    if (!byRole.has(role)) byRole.set(role, []);
    byRole.get(role)!.push({ index, step });
    if (step.do === 'fork') {
      const n = (forksOf.get(role) ?? 0) + 1;
      forksOf.set(role, n);
      forkStep.set(index, `child#${n}`);
    }
  });

  const push = (depth: number, text: string): number => {
    lines.push(`${'\t'.repeat(depth)}${text}`);
    return lines.length;
  };

  const section = (role: string, depth: number): void => {
    const steps = byRole.get(role) ?? [];
    for (const { index, step } of steps) {
      if (!isProcessStep(step)) continue;
      stepLines[index] = push(depth, actionLine(role, step));
      const child = forkStep.get(index);
      if (child !== undefined) {
        push(depth + 1, `/* ${child}: fork returned 0 */`);
        section(child, depth + 1);
        push(depth, '}');
      }
    }
    const last = steps[steps.length - 1]?.step;
    if (last?.do !== 'exit') parkLines[role] = push(depth, `for ( ; ; ) Pause();\t/* ${role}: nothing more to do */`);
  };

  push(0, `/* ${PLAN_SOURCE_FILE}: ${plan.title.replace(/\*\//g, '* /')} */`);
  push(0, '/* Each line is one step of the plan: one real system call by the process it names. */');
  for (const role of order) {
    push(0, '');
    push(0, `/* ${role} (${kindOfRole(role) === 'client' ? 'a client' : role === 'parent' ? 'the server' : 'the server, started again'}) */`);
    section(role, 0);
  }
  return { file: PLAN_SOURCE_FILE, text: `${lines.join('\n')}\n`, stepLines, parkLines };
}
