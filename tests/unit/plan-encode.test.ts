import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { encodeAction, launchedRoles, sandboxArgs } from '../../src/plan/encode.ts';
import { concurrentPlan, doubleClosePlan, lingerZeroPlan } from '../../src/plan/examples.ts';
import { planSource } from '../../src/plan/source.ts';
import { PLAN_FORMAT, PLAN_LIMITS, PLAN_VERSION, type Plan } from '../../src/plan/types.ts';

describe('the sandbox argv of a plan', () => {
  it('gives the server launch the parent\'s and its children\'s steps, with their plan.c lines', () => {
    const source = planSource(concurrentPlan);
    const args = sandboxArgs(concurrentPlan, 'parent', 9877, source);
    expect(args.slice(0, 3)).toEqual(['--role=parent', '--port=9877', `--step=parent,${source.stepLines[0]},socket`]);
    const steps = args.filter((a) => a.startsWith('--step='));
    expect(steps.every((a) => /^--step=(parent|child#1),/.test(a))).toBe(true);
    expect(steps).toContain(`--step=child#1,${source.stepLines[9]},close,listenfd`);
    expect(steps).toHaveLength(concurrentPlan.steps.filter((s) => s.proc === 'parent' || s.proc === 'child#1').length);
  });

  it('gives a client only its own steps', () => {
    const args = sandboxArgs(concurrentPlan, 'client#1', 4000);
    const steps = args.filter((a) => a.startsWith('--step='));
    expect(steps.every((a) => a.startsWith('--step=client#1,'))).toBe(true);
    expect(steps.map((a) => a.split(',')[2])).toEqual(['socket', 'connect', 'write', 'read', 'close', 'exit']);
  });

  it('parks a role whose steps run out at its park line, and not one that exits', () => {
    const source = planSource(doubleClosePlan);
    const args = sandboxArgs(doubleClosePlan, 'parent', 1);
    expect(args).toContain(`--park=parent,${source.parkLines.parent}`);
    expect(args).toContain(`--park=child#1,${source.parkLines['child#1']}`);
    expect(sandboxArgs(concurrentPlan, 'client#1', 1).some((a) => a.startsWith('--park='))).toBe(false);
  });

  it('writes a text as lower-case hex, so no field holds a comma or a newline', () => {
    expect(encodeAction({ do: 'write', fd: 'sockfd', text: 'a,b\n' })).toBe('write,sockfd,612c620a');
    expect(encodeAction({ do: 'write', fd: 4, text: 'é' })).toBe('write,4,c3a9');
    expect(encodeAction({ do: 'write', fd: 4, text: '' })).toBe('write,4,');
  });

  it('names options, dispositions and waits as the C side reads them', () => {
    expect(encodeAction({ do: 'setsockopt', fd: 'sockfd', opt: 'SO_LINGER', onoff: 1, linger: 0 })).toBe('linger,sockfd,1,0');
    expect(encodeAction({ do: 'setsockopt', fd: 3, opt: 'SO_REUSEADDR' })).toBe('reuseaddr,3');
    expect(encodeAction({ do: 'signal', sig: 'SIGCHLD', disposition: 'handler' })).toBe('signal,handler');
    expect(encodeAction({ do: 'signal', sig: 'SIGCHLD', disposition: 'handler', restart: false })).toBe('signal,handler-intr');
    expect(encodeAction({ do: 'signal', sig: 'SIGCHLD', disposition: 'SIG_IGN' })).toBe('signal,SIG_IGN');
    expect(encodeAction({ do: 'waitpid', nohang: true })).toBe('waitpid,WNOHANG');
    expect(encodeAction({ do: 'shutdown', fd: 'connfd', how: 'SHUT_WR' })).toBe('shutdown,connfd,SHUT_WR');
    expect(encodeAction({ do: 'setrlimit', nofile: 8 })).toBe('setrlimit,8');
    expect(encodeAction({ do: 'exit', status: 3 })).toBe('exit,3');
    expect(encodeAction({ do: 'listen', fd: 'listenfd', backlog: 5 })).toBe('listen,listenfd,5');
  });

  it('launches the parent, then each spawned role in plan order', () => {
    const plan: Plan = {
      format: PLAN_FORMAT,
      version: PLAN_VERSION,
      title: 't',
      steps: [...lingerZeroPlan.steps, { do: 'spawn', proc: 'parent#2' }, { proc: 'parent#2', do: 'socket' }],
    };
    expect(launchedRoles(plan)).toEqual(['parent', 'client#1', 'parent#2']);
    const restarted = sandboxArgs(plan, 'parent#2', 7);
    expect(restarted.filter((a) => a.startsWith('--step='))).toEqual([`--step=parent#2,${planSource(plan).stepLines[plan.steps.length - 1]},socket`]);
  });
});

describe("the sandbox program's own limits (src/lab/planstep.h)", () => {
  const header = readFileSync(new URL('../../src/lab/planstep.h', import.meta.url), 'utf8');
  const define = (name: string) => header.match(new RegExp(`#define ${name}\\s+(.+?)\\s*(/\\*|$)`, 'm'))?.[1];

  it('are the plan format\'s, so a plan parsePlan accepts is one the program reads', () => {
    expect(Number(define('PLAN_STEPS_MAX'))).toBe(PLAN_LIMITS.steps);
    expect(Number(define('PLAN_TEXT_MAX'))).toBe(PLAN_LIMITS.text);
    expect(define('PLAN_PARKS_MAX')).toBe('(PLAN_STEPS_MAX + 1)');
  });
});
