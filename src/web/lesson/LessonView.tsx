// One lesson: the session (live or recorded), the step the page shows, and the panels.
// The figure and the narration load with the page; the other panels arrive as separate chunks.

import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from 'react';
import { lessonStep, snapshotResolver, stepRole, stepTotal, type Lesson } from '../../lessons/index.ts';
import type { ModelSnapshot } from '../../model/types.ts';
import type { Scenario } from '../../scenarios/types.ts';
import { DisagreementBanner } from '../panels/DisagreementBanner.tsx';
import { FigurePanel } from '../panels/Figure.tsx';
import { Narration } from '../panels/Narration.tsx';
import { Panel } from '../panels/Panel.tsx';
import { TraceProblems } from '../panels/TraceProblems.tsx';
import { useSession } from '../session/useSession.ts';
import { clampStep, formatRoute, socketUrl, traceUrl } from '../url.ts';
import { Controls } from './Controls.tsx';
import { ModeBadge, ModeNotice } from './ModeBar.tsx';
import { useStepKeys } from './useStepKeys.ts';

const TcpDiagram = lazy(() => import('../panels/TcpDiagram.tsx'));
const Descriptors = lazy(() => import('../panels/Descriptors.tsx'));
const Processes = lazy(() => import('../panels/Processes.tsx'));
const Source = lazy(() => import('../panels/Source.tsx'));
const EventLog = lazy(() => import('../panels/EventLog.tsx'));

function pageToken(): string | null {
  const meta = document.querySelector('meta[name="forkscope-token"]');
  const content = meta?.getAttribute('content')?.trim();
  return content ? content : null;
}

const waiting = <p className="panel-wait">Loading…</p>;

export interface LessonViewProps {
  lesson: Lesson;
  scenario: Scenario;
  initialStep: number;
}

export function LessonView({ lesson, scenario, initialStep }: LessonViewProps) {
  const total = stepTotal(scenario);
  const [step, setStep] = useState(() => clampStep(initialStep, total));
  const [input] = useState(() => ({
    scenario: scenario.id,
    toStep: clampStep(initialStep, total),
    socketUrl: socketUrl(window.location.href, import.meta.env.BASE_URL, pageToken()),
    traceUrl: traceUrl(import.meta.env.BASE_URL, scenario.id),
  }));
  const { view, requestStep } = useSession(input);
  const { replay, steps: available, revision, mode } = view;

  const shown = available > 0 ? Math.min(step, available - 1) : null;
  const snapshot = useMemo<ModelSnapshot | null>(
    () => (replay && shown !== null ? replay.atStep(shown) : null),
    // revision: the replay is appended to in place during a live run
    [replay, revision, shown],
  );
  const before = useMemo<ModelSnapshot | null>(
    () => (replay && shown !== null && shown > 0 ? replay.atStep(shown - 1) : null),
    [replay, revision, shown],
  );

  useEffect(() => {
    const search = formatRoute({ view: 'lesson', lesson: lesson.id, step }, window.location.search);
    if (search !== window.location.search) window.history.replaceState(window.history.state, '', search);
  }, [lesson.id, step]);

  useEffect(() => {
    document.title = `${shown === null ? '' : `Step ${shown + 1} · `}${lesson.title} — forkscope`;
  }, [lesson.title, shown]);

  const liveMore = mode === 'live' && !view.done;
  const atEdge = shown === null || shown >= available - 1;
  const canNext = shown !== null && shown < total - 1 && (!atEdge || (liveMore && !view.inFlight));
  const canPrev = shown !== null && shown > 0;
  const canLast = shown !== null && shown < available - 1;

  const next = useCallback(() => {
    if (shown === null || shown >= total - 1) return;
    if (shown < available - 1) {
      setStep(shown + 1);
    } else if (liveMore && !view.inFlight) {
      requestStep();
      setStep(shown + 1);
    }
  }, [shown, total, available, liveMore, view.inFlight, requestStep]);
  const prev = useCallback(() => {
    if (shown !== null && shown > 0) setStep(shown - 1);
  }, [shown]);
  const first = useCallback(() => setStep(0), []);
  const last = useCallback(() => {
    if (available > 0) setStep(available - 1);
  }, [available]);
  const seek = useCallback((n: number) => setStep(clampStep(n, available)), [available]);

  const keys = useMemo(() => ({ next, prev, first, last }), [next, prev, first, last]);
  useStepKeys(keys);

  const text = lessonStep(lesson, scenario, shown ?? step);
  const resolve = snapshotResolver(snapshot, view.header?.scenario.port ?? null);
  const actingRole = stepRole(scenario, shown ?? step);

  return (
    <div className="lesson">
      <header className="topbar">
        <a className="brand" href="?">
          forkscope
        </a>
        <h1 className="lesson-title">{lesson.title}</h1>
        <ModeBadge mode={mode} header={view.header} />
        <Controls
          shown={shown}
          total={total}
          canPrev={canPrev}
          canNext={canNext}
          canLast={canLast}
          busy={view.inFlight}
          onFirst={first}
          onPrev={prev}
          onNext={next}
          onLast={last}
        />
      </header>
      {mode === 'recorded' && view.notice && <ModeNotice notice={view.notice} header={view.header} />}
      {snapshot && snapshot.disagreements.length > 0 && <DisagreementBanner disagreements={snapshot.disagreements} />}
      {view.problems ? (
        <TraceProblems url={input.traceUrl} problems={view.problems} />
      ) : (
        <main className="grid">
          <Narration step={text} resolve={resolve} />
          <Panel title="Figure" area="fig">
            {snapshot ? <FigurePanel snapshot={snapshot} /> : <p className="panel-wait">{view.loading ? 'Loading the trace…' : 'Waiting for the first step…'}</p>}
          </Panel>
          <Suspense fallback={<PanelShell title="TCP state diagram" area="tcp" />}>
            <TcpDiagram snapshot={snapshot} before={before} />
          </Suspense>
          <Suspense fallback={<PanelShell title="Source" area="src" />}>
            <Source snapshot={snapshot} actingRole={actingRole} />
          </Suspense>
          <Suspense fallback={<PanelShell title="Processes" area="proc" />}>
            <Processes snapshot={snapshot} />
          </Suspense>
          <Suspense fallback={<PanelShell title="Descriptors and open files" area="desc" />}>
            <Descriptors snapshot={snapshot} />
          </Suspense>
          <Suspense fallback={<PanelShell title="Event log" area="log" />}>
            <EventLog
              replay={replay}
              revision={revision}
              shown={shown}
              available={available}
              total={total}
              onSeek={seek}
            />
          </Suspense>
        </main>
      )}
    </div>
  );
}

function PanelShell({ title, area }: { title: string; area: string }) {
  return (
    <Panel title={title} area={area}>
      {waiting}
    </Panel>
  );
}
