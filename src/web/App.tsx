// The two views: the lesson list (no ?lesson=) and a lesson. Links between them reload the
// page, so a lesson always starts with a fresh session.

import { lazy, Suspense, useMemo } from 'react';
import { findLesson, LESSONS } from '../lessons/index.ts';
import { findScenario } from '../scenarios/index.ts';
import { Home } from './lesson/Home.tsx';

// The lesson (model, session, figure) is its own chunk: the lesson list needs none of it.
const LessonView = lazy(() => import('./lesson/LessonView.tsx').then((m) => ({ default: m.LessonView })));
import { parseRoute } from './url.ts';

export function App() {
  const route = useMemo(() => parseRoute(window.location.search), []);
  if (route.view === 'home') return <Home lessons={LESSONS} />;
  const lesson = findLesson(route.lesson);
  const scenario = lesson ? findScenario(lesson.scenario) : undefined;
  if (!lesson || !scenario) {
    return <Home lessons={LESSONS} problem={`There is no lesson called “${route.lesson}”. Choose one below.`} />;
  }
  return (
    <Suspense fallback={<p className="panel-wait">Loading the lesson…</p>}>
      <LessonView lesson={lesson} scenario={scenario} initialStep={route.step} />
    </Suspense>
  );
}
