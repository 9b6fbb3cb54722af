import type { Disagreement } from '../../model/types.ts';

const FACTS: Record<string, string> = {
  refCount: 'reference count',
  tcpState: 'TCP state',
  processState: 'process state',
  holders: 'holders',
  presence: 'exists',
  packet: 'packet on lo',
  packetOrder: 'order of packets on lo',
};

export function DisagreementBanner({ disagreements }: { disagreements: readonly Disagreement[] }) {
  return (
    <div className="disagreements" data-testid="disagreement-banner" role="alert">
      <strong>
        The model and the kernel disagree on {disagreements.length === 1 ? 'one fact' : `${disagreements.length} facts`} at this step.
      </strong>{' '}
      The kernel’s view is what really happened; the panels show the model’s.
      <ul>
        {disagreements.map((d, i) => (
          <li key={i}>
            <span className="d-subject">{d.subject}</span>, {FACTS[d.fact] ?? d.fact}: model says <b>{d.model}</b>, kernel says{' '}
            <b>{d.kernel}</b>
          </li>
        ))}
      </ul>
    </div>
  );
}
