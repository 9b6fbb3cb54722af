// The presenter's notes window (the laptop screen): the full narration, the next step's title,
// the question and its answer, the lesson outline. It follows the presenting window over the
// notes channel and steps it (keys, outline); it never runs live itself (recordedOnly), and
// shows the narration the presenting window filled, so pids and ports match the room's screen.
// When the presenting window is gone it says so and steps on its own.

import { useEffect, useMemo, useRef } from 'react';
import { fillPlaceholders, lessonStep, questionBefore, type LessonInfo, type LessonPartContent, type LessonPartInfo, type Question } from '../../lessons/index.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { afterPaint } from '../afterPaint.ts';
import { useLessonPart } from '../lesson/useLessonPart.ts';
import { useStepKeys, type StepKeyAction } from '../lesson/useStepKeys.ts';
import { stepIndicatorText } from '../url.ts';
import { CopyLink } from './CopyLink.tsx';
import './present.css';
import { useNotesClient } from './useNotesLink.ts';

export interface NotesViewProps {
  lesson: LessonInfo;
  part: LessonPartInfo;
  scenario: Scenario;
  partContent: LessonPartContent;
  initialStep: number;
}

function QuestionNote({ heading, question, fill }: { heading: string; question: Question; fill: (s: string) => string }) {
  return (
    <section className="notes-question" data-testid="notes-question" aria-label={heading}>
      <h3>{heading}</h3>
      <p>{fill(question.prompt)}</p>
      <ol className="notes-choices">
        {question.choices.map((c, i) => (
          <li key={i} className={i === question.answer ? 'answer' : undefined} data-testid={i === question.answer ? 'notes-answer' : undefined}>
            {fill(c)}
            {i === question.answer && <strong> ✓ the answer</strong>}
          </li>
        ))}
      </ol>
      <p className="notes-why">{fill(question.explanation)}</p>
    </section>
  );
}

export function NotesView({ lesson, part, scenario, partContent, initialStep }: NotesViewProps) {
  const state = useLessonPart({ lesson, part, scenario, partContent, initialStep, questions: false, recordedOnly: true });
  const { nav, resolve } = state;
  const { link, send } = useNotesClient(lesson.id, part.id);
  const connected = link.status === 'connected';
  const room = link.status !== 'waiting' ? link.state : null;

  // Follow the presenting window (once this window's recorded trace has the step).
  const followed = room?.shown ?? null;
  const available = state.view.steps;
  useEffect(() => {
    if (followed !== null && available > followed) nav.seek(followed);
  }, [followed, available, nav.seek]);

  const move = (command: StepKeyAction) => {
    if (connected && send({ type: 'command', command })) return;
    nav[command]();
  };
  const seek = (step: number) => {
    if (connected && send({ type: 'seek', step })) return;
    nav.seek(step);
  };
  // The keys call the latest `move` (the link and the nav change; the listener need not).
  const moveRef = useRef(move);
  moveRef.current = move;
  const keys = useMemo(
    () => ({ next: () => moveRef.current('next'), prev: () => moveRef.current('prev'), first: () => moveRef.current('first'), last: () => moveRef.current('last') }),
    [],
  );
  useStepKeys(keys);

  const fill = (s: string) => fillPlaceholders(s, resolve);
  const shown = connected && room ? room.shown : nav.shown;
  const asking = connected && room ? room.asking : null;
  const step = shown ?? nav.step;
  const own = lessonStep(partContent, scenario, step);
  const title = connected && room ? room.title : fill(own.title);
  const narration = connected && room ? room.narration : fill(own.narration);
  const paragraphs = narration.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);
  const nextTitle = step + 1 < state.total ? fill(state.stepTitle(step + 1)) : null;
  const askedNow = asking !== null ? questionBefore(partContent, scenario, asking) : null;
  const answered = shown !== null ? questionBefore(partContent, scenario, shown) : null;
  const upcoming = step + 1 < state.total ? questionBefore(partContent, scenario, step + 1) : null;

  // Keep the current step of a long outline in view.
  const outline = useRef<HTMLOListElement>(null);
  useEffect(() => {
    outline.current?.querySelector('[aria-current="step"]')?.scrollIntoView({ block: 'nearest' });
  }, [step]);

  // After the lesson part's own title (also set after paint), so the window says it is the notes.
  useEffect(
    () =>
      afterPaint(() => {
        document.title = `Notes · Step ${step + 1} · ${lesson.title} — forkscope`;
      }),
    // nav.shown too: the lesson part retitles the window whenever it changes.
    [step, lesson.title, nav.shown],
  );

  return (
    <main className="notes" data-testid="notes">
      <header className="notes-head">
        <h1>Notes · {lesson.title}</h1>
        <span data-testid="notes-step" data-step={shown ?? ''}>
          {shown === null ? `Step – of ${state.total}` : stepIndicatorText(shown, state.total)}
        </span>
        <span className="notes-controls">
          <button type="button" onClick={() => move('prev')} aria-label="Previous step" title="Previous step (← or PageUp)">
            ← Previous
          </button>
          <button type="button" onClick={() => move('next')} aria-label="Next step" title="Next step (→, Space or PageDown)">
            Next →
          </button>
        </span>
        <CopyLink presenting />
      </header>
      <p className={`notes-link ${link.status}`} role="status" data-testid="notes-link" data-status={link.status}>
        {link.status === 'waiting' && 'Waiting for the presenting window (this lesson in presenter mode, P)…'}
        {link.status === 'connected' && 'Following the presenting window: steps here move it too.'}
        {link.status === 'gone' && 'The presenting window has closed or left presenter mode. These notes now step on their own.'}
      </p>
      <div className="notes-grid">
        <div>
          {askedNow && <QuestionNote heading={`Asked now, before step ${asking! + 1}`} question={askedNow.question} fill={fill} />}
          <h2 data-testid="notes-title">{title}</h2>
          <div className="notes-narration" data-testid="notes-narration">
            {paragraphs.map((p, i) => (
              <p key={i}>{p}</p>
            ))}
          </div>
          {!askedNow && answered && <QuestionNote heading="This step answers" question={answered.question} fill={fill} />}
          {!askedNow && upcoming && <QuestionNote heading="Asked before the next step" question={upcoming.question} fill={fill} />}
          <h3>Next step</h3>
          <p data-testid="notes-next">{nextTitle ?? 'None: this is the last step of the part.'}</p>
        </div>
        <nav aria-label="Lesson outline">
          <h3>Outline</h3>
          <ol className="notes-outline" ref={outline}>
            {Array.from({ length: state.total }, (_, n) => (
              <li key={n}>
                <button type="button" aria-current={n === step ? 'step' : undefined} data-testid="outline-step" onClick={() => seek(n)}>
                  {fill(state.stepTitle(n))}
                </button>
              </li>
            ))}
          </ol>
        </nav>
      </div>
    </main>
  );
}
