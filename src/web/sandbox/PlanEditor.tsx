// The plan as a table: one column per process, one row per step in the order they run, the
// step number first. A row is chosen with ↑/↓, moved with Alt+↑/↓ or by dragging it, removed with
// Delete; the adder below inserts after the chosen row. The rules live in src/plan/editor.ts.

import { type CSSProperties, type DragEvent, type KeyboardEvent, useRef, useState } from 'react';
import { moveStep, planRoles, removeStep, stepText } from '../../plan/editor.ts';
import { isProcessStep, type Plan } from '../../plan/types.ts';
import { roleColor } from '../roles.ts';

export interface PlanEditorProps {
  plan: Plan;
  onChange: (plan: Plan) => void;
  /** The chosen row (the adder inserts after it), or null for "at the end". */
  selected: number | null;
  onSelect: (index: number | null) => void;
  /** Focus the adder (Insert or + on a row). */
  onAdd: () => void;
}

const DRAG_TYPE = 'application/x-forkscope-step';

export function PlanEditor({ plan, onChange, selected, onSelect, onAdd }: PlanEditorProps) {
  const roles = planRoles(plan);
  const rows = useRef<(HTMLLIElement | null)[]>([]);
  const [dropAt, setDropAt] = useState<number | null>(null);
  const columns = { '--cols': roles.length } as CSSProperties;

  const focusRow = (i: number) => {
    onSelect(i);
    // After React has re-rendered the moved rows.
    requestAnimationFrame(() => rows.current[i]?.focus());
  };
  const move = (from: number, to: number) => {
    if (to < 0 || to >= plan.steps.length || from === to) return;
    onChange(moveStep(plan, from, to));
    focusRow(to);
  };
  const remove = (i: number) => {
    onChange(removeStep(plan, i));
    if (plan.steps.length > 1) focusRow(Math.min(i, plan.steps.length - 2));
    else onSelect(null);
  };

  const onKey = (e: KeyboardEvent<HTMLLIElement>, i: number) => {
    const key = e.key;
    let handled = true;
    if (key === 'ArrowUp' && e.altKey) move(i, i - 1);
    else if (key === 'ArrowDown' && e.altKey) move(i, i + 1);
    else if (key === 'ArrowUp') focusRow(Math.max(0, i - 1));
    else if (key === 'ArrowDown') focusRow(Math.min(plan.steps.length - 1, i + 1));
    else if (key === 'Home') focusRow(0);
    else if (key === 'End') focusRow(plan.steps.length - 1);
    else if (key === 'Delete' || key === 'Backspace') remove(i);
    else if (key === 'Insert' || key === '+') onAdd();
    else handled = false;
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  };

  const onDragStart = (e: DragEvent, i: number) => {
    e.dataTransfer.setData(DRAG_TYPE, String(i));
    e.dataTransfer.setData('text/plain', stepText(plan.steps[i]!));
    e.dataTransfer.effectAllowed = 'move';
  };
  const onDragOver = (e: DragEvent, i: number) => {
    if (!e.dataTransfer.types.includes(DRAG_TYPE)) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    if (dropAt !== i) setDropAt(i);
  };
  const onDrop = (e: DragEvent, i: number) => {
    const raw = e.dataTransfer.getData(DRAG_TYPE);
    setDropAt(null);
    if (raw === '') return;
    e.preventDefault();
    e.stopPropagation();
    move(Number(raw), i);
  };

  return (
    <div className="plan-editor" style={columns}>
      <div className="plan-head" aria-hidden="true">
        <span className="plan-n">step</span>
        {roles.map((r) => (
          <span key={r} className="plan-role" style={{ '--role': roleColor(r) } as CSSProperties}>
            {r}
          </span>
        ))}
      </div>
      {plan.steps.length === 0 && <p className="plan-empty">No steps yet: add the server's socket() below.</p>}
      <ol className="plan-steps" aria-label="Steps of the plan, in the order they run" onDragLeave={() => setDropAt(null)}>
        {plan.steps.map((step, i) => {
          const col = roles.indexOf(step.proc) + 2;
          const outside = !isProcessStep(step);
          const text = stepText(step);
          return (
            <li
              key={i}
              ref={(el) => {
                rows.current[i] = el;
              }}
              className={`plan-step${selected === i ? ' chosen' : ''}${dropAt === i ? ' drop-here' : ''}`}
              data-testid="plan-step"
              data-index={i}
              data-proc={step.proc}
              data-do={step.do}
              tabIndex={selected === i || (selected === null && i === 0) ? 0 : -1}
              aria-current={selected === i ? true : undefined}
              aria-label={`Step ${i + 1}: ${outside ? text : `${step.proc}: ${text}`}`}
              draggable
              onDragStart={(e) => onDragStart(e, i)}
              onDragOver={(e) => onDragOver(e, i)}
              onDrop={(e) => onDrop(e, i)}
              onDragEnd={() => setDropAt(null)}
              onKeyDown={(e) => onKey(e, i)}
              onFocus={() => selected !== i && onSelect(i)}
              onClick={() => onSelect(i)}
            >
              <span className="plan-n">
                <span className="grip" aria-hidden="true">
                  ⠿
                </span>
                {i + 1}
              </span>
              <span className={`plan-call${outside ? ' outside' : ''}`} style={{ gridColumn: col, '--role': roleColor(step.proc) } as CSSProperties}>
                {!outside && <span className="plan-who">{step.proc}</span>}
                {outside ? <em>{text}</em> : <code>{text}</code>}
              </span>
              <button type="button" className="plan-remove" tabIndex={-1} aria-label={`Remove step ${i + 1}`} title="Remove (Delete)" onClick={() => remove(i)}>
                ✕
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
