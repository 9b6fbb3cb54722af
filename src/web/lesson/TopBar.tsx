import type { ReactNode } from 'react';
import type { LessonInfo, LessonPartInfo } from '../../lessons/index.ts';
import type { ProgressSummary } from '../progress/progress.ts';
import { ThemeSwitch } from '../theme/ThemeSwitch.tsx';
import { lessonHref } from '../url.ts';

export interface TopBarProps {
  lesson: LessonInfo;
  part: LessonPartInfo;
  score: ProgressSummary;
  /** The mode badge and the step controls. */
  children: ReactNode;
}

export function TopBar({ lesson, part, score, children }: TopBarProps) {
  const many = lesson.parts.length > 1;
  return (
    <header className="topbar">
      <a className="brand" href="?" title="All lessons">
        forkscope
      </a>
      <div className="titles">
        <h1 className="lesson-title" title={lesson.title}>
          <span className="lesson-no">{lesson.number}.</span> {lesson.title}
        </h1>
        {many && (
          <nav className="part-nav" aria-label="Parts of this lesson">
            {lesson.parts.map((p, i) => (
              <a key={p.id} href={lessonHref(lesson.id, p.id)} aria-current={p.id === part.id ? 'page' : undefined} title={p.title}>
                <span className="part-n">{i + 1}</span> {p.title}
              </a>
            ))}
          </nav>
        )}
      </div>
      {score.questions > 0 && (
        <span
          className="score"
          data-testid="score"
          data-answered={score.answered}
          data-correct={score.correct}
          title={`${score.correct} of ${score.answered} answered questions right; this lesson asks ${score.questions}`}
        >
          {score.answered === 0 ? (
            <span className="score-label">{score.questions === 1 ? '1 question' : `${score.questions} questions`}</span>
          ) : (
            <>
              <span className="score-label">Score</span> {score.correct}/{score.answered}
              <span className="sr-only">
                {' '}
                right of those answered; {score.questions} questions in this lesson
              </span>
            </>
          )}
        </span>
      )}
      {children}
      <ThemeSwitch compact />
    </header>
  );
}
