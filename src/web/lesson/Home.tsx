import { useEffect } from 'react';
import type { Lesson } from '../../lessons/index.ts';
import { formatRoute } from '../url.ts';

export function Home({ lessons, problem }: { lessons: readonly Lesson[]; problem?: string }) {
  useEffect(() => {
    document.title = 'forkscope — lessons';
  }, []);
  return (
    <main className="home">
      <h1>
        forkscope <span className="home-sub">watch a real fork-per-connection TCP server, one system call at a time</span>
      </h1>
      {problem && (
        <p className="home-problem" role="alert">
          {problem}
        </p>
      )}
      <h2>Lessons</h2>
      <ul className="lesson-list">
        {lessons.map((l) => (
          <li key={l.id}>
            <a href={formatRoute({ view: 'lesson', lesson: l.id, step: 0 })}>{l.title}</a>
            <p>{l.summary}</p>
          </li>
        ))}
      </ul>
      <p className="home-keys">
        In a lesson: <kbd>→</kbd> or <kbd>Space</kbd> next step, <kbd>←</kbd> previous, <kbd>Home</kbd> first, <kbd>End</kbd> last.
      </p>
    </main>
  );
}
