// Adding a step: choose the process (or "from outside"), then one of the actions that make
// sense for it at that point, then its arguments (a descriptor it has, the text to write, a
// kill's signal, a drop's socket and segment …).
// What is offered comes from src/plan/editor.ts; the step is inserted at `index`.

import { forwardRef, useState } from 'react';
import {
  defaultStep,
  descriptorsFor,
  DROP_SEGMENT_TEXT,
  offeredActions,
  offeredOutside,
  outsideChoiceText,
  processesAt,
  START_FORM,
  stepFromForm,
  stepText,
  type ActionName,
  type StepForm,
} from '../../plan/editor.ts';
import { DROP_SEGMENTS, KILL_SIGNALS, PLAN_LIMITS, SHUTDOWN_HOWS, type DropSegment, type KillSignal, type Plan, type PlanShutdownHow, type PlanStep } from '../../plan/types.ts';

const OUTSIDE = 'outside';

export interface StepAdderProps {
  plan: Plan;
  /** Where the new step goes (0-based). */
  index: number;
  onAdd: (step: PlanStep, index: number) => void;
}

export const StepAdder = forwardRef<HTMLSelectElement, StepAdderProps>(function StepAdder({ plan, index, onAdd }, ref) {
  const procs = processesAt(plan, index).filter((p) => p.alive);
  const [chosenRole, setRole] = useState('parent');
  const role = chosenRole === OUTSIDE || procs.some((p) => p.role === chosenRole) ? chosenRole : (procs[0]?.role ?? OUTSIDE);
  const actions = role === OUTSIDE ? [] : offeredActions(plan, index, role);
  const outside = offeredOutside(plan, index);
  const [chosenAction, setAction] = useState<string>('');
  const action = role === OUTSIDE ? (outside[Number(chosenAction)] ? chosenAction : '0') : actions.includes(chosenAction as ActionName) ? chosenAction : (actions[0] ?? '');
  const [args, setForm] = useState<StepForm>(START_FORM);
  const set = <K extends keyof StepForm>(k: K, v: StepForm[K]) => setForm((a) => ({ ...a, [k]: v }));

  const base = role === OUTSIDE ? (outside[Number(action)] ?? null) : action ? defaultStep(plan, index, role, action as ActionName) : null;
  // From outside, only a drop names a descriptor (of the process it is done to).
  const fdAction = role === OUTSIDE ? (base?.do === 'drop' ? 'drop' : null) : (action as ActionName);
  const fds = base && fdAction ? descriptorsFor(plan, index, base.proc, fdAction) : [];
  const fd = fds.some((d) => String(d.ref) === args.fd) ? args.fd : String(fds[0]?.ref ?? '');
  const step = base ? stepFromForm(base, { ...args, fd }) : null;

  return (
    <form
      className="step-adder"
      aria-label="Add a step"
      onSubmit={(e) => {
        e.preventDefault();
        if (step) onAdd(step, index);
      }}
    >
      <span className="adder-where">Add as step {index + 1}:</span>
      <label>
        process{' '}
        <select ref={ref} value={role} onChange={(e) => setRole(e.target.value)} data-testid="adder-proc">
          {procs.map((p) => (
            <option key={p.role} value={p.role}>
              {p.role}
            </option>
          ))}
          <option value={OUTSIDE}>from outside</option>
        </select>
      </label>
      <label>
        action{' '}
        <select value={action} onChange={(e) => setAction(e.target.value)} data-testid="adder-action">
          {role === OUTSIDE
            ? outside.map((s, i) => (
                <option key={i} value={String(i)}>
                  {outsideChoiceText(s)}
                </option>
              ))
            : actions.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
        </select>
      </label>
      {fds.length > 0 && (
        <label>
          descriptor{' '}
          <select value={fd} onChange={(e) => set('fd', e.target.value)} data-testid="adder-fd">
            {fds.map((d) => (
              <option key={d.fd} value={String(d.ref)}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
      )}
      <ArgFields action={base?.do ?? ''} args={args} set={set} />
      <button type="submit" disabled={!step} data-testid="adder-add">
        Add
      </button>
      {step && <code className="adder-preview">{stepText(step)}</code>}
    </form>
  );
});

function ArgFields({ action, args, set }: { action: string; args: StepForm; set: <K extends keyof StepForm>(k: K, v: StepForm[K]) => void }) {
  switch (action) {
    case 'listen':
      return <NumberField label="backlog" value={args.backlog} onChange={(v) => set('backlog', v)} />;
    case 'write':
      return (
        <label>
          text{' '}
          <input value={args.text} maxLength={PLAN_LIMITS.text} onChange={(e) => set('text', e.target.value)} data-testid="adder-text" />
        </label>
      );
    case 'shutdown':
      return (
        <label>
          how{' '}
          <select value={args.how} onChange={(e) => set('how', e.target.value as PlanShutdownHow)}>
            {SHUTDOWN_HOWS.map((h) => (
              <option key={h}>{h}</option>
            ))}
          </select>
        </label>
      );
    case 'setsockopt':
      return (
        <label>
          option{' '}
          <select value={args.option} onChange={(e) => set('option', e.target.value as StepForm['option'])} data-testid="adder-option">
            <option value="SO_REUSEADDR">SO_REUSEADDR</option>
            <option value="SO_LINGER 1 0">SO_LINGER {'{1, 0}'} (close sends RST)</option>
          </select>
        </label>
      );
    case 'signal':
      return (
        <label>
          SIGCHLD{' '}
          <select value={args.disposition} onChange={(e) => set('disposition', e.target.value as StepForm['disposition'])}>
            <option value="handler">sig_chld handler (SA_RESTART)</option>
            <option value="handler-intr">sig_chld handler, no restart (EINTR)</option>
            <option value="SIG_IGN">SIG_IGN</option>
            <option value="SIG_DFL">SIG_DFL</option>
          </select>
        </label>
      );
    case 'waitpid':
      return (
        <label>
          <input type="checkbox" checked={args.nohang} onChange={(e) => set('nohang', e.target.checked)} /> WNOHANG
        </label>
      );
    case 'setrlimit':
      return <NumberField label="descriptors" value={args.nofile} onChange={(v) => set('nofile', v)} />;
    case 'exit':
      return <NumberField label="status" value={args.status} onChange={(v) => set('status', v)} />;
    case 'kill':
      return (
        <label>
          signal{' '}
          <select value={args.signal} onChange={(e) => set('signal', e.target.value as KillSignal)} data-testid="adder-signal">
            {KILL_SIGNALS.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      );
    case 'drop':
      return (
        <label>
          segment{' '}
          <select value={args.segment} onChange={(e) => set('segment', e.target.value as DropSegment)} data-testid="adder-segment">
            {DROP_SEGMENTS.map((s) => (
              <option key={s} value={s}>
                {DROP_SEGMENT_TEXT[s]}
              </option>
            ))}
          </select>
        </label>
      );
    default:
      return null;
  }
}

function NumberField({ label, value, onChange }: { label: string; value: string; onChange: (v: string) => void }) {
  return (
    <label>
      {label} <input className="num" inputMode="numeric" value={value} onChange={(e) => onChange(e.target.value)} />
    </label>
  );
}
