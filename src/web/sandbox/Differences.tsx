// Prediction against reality at one step (comparePlanRuns): each fact that differs, said both ways.

import type { StepComparison } from '../../plan/compare.ts';

export function Differences({ comparisons, step }: { comparisons: readonly StepComparison[]; step: number | null }) {
  const here = step === null ? undefined : comparisons.find((c) => c.step === step);
  const differing = comparisons.filter((c) => c.differences.length > 0);
  return (
    <section className="differences" data-testid="differences" aria-label="Prediction against the real run">
      <h3>Prediction against the real run</h3>
      <p data-testid="differences-total">
        {differing.length === 0
          ? `The prediction matches the real run at every step so far (${comparisons.length}).`
          : `The prediction differs at ${differing.length} of ${comparisons.length} steps: ${differing.map((c) => c.step).join(', ')}.`}
      </p>
      {here && here.differences.length > 0 && (
        <table className="diff-table" data-testid="step-differences">
          <thead>
            <tr>
              <th scope="col">at this step</th>
              <th scope="col">predicted</th>
              <th scope="col">real</th>
            </tr>
          </thead>
          <tbody>
            {here.differences.map((d, i) => (
              <tr key={i}>
                <th scope="row">
                  {d.subject} <span className="fact">{d.fact}</span>
                </th>
                <td>{d.predicted}</td>
                <td>{d.real}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {here && here.differences.length === 0 && <p>This step: as predicted.</p>}
    </section>
  );
}
