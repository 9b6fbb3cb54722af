import { describe, expect, it } from 'vitest';
import { concurrentPlan, doubleClosePlan, SERVER_START } from '../../src/plan/examples.ts';
import {
  defaultStep,
  descriptorsFor,
  insertStep,
  moveStep,
  offeredActions,
  offeredOutside,
  outsideChoiceText,
  planRoles,
  processesAt,
  removeStep,
  START_FORM,
  stepFromForm,
  stepText,
} from '../../src/plan/editor.ts';
import { parsePlan } from '../../src/plan/parse.ts';
import { predictPlan } from '../../src/plan/predict.ts';
import { DROP_SEGMENTS, KILL_SIGNALS, PLAN_FORMAT, PLAN_VERSION, type Plan, type PlanStep } from '../../src/plan/types.ts';

const plan = (steps: PlanStep[]): Plan => ({ format: PLAN_FORMAT, version: PLAN_VERSION, title: 't', steps });
const acceptIndex = concurrentPlan.steps.findIndex((s) => s.do === 'accept');
const forkIndex = concurrentPlan.steps.findIndex((s) => s.do === 'fork');

describe('which actions the editor offers', () => {
  it('offers no accept before listen, and accept after it', () => {
    expect(offeredActions(plan([]), 0, 'parent')).not.toContain('accept');
    expect(offeredActions(plan(SERVER_START.slice(0, 2)), 2, 'parent')).not.toContain('accept');
    expect(offeredActions(plan(SERVER_START), 3, 'parent')).toContain('accept');
  });

  it('offers bind only on a socket not yet bound, and read only on a connected one', () => {
    const p = plan(SERVER_START.slice(0, 1));
    expect(offeredActions(p, 1, 'parent')).toContain('bind');
    expect(offeredActions(p, 1, 'parent')).not.toContain('read');
    expect(offeredActions(concurrentPlan, acceptIndex + 1, 'parent')).toContain('read');
  });

  it('lets only the parent fork, and a client connect', () => {
    expect(offeredActions(concurrentPlan, forkIndex + 1, 'child#1')).not.toContain('fork');
    const clientSocket = concurrentPlan.steps.findIndex((s) => s.proc === 'client#1' && s.do === 'socket');
    expect(offeredActions(concurrentPlan, clientSocket + 1, 'client#1')).toEqual(expect.arrayContaining(['connect', 'exit']));
    expect(offeredActions(concurrentPlan, clientSocket + 1, 'client#1')).not.toContain('accept');
  });

  it('offers nothing to a process that does not exist yet or has ended', () => {
    expect(offeredActions(concurrentPlan, 0, 'child#1')).toEqual([]);
    expect(offeredActions(concurrentPlan, concurrentPlan.steps.length, 'child#1')).toEqual([]);
  });

  it('still offers a second close of a closed descriptor (an experiment: EBADF)', () => {
    const end = doubleClosePlan.steps.length - 1;
    const fds = descriptorsFor(doubleClosePlan, end, 'parent', 'close');
    expect(fds.find((d) => d.name === 'connfd')).toMatchObject({ fd: 4, open: false, label: '4 (connfd, closed)' });
  });
});

describe('descriptors a process has', () => {
  it('after fork, the child has the parent\'s listenfd and connfd by name', () => {
    const child = processesAt(concurrentPlan, forkIndex + 1).find((p) => p.role === 'child#1')!;
    expect(child.descriptors.map((d) => d.label)).toEqual(['3 (listenfd)', '4 (connfd)']);
  });

  it('names a descriptor by number once its name moved to a newer one', () => {
    const p = plan([...SERVER_START, { do: 'spawn', proc: 'client#1' }, { proc: 'client#1', do: 'socket' }, { proc: 'client#1', do: 'connect', fd: 'sockfd' },
      { do: 'spawn', proc: 'client#2' }, { proc: 'client#2', do: 'socket' }, { proc: 'client#2', do: 'connect', fd: 'sockfd' },
      { proc: 'parent', do: 'accept', fd: 'listenfd' }, { proc: 'parent', do: 'accept', fd: 'listenfd' }]);
    const refs = descriptorsFor(p, p.steps.length, 'parent', 'read').map((d) => d.ref);
    expect(refs).toEqual([4, 'connfd']);
  });
});

