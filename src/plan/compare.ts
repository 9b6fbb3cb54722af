// Prediction against reality: the model's states at each step of a predicted trace and of the
// real run of the same plan, fact by fact. Both are read through the same model (walk.ts); the
// real trace's model agrees with its kernel snapshots (the check proves that step by step), so
// comparing models compares the prediction with the kernel. Things are named by roles, never by
// pid or port: those differ from one run to the next.
// docs/plan-format.md, "Outcome and comparison", says what is compared; keep them together.

import { statusOf } from '../model/process.ts';
import type { SystemContext } from '../model/state.ts';
import type { Trace } from '../trace/types.ts';
import { endsStep, stateOf, walkTrace, type EndNames } from './walk.ts';

export type PlanFact = 'return' | 'tcpState' | 'refCount' | 'process' | 'descriptor' | 'stall';

export interface PlanDifference {
  /** What the fact is about, for people: "client#1 sockfd 3", "connection client#1 ↔ child#1 (client end)", "child#1". */
  subject: string;
  fact: PlanFact;
  predicted: string;
  real: string;
}

export interface StepComparison {
  step: number;
  label: string;
  differences: PlanDifference[];
}

/** One fact of one step, keyed so that the two runs' facts meet; the subject is said with the names of the run. */
interface Fact {
  fact: PlanFact;
  subject: (names: EndNames) => string;
  value: (names: EndNames) => string;
}

interface StepView {
  step: number;
  label: string;
  facts: Map<string, Fact>;
}

interface RunView {
  steps: Map<string, StepView>;
  names: EndNames;
  /** The `end` event's message when the run stopped early (a stalled plan). */
  stopped: string | null;
}

const NOT_OPEN = 'not open';

/** What a process is doing, for people. */
function processText(p: SystemContext['processes'] extends ReadonlyMap<number, infer P> ? P : never): string {
  const status = statusOf(p.life);
  const pending = p.calls.pending?.fn;
  switch (status) {
    case 'at-gate':
      return `at the gate before ${pending}()`;
    case 'blocked':
      return `blocked in ${pending}()`;
    case 'zombie':
      return 'a zombie';
    case 'exited':
      return p.exitSignal ? `killed by ${p.exitSignal}` : `exited (status ${p.exitStatus ?? 0})`;
    default:
      return status;
  }
}

/** The model's facts at the end of a step, keyed by roles and ends. */
function factsAt(ctx: SystemContext, names: EndNames, seenRoles: ReadonlySet<string>): Map<string, Fact> {
  const facts = new Map<string, Fact>();
  const roles = new Set<string>();
  for (const p of ctx.processes.values()) {
    roles.add(p.role);
    const text = processText(p);
    facts.set(`process ${p.role}`, { fact: 'process', subject: () => p.role, value: () => text });
    for (const [fdText, fileId] of Object.entries(p.fds)) {
      const fd = Number(fdText);
      const file = ctx.files.get(fileId);
      const key = file ? names.keyOf(file.endpointId) : fileId;
      const role = p.role;
      const subject = (n: EndNames) => n.fdName(role, fd);
      facts.set(`fd ${role} ${fd}`, { fact: 'descriptor', subject, value: (n) => n.endName(key) });
      facts.set(`count ${role} ${fd}`, { fact: 'refCount', subject, value: () => `count ${file?.refs.count ?? 0}` });
    }
  }
  // A process the model has let go (reaped in an earlier step) is gone, not absent from the start.
  for (const role of seenRoles) {
    if (!roles.has(role)) facts.set(`process ${role}`, { fact: 'process', subject: () => role, value: () => 'gone (reaped)' });
  }
  for (const [key, epId] of names.endpointIds()) {
    const state = stateOf(ctx, epId);
    facts.set(`tcp ${key}`, { fact: 'tcpState', subject: (n) => n.endName(key), value: () => state });
  }
  return facts;
}

