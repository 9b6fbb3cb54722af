// The edit stage: the plan table and the adder on the left; on the right, the plan's title, an
// example to start from, whether the plan is well-formed (parsePlan's reason when not), the
// student's guesses, and sharing.

import { type ReactNode, useRef, useState } from 'react';
import { insertStep } from '../../plan/editor.ts';
import { EXAMPLE_PLANS } from '../../plan/examples.ts';
import type { PlanParseResult } from '../../plan/parse.ts';
import { PLAN_LIMITS, type Plan } from '../../plan/types.ts';
import { PlanEditor } from './PlanEditor.tsx';
import { StepAdder } from './StepAdder.tsx';

export interface WorkbenchProps {
  plan: Plan;
  check: PlanParseResult;
  onChange: (plan: Plan) => void;
  /** The guesses card and the sharing buttons. */
  aside: ReactNode;
}

export function Workbench({ plan, check, onChange, aside }: WorkbenchProps) {
  const [selected, setSelected] = useState<number | null>(null);
  const adder = useRef<HTMLSelectElement>(null);
  const at = selected === null ? plan.steps.length : Math.min(selected + 1, plan.steps.length);
  return (
    <main className="workbench">
      <section className="plan-pane" aria-labelledby="plan-h">
        <h2 id="plan-h">The plan: one column per process, one row per step, in the order they run</h2>
        <p className="plan-keys" data-testid="plan-keys">
          Keys on a step: <kbd>↑</kbd> <kbd>↓</kbd> choose, <kbd>Alt</kbd>+<kbd>↑</kbd>/<kbd>↓</kbd> move it, <kbd>Delete</kbd> remove it,{' '}
          <kbd>Insert</kbd> or <kbd>+</kbd> add a step after it. Or drag a step by its row.
        </p>
        <PlanEditor plan={plan} onChange={onChange} selected={selected} onSelect={setSelected} onAdd={() => adder.current?.focus()} />
        <StepAdder
          ref={adder}
          plan={plan}
          index={at}
          onAdd={(step, index) => {
            if (plan.steps.length >= PLAN_LIMITS.steps) return;
            onChange(insertStep(plan, index, step));
            setSelected(index);
          }}
        />
      </section>
      <aside className="plan-aside">
        <label className="plan-title">
          Title <input value={plan.title} maxLength={PLAN_LIMITS.title} onChange={(e) => onChange({ ...plan, title: e.target.value })} />
        </label>
        <label>
          Start from{' '}
          <select
            value=""
            onChange={(e) => {
              if (e.target.value === '') return;
              onChange(EXAMPLE_PLANS[Number(e.target.value)] ?? { ...plan, title: 'My experiment', steps: [] });
              setSelected(null);
            }}
            data-testid="example-plans"
          >
            <option value="">an example…</option>
            {EXAMPLE_PLANS.map((p, i) => (
              <option key={i} value={i}>
                {p.title}
              </option>
            ))}
            <option value={EXAMPLE_PLANS.length}>an empty plan</option>
          </select>
        </label>
        {check.ok ? (
          <p className="plan-check ok" data-testid="plan-check" data-ok="true">
            A well-formed plan of {plan.steps.length} steps. Predict it, or run it for real.
          </p>
        ) : (
          <p className="plan-check bad" data-testid="plan-check" data-ok="false" role="alert">
            Not a plan that can run: {check.error}
          </p>
        )}
        {aside}
      </aside>
    </main>
  );
}