describe('outside actions', () => {
  it('starts the next client and kills live processes', () => {
    const out = offeredOutside(concurrentPlan, forkIndex + 1);
    expect(out).toContainEqual({ do: 'spawn', proc: 'client#2' });
    expect(out).toContainEqual({ do: 'kill', proc: 'child#1', signal: 'SIGTERM' });
  });

  it('offers a restarted server only once every server has ended', () => {
    expect(offeredOutside(plan([]), 0).some((s) => s.proc.startsWith('parent#'))).toBe(false);
    expect(offeredOutside(plan([{ proc: 'parent', do: 'exit', status: 0 }]), 1)).toContainEqual({ do: 'spawn', proc: 'parent#2' });
  });

  const drops = (p: Plan, i: number) => offeredOutside(p, i).filter((s) => s.do === 'drop');
  const clientSocket = plan([...SERVER_START, { do: 'spawn', proc: 'client#1' }, { proc: 'client#1', do: 'socket' }]);

  it('offers a drop at any socket a live process has open: a listener, a fresh client socket before connect, a connected one', () => {
    expect(drops(plan([]), 0)).toEqual([]);
    expect(drops(clientSocket, clientSocket.steps.length)).toEqual([
      { do: 'drop', proc: 'parent', fd: 'listenfd', segment: 'FIN' },
      { do: 'drop', proc: 'client#1', fd: 'sockfd', segment: 'FIN' },
    ]);
    expect(descriptorsFor(clientSocket, 1, 'parent', 'drop').map((d) => d.label)).toEqual(['3 (listenfd)']);
    expect(descriptorsFor(concurrentPlan, forkIndex + 2, 'parent', 'drop').map((d) => d.label)).toEqual(['3 (listenfd)']); // connfd closed
    expect(descriptorsFor(concurrentPlan, forkIndex + 1, 'child#1', 'drop').map((d) => d.label)).toEqual(['3 (listenfd)', '4 (connfd)']);
    // At the end only the parent is alive, with its listener: no drop at an ended process.
    expect(drops(concurrentPlan, concurrentPlan.steps.length)).toEqual([{ do: 'drop', proc: 'parent', fd: 'listenfd', segment: 'FIN' }]);
  });

  it('every kill signal and every drop segment the form can choose makes a step parsePlan accepts', () => {
    const i = clientSocket.steps.length;
    const [kill] = offeredOutside(clientSocket, i).filter((s) => s.do === 'kill');
    for (const signal of KILL_SIGNALS) {
      const step = stepFromForm(kill!, { ...START_FORM, signal });
      expect(step).toEqual({ do: 'kill', proc: 'parent', signal });
      expect(parsePlan(insertStep(clientSocket, i, step)).ok).toBe(true);
    }
    const drop = drops(clientSocket, i).find((s) => s.proc === 'client#1')!;
    for (const segment of DROP_SEGMENTS) {
      const step = stepFromForm(drop, { ...START_FORM, segment });
      expect(step).toEqual({ do: 'drop', proc: 'client#1', fd: 'sockfd', segment });
      expect(parsePlan(insertStep(clientSocket, i, step)).ok).toBe(true);
    }
  });

  it('reads a kill and a drop in the action menu by whom they are done to', () => {
    const out = offeredOutside(clientSocket, clientSocket.steps.length).map(outsideChoiceText);
    expect(out).toEqual(['start client#2', 'kill parent', 'kill client#1', 'drop a segment at parent', 'drop a segment at client#1']);
  });

  // The headline experiments, composed as the adder composes them.
  const composed = (p: Plan, index: number, proc: string, fd: string, segment: (typeof DROP_SEGMENTS)[number]) => {
    const drop = drops(p, index).find((s) => s.proc === proc)!;
    expect(descriptorsFor(p, index, proc, 'drop').map((d) => d.ref)).toContain(fd);
    return insertStep(p, index, stepFromForm(drop, { ...START_FORM, fd, segment }));
  };
  const lost = (p: Plan) => predictPlan(p).records.filter((r) => r.kind === 'lost').map((r) => ('segment' in r ? r.segment : null));

  it('composes "lose the last ACK": a drop of ACK at the passive closer\'s socket before it closes', () => {
    const childClose = concurrentPlan.steps.findLastIndex((s) => s.proc === 'child#1' && s.do === 'close');
    const p = composed(concurrentPlan, childClose, 'child#1', 'connfd', 'ACK');
    expect(parsePlan(p).ok).toBe(true);
    expect(lost(p)).toEqual(['ACK']);
  });

  it('composes "drop the SYN-ACK": a drop at a client\'s socket before connect', () => {
    const connect = concurrentPlan.steps.findIndex((s) => s.proc === 'client#1' && s.do === 'connect');
    const p = composed(concurrentPlan, connect, 'client#1', 'sockfd', 'SYN-ACK');
    expect(parsePlan(p).ok).toBe(true);
    // The model does not hold SYN_SENT yet: its prediction stops at this drop (docs/design.md); a real run holds it.
    expect(predictPlan(p).stalled?.message).toMatch(/SYN-ACK drop/);
  });
});

describe('default steps', () => {
  it('every offered action gives a step parsePlan accepts where it is inserted', () => {
    for (let i = 0; i <= concurrentPlan.steps.length; i++) {
      for (const role of planRoles(concurrentPlan)) {
        for (const action of offeredActions(concurrentPlan, i, role)) {
          const step = defaultStep(concurrentPlan, i, role, action)!;
          const result = parsePlan(insertStep(concurrentPlan, i, step));
          // Inserting can break a later step (an exit before the process's next call); the step itself must be fine.
          if (!result.ok) expect(result.error).not.toMatch(new RegExp(`^step ${i + 1}:`));
        }
      }
    }
  });
});

