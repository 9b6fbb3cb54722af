// The lesson list: the course in order, each lesson with its parts, its summary and the
// learner's progress; the course's score; Reset. Reachable as /?, /?view=lessons.

import { useEffect } from 'react';
import type { LessonInfo } from '../../lessons/types.ts';
import { findScenario } from '../../scenarios/index.ts';
import { addSummaries, lessonSummary, type ProgressSummary } from '../progress/progress.ts';
import { useProgress } from '../progress/useProgress.ts';
import { ThemeSwitch } from '../theme/ThemeSwitch.tsx';
import { lessonHref, sandboxHref } from '../url.ts';
import { ProgressLine } from './ProgressLine.tsx';
import { ResetProgress } from './ResetProgress.tsx';

const stepCount = (scenario: string) => {
  const s = findScenario(scenario);
  return s ? s.schedule.length + 1 : 0;
};

export function Home({ lessons, problem }: { lessons: readonly LessonInfo[]; problem?: string }) {
  const progress = useProgress();
  useEffect(() => {
    document.title = 'forkscope — lessons';
  }, []);
  const summaries = lessons.map((l) => lessonSummary(progress, l, stepCount));
  const course = addSummaries(summaries);
  return (
    <main className="home">
      <h1>
        forkscope <span className="home-sub">watch a real fork-per-connection TCP server, one system call at a time</span>
      </h1>
      <div className="home-tools">
        <ThemeSwitch />
      </div>
      {problem && (
        <p className="home-problem" role="alert">
          {problem}
        </p>
      )}
      <section className="course-progress" aria-labelledby="course-h">
        <div className="course-row">
          <h2 id="course-h">Your progress</h2>
          <ProgressLine summary={course} testId="course-progress" />
          <ResetProgress disabled={course.stepsSeen === 0 && course.answered === 0} />
        </div>
        <p className="home-keys">
          In a lesson: <kbd>→</kbd> or <kbd>Space</kbd> next step, <kbd>←</kbd> previous, <kbd>Home</kbd> first, <kbd>End</kbd> last;{' '}
          <kbd>1</kbd>–<kbd>4</kbd> answer a question. Progress stays in this browser.
        </p>
      </section>
      <h2 className="lessons-h">Lessons</h2>
      <p className="sandbox-entry" data-testid="sandbox-entry">
        <a href={sandboxHref()}>Sandbox</a>: compose your own ordering of calls (which process closes what, and when), predict it with
        the model, run it on the real kernel and compare.
      </p>
      <ol className="lesson-list">
        {lessons.map((l, i) => (
          <LessonItem key={l.id} lesson={l} summary={summaries[i]!} />
        ))}
      </ol>
    </main>
  );
}

function LessonItem({ lesson, summary }: { lesson: LessonInfo; summary: ProgressSummary }) {
  const many = lesson.parts.length > 1;
  return (
    <li className="lesson-item" data-testid="lesson-item" data-lesson={lesson.id}>
      <span className="lesson-num" aria-hidden="true">
        {lesson.number}
      </span>
      <div className="lesson-body">
        <h3 className="lesson-name">
          <span className="sr-only">Lesson {lesson.number}: </span>
          <a href={lessonHref(lesson.id, null)}>{lesson.title}</a>
        </h3>
        {many && (
          <ol className="part-links" aria-label={`Parts of ${lesson.title}`}>
            {lesson.parts.map((p, i) => (
              <li key={p.id}>
                <a href={lessonHref(lesson.id, p.id)}>
                  <span className="part-n">{i + 1}</span> {p.title}
                </a>
              </li>
            ))}
          </ol>
        )}
        <p className="lesson-summary">{lesson.summary}</p>
        <ProgressLine summary={summary} testId="lesson-progress" />
      </div>
    </li>
  );
}
