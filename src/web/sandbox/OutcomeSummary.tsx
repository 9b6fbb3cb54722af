// What the run came to (summarizeOutcome): every FIN and RST and why, each connection's final
// states and who holds TIME_WAIT, leaked descriptors, zombies, failed calls, end of file.

import type { Outcome } from '../../plan/outcome.ts';

export function OutcomeSummary({ outcome, kind }: { outcome: Outcome; kind: 'predicted' | 'real' }) {
  const { signals, connections, leaks, zombies, failedCalls, endOfFile } = outcome;
  return (
    <section className="outcome" data-testid="outcome" data-kind={kind} aria-label={`Outcome (${kind})`}>
      <h3>Outcome{kind === 'predicted' ? ' (predicted)' : ''}</h3>
      {outcome.stalled && <p className="stall">{outcome.stalled}</p>}
      <ul>
        {connections.map((c) => (
          <li key={c.name} data-testid="outcome-connection">
            {c.name}: {c.client} {c.clientState}, {c.server} {c.serverState}.{' '}
            <span data-testid="timewait-holder">
              {c.timeWait.length === 0
                ? 'Nobody holds TIME_WAIT.'
                : c.timeWait.map((t) => `TIME_WAIT on the ${t.side} side (${t.roles.join(', ')})`).join('; ') + '.'}
            </span>
          </li>
        ))}
        {signals.map((s, i) => (
          <li key={`s${i}`} data-testid="outcome-signal">
            <b className={s.flag === 'RST' ? 'rst' : undefined}>{s.flag}</b> at step {s.step} from {s.from}: {s.why}
          </li>
        ))}
        {leaks.map((l) => (
          <li key={`${l.role}${l.fd}`} data-testid="leak">
            Leaked: {l.descriptor} ({l.socket}): {l.why}
          </li>
        ))}
        {zombies.length > 0 && <li data-testid="zombies">Zombies at the end: {zombies.join(', ')}</li>}
        {failedCalls.map((f, i) => (
          <li key={`f${i}`} data-testid="failed-call">
            Step {f.step}: {f.role}'s {f.call} failed with {f.errno}
          </li>
        ))}
        {endOfFile.map((e, i) => (
          <li key={`e${i}`}>
            Step {e.step}: {e.role} read end of file on {e.descriptor}
          </li>
        ))}
        {connections.length === 0 && signals.length === 0 && <li>No connection was made.</li>}
      </ul>
    </section>
  );
}
