import type { LessonInfo, LessonPartInfo } from '../../lessons/index.ts';
import { lessonHref } from '../url.ts';

export interface EndCardProps {
  lesson: LessonInfo;
  part: LessonPartInfo;
  nextPart: LessonPartInfo | null;
  nextLesson: LessonInfo | null;
}

/** At a part's last step: the next part; at the lesson's end, what to remember and where to go. */
export function EndCard({ lesson, part, nextPart, nextLesson }: EndCardProps) {
  const index = lesson.parts.indexOf(part);
  if (nextPart) {
    return (
      <div className="end-card" data-testid="end-card">
        <p>
          End of part {index + 1} of {lesson.parts.length}.{' '}
          <a className="next-link" data-testid="next-part" href={lessonHref(lesson.id, nextPart.id)}>
            Part {index + 2}: {nextPart.title} →
          </a>{' '}
          <span className="muted">
            (or press <kbd>→</kbd>)
          </span>
        </p>
      </div>
    );
  }
  return (
    <div className="end-card" data-testid="end-card">
      <h3>What to remember</h3>
      <p data-testid="lesson-summary">{lesson.summary}</p>
      <p className="end-links">
        {nextLesson && (
          <a className="next-link" href={lessonHref(nextLesson.id, null)}>
            Next: {nextLesson.number}. {nextLesson.title} →
          </a>
        )}{' '}
        <a href="?">All lessons</a>
      </p>
    </div>
  );
}
