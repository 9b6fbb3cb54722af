// Presenter mode: one screen for the room, drawn from the lesson part's state (useLessonPart).
// The step's title, one short line of narration, the figure filling the rest, the sockets whose
// state or count matters now; an open question large with its choices; the reveal. F
// fullscreen, B blank, N the notes window, Esc leaves. Nothing else: no panels, no top bar.

import { useCallback, useEffect, useMemo, useState } from 'react';
import { fillPlaceholders, lessonStep, type LessonInfo, type LessonPartContent } from '../../lessons/index.ts';
import type { Scenario } from '../../scenarios/types.ts';
import type { LessonPartState } from '../lesson/useLessonPart.ts';
import { stepKeyAction } from '../lesson/useStepKeys.ts';
import { stepIndicatorText } from '../url.ts';
import { CopyLink } from './CopyLink.tsx';
import './present.css';
import { PresenterFigure } from './PresenterFigure.tsx';
import { presentKeyAction } from './presentKeys.ts';
import { factCountText, factStateText, presenterBaseFont, presenterFacts, presenterLine } from './presentText.ts';
import { notesHref } from './shareLink.ts';

export interface PresenterViewProps {
  lesson: LessonInfo;
  scenario: Scenario;
  partContent: LessonPartContent;
  state: LessonPartState;
  onLeave: () => void;
}

