// The student's own prediction, recorded before the run: a few multiple-choice questions made
// from the plan alone, each answered afterwards by the run's Outcome (outcome.ts). Pure.
//
//   timewait-<client>   which side of that client's connection ends in TIME_WAIT
//   eof-<client>        whether a read of that client returns 0 (end of file)
//   close-<step>        what a close of a connection's descriptor sends: FIN, RST or nothing
//   zombies             how many zombies are left at the end
//   failures            whether any call fails (returns -1)

import type { Outcome } from './outcome.ts';
import { isProcessStep, planStepLabel, type Plan } from './types.ts';

export type GuessTopic =
  | { kind: 'timeWait'; client: string; server: string }
  | { kind: 'eof'; role: string }
  | { kind: 'closeSends'; label: string; role: string; what: string }
  | { kind: 'zombies'; forks: number }
  | { kind: 'failures' };

export interface GuessOption {
  id: string;
  text: string;
}

export interface GuessQuestion {
  id: string;
  text: string;
  options: GuessOption[];
  /** What the question asks, for scoring (from the plan alone). */
  topic: GuessTopic;
}

export interface GuessScore {
  id: string;
  /** The option the student chose; null when they did not answer. */
  answer: string | null;
  /** The option the run bore out. */
  actual: string;
  correct: boolean;
  explanation: string;
}

/** At most this many close questions: the first close of a connection by each process, in plan order. */
const MAX_CLOSE_QUESTIONS = 3;

/**
 * Who serves each client, read from the plan alone: the k-th accept of a server takes the k-th
 * connect (one listener, a FIFO queue); a fork right after it hands the connection to the child.
 */
export function serversOfPlan(plan: Plan): Map<string, string> {
  const queue: string[] = [];
  const served = new Map<string, string>();
  /** Which client a server process's connfd is, as it stands. */
  const connfdOf = new Map<string, string>();
  let forks = 0;
  for (const step of plan.steps) {
    if (!isProcessStep(step)) continue;
    if (step.do === 'connect') queue.push(step.proc);
    if (step.do === 'accept') {
      const client = queue.shift();
      if (client) {
        connfdOf.set(step.proc, client);
        served.set(client, step.proc);
      }
    }
    if (step.do === 'fork') {
      forks++;
      const client = connfdOf.get(step.proc);
      if (client) {
        connfdOf.set(`child#${forks}`, client);
        if (!served.get(client)?.startsWith('child#')) served.set(client, `child#${forks}`);
      }
    }
  }
  return served;
}

/** The questions for a plan, in a sensible order (the connection's end first, the process table last). */
export function guessQuestions(plan: Plan): GuessQuestion[] {
  const questions: GuessQuestion[] = [];
  const servers = serversOfPlan(plan);
  const steps = plan.steps;
  const clients = [...new Set(steps.filter((s) => isProcessStep(s) && s.do === 'connect').map((s) => s.proc))];
  for (const client of clients) {
    const server = servers.get(client) ?? 'the server';
    questions.push({
      id: `timewait-${client}`,
      text: `Which side of the connection ${client} ↔ ${server} ends in TIME_WAIT?`,
      options: [
        { id: 'client', text: client },
        { id: 'server', text: server },
        { id: 'both', text: 'both' },
        { id: 'neither', text: 'neither' },
      ],
      topic: { kind: 'timeWait', client, server },
    });
  }
  for (const client of clients) {
    if (!steps.some((s) => s.proc === client && s.do === 'read')) continue;
    questions.push({
      id: `eof-${client}`,
      text: `Does ${client} see end of file (a read that returns 0)?`,
      options: yesNo(),
      topic: { kind: 'eof', role: client },
    });
  }
  const asked = new Set<string>();
  steps.forEach((s, i) => {
    if (s.do !== 'close' || s.fd === 'listenfd' || asked.has(s.proc) || asked.size >= MAX_CLOSE_QUESTIONS) return;
    asked.add(s.proc);
    const what = `${s.proc}'s close(${s.fd})`;
    questions.push({
      id: `close-${i + 1}`,
      text: `What does step ${i + 1}, ${what}, send?`,
      options: [
        { id: 'FIN', text: 'a FIN' },
        { id: 'RST', text: 'an RST' },
        { id: 'nothing', text: 'nothing' },
      ],
      topic: { kind: 'closeSends', label: planStepLabel(i), role: s.proc, what },
    });
  });
  const forks = steps.filter((s) => s.do === 'fork').length;
  if (forks > 0) {
    const counts = Array.from({ length: Math.min(forks, 3) + 1 }, (_, n) => n);
    questions.push({
      id: 'zombies',
      text: 'How many zombies are left at the end?',
      options: counts.map((n) => ({ id: String(n), text: n === 3 && forks > 3 ? '3 or more' : String(n) })),
      topic: { kind: 'zombies', forks },
    });
  }
  questions.push({ id: 'failures', text: 'Does any call fail (return -1 with an errno)?', options: yesNo(), topic: { kind: 'failures' } });
  return questions;
}

