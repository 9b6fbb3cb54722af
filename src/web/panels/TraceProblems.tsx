import type { TraceProblem } from '../session/machine.ts';

export function TraceProblems({ url, problems }: { url: string; problems: readonly TraceProblem[] }) {
  return (
    <div className="trace-problems" data-testid="trace-error" role="alert">
      <h2>The recorded trace could not be read</h2>
      <p>
        <code>{url}</code> is not a valid forkscope trace, so this lesson cannot be shown. What is wrong:
      </p>
      <ul>
        {problems.map((p, i) => (
          <li key={i}>
            {p.line !== null && <b>line {p.line}: </b>}
            {p.line !== null ? p.message.replace(/^line \d+:\s*/, '') : p.message}
          </li>
        ))}
      </ul>
      <p>Regenerate it with <code>npm run record</code>, or run the lesson live with <code>npm start</code>.</p>
    </div>
  );
}