function useWindowWidth(): number {
  const [w, setW] = useState(() => window.innerWidth);
  useEffect(() => {
    const on = () => setW(window.innerWidth);
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  return w;
}

export function openNotesWindow(): void {
  window.open(notesHref(window.location.href), 'forkscope-notes', 'popup,width=960,height=720');
}

/** Set while F takes the page out of fullscreen, so that exit is not taken for the browser's Esc. */
let leavingFullscreenByF = false;

async function toggleFullscreen(): Promise<void> {
  try {
    if (document.fullscreenElement) {
      leavingFullscreenByF = true;
      await document.exitFullscreen();
    } else await document.documentElement.requestFullscreen();
  } catch {
    // Refused (no user gesture, or not allowed in this frame): presenter mode works without it.
    leavingFullscreenByF = false;
  }
}

export function PresenterView({ lesson, scenario, partContent, state, onLeave }: PresenterViewProps) {
  const { nav, snapshot, question, resolve, current, reveal } = state;
  const [blank, setBlank] = useState(false);
  const base = presenterBaseFont(useWindowWidth());

  // Capture phase: ahead of the lesson's step and question keys, so a key that unblanks the
  // screen does nothing else.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      const el = e.target instanceof HTMLElement ? e.target : null;
      const target = el ? { tagName: el.tagName, isContentEditable: el.isContentEditable, id: el.id } : null;
      const mods = { alt: e.altKey, ctrl: e.ctrlKey, meta: e.metaKey };
      const action = presentKeyAction(e.key, target, mods, true);
      if (blank && action !== 'leave' && action !== 'toggle') {
        // Nothing happens unseen: B or a step key brings the screen back, other keys (an
        // answer's 1–4) wait for it.
        if (action === 'blank' || stepKeyAction(e.key, target, mods) !== null) setBlank(false);
        if (e.key.length === 1 || stepKeyAction(e.key, target, mods) !== null) e.preventDefault();
        return;
      }
      if (action === null || action === 'toggle') return;
      e.preventDefault();
      if (action === 'blank') setBlank(true);
      else if (action === 'fullscreen') void toggleFullscreen();
      else if (action === 'notes') openNotesWindow();
      else if (action === 'leave') {
        if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
        onLeave();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [blank, onLeave]);

  // In fullscreen the browser keeps Esc to itself and only leaves fullscreen: a fullscreen
  // left other than by F is that Esc, so presenter mode is left too.
  useEffect(() => {
    const onChange = () => {
      if (document.fullscreenElement) return;
      if (leavingFullscreenByF) leavingFullscreenByF = false;
      else onLeave();
    };
    document.addEventListener('fullscreenchange', onChange);
    return () => document.removeEventListener('fullscreenchange', onChange);
  }, [onLeave]);

  const step = lessonStep(partContent, scenario, current);
  const title = fillPlaceholders(step.title, resolve);
  const line = presenterLine(fillPlaceholders(step.narration, resolve));
  const facts = useMemo(() => (snapshot ? presenterFacts(snapshot, state.before, state.actingRole) : []), [snapshot, state.before, state.actingRole]);
  const leave = useCallback(() => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    onLeave();
  }, [onLeave]);
  const right = reveal ? fillPlaceholders(reveal.question.choices[reveal.question.answer] ?? '', resolve) : '';
  const verdict = reveal ? (reveal.answer === null ? 'skipped' : reveal.answer.correct ? 'right' : 'wrong') : null;

  return (
    <main className="present" data-testid="presenter" aria-label={`${lesson.title}, presenter mode`} style={{ '--present-base': `${base}px` } as React.CSSProperties}>
      <header className="present-head">
        {question ? (
          <h1 className="present-title" id="present-title">
            <span className="present-tag">Predict · before step {(nav.asking ?? current) + 1}</span> {fillPlaceholders(question.question.prompt, resolve)}
          </h1>
        ) : (
          <h1 className="present-title" id="present-title">
            {step.figure && <span className="present-tag">Figure {step.figure}</span>} {title}
          </h1>
        )}
        <span className="present-step" data-testid="step-indicator" data-step={nav.shown ?? ''}>
          {nav.shown === null ? `Step – of ${state.total}` : stepIndicatorText(nav.shown, state.total)}
        </span>
      </header>
      {question ? (
        <ol className="present-choices" aria-labelledby="present-title">
          {question.question.choices.map((c, i) => (
            <li key={i}>
              <button type="button" className="present-choice" data-testid="choice" aria-keyshortcuts={String(i + 1)} onClick={() => state.choose(i)}>
                <kbd aria-hidden="true">{i + 1}</kbd> {fillPlaceholders(c, resolve)}
              </button>
            </li>
          ))}
          <li>
            <button type="button" className="present-choice skip" aria-keyshortcuts="S" onClick={state.skip}>
              <kbd aria-hidden="true">S</kbd> Skip
            </button>
          </li>
        </ol>
      ) : (
        <>
          {reveal && (
            <p className={`present-reveal ${verdict}`} data-testid="reveal" data-verdict={verdict} role="status">
              {verdict === 'right' ? '✓ Right: ' : verdict === 'wrong' ? '✗ The answer: ' : 'The answer: '}
              {right}. {fillPlaceholders(reveal.question.explanation, resolve)}
            </p>
          )}
          {!reveal && (
            <p className="present-line" data-testid="present-line" aria-live="polite">
              {line}
            </p>
          )}
          {snapshot ? (
            <PresenterFigure snapshot={snapshot} minFont={base} maxFont={Math.round(base * 1.4)} actingRole={state.actingRole} />
          ) : (
            <p className="present-wait">{state.view.loading ? 'Loading the trace…' : 'Waiting for the first step…'}</p>
          )}
        </>
      )}
      <footer className="present-foot">
        <ul className="present-facts" aria-label="Sockets that matter at this step" data-testid="present-facts">
          {!question &&
            facts.map((f) => (
              <li key={f.endpointId} className={f.changed ? 'changed' : undefined} data-testid="present-fact">
                <span className="fact-name">{f.name}</span> <strong>{factStateText(f)}</strong> <span className="fact-count">{factCountText(f)}</span>
              </li>
            ))}
        </ul>
        <div className="present-tools">
          <button type="button" onClick={openNotesWindow} aria-keyshortcuts="N" title="Open the notes window (N)">
            Notes
          </button>
          <CopyLink presenting />
          <button type="button" onClick={leave} aria-keyshortcuts="Escape" title="Leave presenter mode (Esc)">
            Exit
          </button>
        </div>
      </footer>
      {blank && <div className="present-blank" data-testid="blank" aria-label="Screen blanked: press B to show it" role="img" />}
    </main>
  );
}