function yesNo(): GuessOption[] {
  return [
    { id: 'yes', text: 'yes' },
    { id: 'no', text: 'no' },
  ];
}

/** Score the student's answers (question id → option id) against what the run came to. */
export function scoreGuesses(questions: readonly GuessQuestion[], answers: Readonly<Record<string, string>>, outcome: Outcome): GuessScore[] {
  return questions.map((q) => {
    const { actual, explanation } = answerFrom(q.topic, outcome);
    const answer = answers[q.id] ?? null;
    return { id: q.id, answer, actual, correct: answer === actual, explanation: outcome.stalled ? `${explanation} (The run stopped early: ${outcome.stalled}.)` : explanation };
  });
}

function answerFrom(topic: GuessTopic, o: Outcome): { actual: string; explanation: string } {
  switch (topic.kind) {
    case 'timeWait': {
      const c = o.connections.find((x) => x.client === topic.client);
      if (!c) return { actual: 'neither', explanation: `${topic.client} never had a connection, so nobody waits in TIME_WAIT for it.` };
      const sides = c.timeWait.map((t) => t.side);
      const actual = sides.length === 2 ? 'both' : sides[0] ?? 'neither';
      const first = o.signals.find((s) => s.from.startsWith(`connection ${c.client} ↔`));
      const states = `${c.client}'s end is ${c.clientState}, ${c.server}'s is ${c.serverState} at the end.`;
      const why =
        first === undefined
          ? 'Neither side closed: no FIN, so no TIME_WAIT.'
          : first.flag === 'RST'
            ? `An RST ended it (${first.why}): an aborted connection leaves no TIME_WAIT.`
            : `The first FIN came from the ${first.from.endsWith('(client end)') ? c.client : c.server} side (${first.why}): the side that closes first holds TIME_WAIT, once the other side's FIN arrives.`;
      return { actual, explanation: `${states} ${why}` };
    }
    case 'eof': {
      const seen = o.endOfFile.find((e) => e.role === topic.role);
      return seen
        ? { actual: 'yes', explanation: `${seen.role}'s read of ${seen.descriptor} returned 0 at step ${seen.step} (${seen.label}): the peer's FIN had arrived and every byte before it was read.` }
        : { actual: 'no', explanation: `No read of ${topic.role} returned 0: no FIN reached it before a read (or it did not read after one).` };
    }
    case 'closeSends': {
      const close = o.closes.find((c) => c.label === topic.label && c.role === topic.role);
      if (!close) {
        const failed = o.failedCalls.find((f) => f.label === topic.label && f.role === topic.role);
        return { actual: 'nothing', explanation: failed ? `${topic.what} failed with ${failed.errno}: nothing was closed.` : `${topic.what} did not run.` };
      }
      const signal = o.signals.find((s) => s.label === topic.label && s.role === topic.role && s.call === `close(${close.fd})`);
      if (close.sent === null) {
        return { actual: 'nothing', explanation: `${topic.what} took the open file's count from ${close.countBefore} to ${close.countAfter}: ${close.countAfter > 0 ? 'another descriptor still names the socket, so it stays open and nothing is sent' : 'the socket had no connection to end'}.` };
      }
      return { actual: close.sent, explanation: signal ? `${signal.why}: the socket closes, and sends ${close.sent === 'FIN' ? 'a FIN' : 'an RST'}.` : `${topic.what} sent ${close.sent}.` };
    }
    case 'zombies': {
      const n = o.zombies.length;
      const actual = String(Math.min(n, 3));
      return { actual, explanation: n === 0 ? 'No zombies: every child that ended was reaped (waitpid, the SIGCHLD handler, or SIGCHLD ignored), or none ended.' : `Zombies at the end: ${o.zombies.join(', ')}: they ended, and their parent has not waited for them.` };
    }
    case 'failures': {
      const f = o.failedCalls;
      return f.length === 0
        ? { actual: 'no', explanation: 'Every call succeeded.' }
        : { actual: 'yes', explanation: `Failed: ${f.map((x) => `${x.role}'s ${x.call} at step ${x.step} (${x.errno})`).join('; ')}.` };
    }
  }
}