describe('the step a form describes', () => {
  const at = (step: PlanStep, form: Partial<typeof START_FORM>) => stepFromForm(step, { ...START_FORM, ...form });

  it('clamps numbers to the plan\'s caps and falls back when a field holds none', () => {
    const listen: PlanStep = { proc: 'parent', do: 'listen', fd: 'listenfd', backlog: 5 };
    expect(at(listen, { backlog: '1000' })).toMatchObject({ backlog: 128 });
    expect(at(listen, { backlog: '-3' })).toMatchObject({ backlog: 0 });
    expect(at(listen, { backlog: 'many' })).toMatchObject({ backlog: 5 });
    const rlimit: PlanStep = { proc: 'parent', do: 'setrlimit', nofile: 8 };
    expect(at(rlimit, { nofile: '1' })).toMatchObject({ nofile: 4 });
    expect(at(rlimit, { nofile: '99' })).toMatchObject({ nofile: 64 });
    expect(at({ proc: 'parent', do: 'exit', status: 0 }, { status: '300' })).toMatchObject({ status: 255 });
  });

  it('reads \\n in a write\'s text as a newline, and an empty text as the default', () => {
    const write: PlanStep = { proc: 'client#1', do: 'write', fd: 'sockfd', text: 'hello\n' };
    expect(at(write, {})).toMatchObject({ text: 'hello\n' });
    expect(at(write, { text: 'a\\nb\\n' })).toMatchObject({ text: 'a\nb\n' });
    expect(at(write, { text: '' })).toMatchObject({ text: 'hello\n' });
  });

  it('names the chosen descriptor by name or by number', () => {
    const close: PlanStep = { proc: 'parent', do: 'close', fd: 'listenfd' };
    expect(at(close, { fd: 'connfd' })).toEqual({ proc: 'parent', do: 'close', fd: 'connfd' });
    expect(at(close, { fd: '4' })).toEqual({ proc: 'parent', do: 'close', fd: 4 });
    expect(at(close, { fd: '' })).toEqual(close);
  });

  it('maps the handler without restart to restart: false, and SO_LINGER to {1, 0}', () => {
    const signal: PlanStep = { proc: 'parent', do: 'signal', sig: 'SIGCHLD', disposition: 'handler' };
    expect(at(signal, { disposition: 'handler-intr' })).toEqual({ ...signal, restart: false });
    expect(at(signal, { disposition: 'SIG_IGN' })).toEqual({ ...signal, disposition: 'SIG_IGN' });
    const opt: PlanStep = { proc: 'client#1', do: 'setsockopt', fd: 'sockfd', opt: 'SO_REUSEADDR' };
    expect(at(opt, { option: 'SO_LINGER 1 0' })).toEqual({ proc: 'client#1', do: 'setsockopt', fd: 'sockfd', opt: 'SO_LINGER', onoff: 1, linger: 0 });
    expect(at({ proc: 'parent', do: 'waitpid', nohang: false }, { nohang: true })).toMatchObject({ nohang: true });
    expect(at({ proc: 'parent', do: 'shutdown', fd: 'connfd', how: 'SHUT_WR' }, { how: 'SHUT_RDWR' })).toMatchObject({ how: 'SHUT_RDWR' });
  });
});

describe('edits', () => {
  it('moves, inserts and removes steps, keeping the rest in order', () => {
    const p = plan(SERVER_START);
    expect(moveStep(p, 2, 0).steps.map((s) => s.do)).toEqual(['listen', 'socket', 'bind']);
    expect(moveStep(p, 0, 2).steps.map((s) => s.do)).toEqual(['bind', 'listen', 'socket']);
    expect(removeStep(p, 1).steps.map((s) => s.do)).toEqual(['socket', 'listen']);
    expect(insertStep(p, 3, { proc: 'parent', do: 'exit', status: 0 }).steps).toHaveLength(4);
    expect(p.steps).toHaveLength(3);
  });

  it('a move the order forbids is left for parsePlan to name', () => {
    const moved = moveStep(concurrentPlan, forkIndex + 2, 0);
    expect(parsePlan(moved)).toEqual({ ok: false, error: expect.stringMatching(/^step 1: child#1 does not exist yet/) });
  });
});

describe('step text', () => {
  it('reads like the call', () => {
    expect(stepText({ proc: 'parent', do: 'close', fd: 'connfd' })).toBe('close(connfd)');
    expect(stepText({ proc: 'client#1', do: 'setsockopt', fd: 'sockfd', opt: 'SO_LINGER', onoff: 1, linger: 0 })).toBe('setsockopt(sockfd, SO_LINGER {1, 0})');
    expect(stepText({ do: 'spawn', proc: 'client#1' })).toBe('start client#1');
  });
});

describe('columns', () => {
  it('puts the servers first, then the children, then the clients', () => {
    expect(planRoles(concurrentPlan)).toEqual(['parent', 'child#1', 'client#1']);
  });
});