function readRun(trace: Trace): RunView {
  const steps = new Map<string, StepView>();
  const seenRoles = new Set<string>();
  /** The returns of the step being read, keyed "role fn #k". */
  let returns = new Map<string, Fact>();
  const names = walkTrace(trace, (f, names) => {
    const e = f.event;
    if ('role' in e && e.kind !== 'signal') seenRoles.add(e.role);
    if (e.kind === 'return') {
      const args = f.before.processes.get(e.pid)?.calls.last?.args;
      const fd = typeof args?.fd === 'number' ? args.fd : null;
      let k = 1;
      while (returns.has(`return ${e.role} ${e.fn} #${k}`)) k++;
      const { role, fn, ret, errno } = e;
      returns.set(`return ${e.role} ${e.fn} #${k}`, {
        fact: 'return',
        subject: (n) => `${role} ${fn}(${fd === null ? '' : n.fdName(role, fd).slice(role.length + 1)})${k > 1 ? ` (its ${k}th return this step)` : ''}`,
        value: (n) => returnText(fn, ret, errno, n),
      });
    }
    if (endsStep(e)) {
      const facts = factsAt(f.after, names, seenRoles);
      for (const [key, fact] of returns) facts.set(key, fact);
      steps.set(e.label, { step: e.step, label: e.label, facts });
      returns = new Map();
    }
  });
  const end = trace.events[trace.events.length - 1];
  const stopped = end?.kind === 'end' && end.reason !== 'completed' ? (end.message ?? `the run ended (${end.reason})`) : null;
  return { steps, names, stopped };
}

/** A call's result for people, without pids (they differ between runs): fork and waitpid name roles instead. */
function returnText(fn: string, ret: number, errno: string | null, names: EndNames): string {
  if (ret === -1 || errno !== null) return `-1 ${errno ?? ''}`.trim();
  if (fn === 'fork') return ret === 0 ? '0 (in the child)' : 'the child\'s pid (in the parent)';
  if (fn === 'waitpid' && ret > 0) return `the pid of ${names.roleOfPid.get(ret) ?? 'a child'}`;
  return String(ret);
}

function stepNumber(label: string): number {
  const m = /^step-(\d+)$/.exec(label);
  return label === 'start' ? 0 : m ? Number(m[1]) : Number.MAX_SAFE_INTEGER;
}

/**
 * Compare the prediction of a plan with its real run, step by step (matched by label). Each step
 * of either run gets a comparison, in order; `differences` is empty where they agree. A step one
 * run has and the other does not (a stall) is a `stall` difference with what each run said.
 */
export function comparePlanRuns(predicted: Trace, real: Trace): StepComparison[] {
  const p = readRun(predicted);
  const r = readRun(real);
  const labels = [...new Set([...p.steps.keys(), ...r.steps.keys()])].sort((a, b) => stepNumber(a) - stepNumber(b));
  const out: StepComparison[] = labels.map((label) => {
    const ps = p.steps.get(label);
    const rs = r.steps.get(label);
    const step = ps?.step ?? rs!.step;
    if (!ps || !rs) {
      const missing = (run: RunView) => run.stopped ?? 'the run ended before this step';
      return {
        step,
        label,
        differences: [
          { subject: `step ${step}`, fact: 'stall', predicted: ps ? 'the step ran' : missing(p), real: rs ? 'the step ran' : missing(r) },
        ],
      };
    }
    return { step, label, differences: compareFacts(ps.facts, rs.facts, p.names, r.names) };
  });
  // Both stopped at the same step, for different reasons: say so at the step where they stopped.
  if (p.stopped !== null && r.stopped !== null && p.stopped !== r.stopped) {
    const step = labels.length === 0 ? 0 : Math.max(...labels.map((l) => (p.steps.get(l) ?? r.steps.get(l))!.step)) + 1;
    out.push({ step, label: `step-${step}`, differences: [{ subject: `step ${step}`, fact: 'stall', predicted: p.stopped, real: r.stopped }] });
  }
  return out;
}

const FACT_ORDER: PlanFact[] = ['stall', 'return', 'process', 'descriptor', 'refCount', 'tcpState'];

function compareFacts(pf: Map<string, Fact>, rf: Map<string, Fact>, pn: EndNames, rn: EndNames): PlanDifference[] {
  const out: PlanDifference[] = [];
  for (const key of new Set([...pf.keys(), ...rf.keys()])) {
    const a = pf.get(key);
    const b = rf.get(key);
    // A descriptor's count is compared only when both runs have the descriptor (else the descriptor differs).
    if (key.startsWith('count ') && (!a || !b)) continue;
    const predicted = a ? a.value(pn) : absent(key);
    const real = b ? b.value(rn) : absent(key);
    if (predicted === real) continue;
    const fact = (a ?? b)!.fact;
    out.push({ subject: a ? a.subject(pn) : b!.subject(rn), fact, predicted, real });
  }
  return out.sort((x, y) => FACT_ORDER.indexOf(x.fact) - FACT_ORDER.indexOf(y.fact));
}

/** What a fact one run does not have means. */
function absent(key: string): string {
  if (key.startsWith('fd ')) return NOT_OPEN;
  if (key.startsWith('tcp ')) return 'no socket';
  if (key.startsWith('process ')) return 'does not exist';
  if (key.startsWith('return ')) return 'no return';
  return 'absent';
}
