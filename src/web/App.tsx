// The two views: the lesson list (no ?lesson=) and a lesson. Links between them reload the
// page, so a lesson always starts with a fresh session.

import { useMemo } from 'react';
import { findLesson, LESSONS } from '../lessons/index.ts';
import { findScenario } from '../scenarios/index.ts';
import { Home } from './lesson/Home.tsx';
import { LessonView } from './lesson/LessonView.tsx';
import { parseRoute } from './url.ts';

export function App() {
  const route = useMemo(() => parseRoute(window.location.search), []);
  if (route.view === 'home') return <Home lessons={LESSONS} />;
  const lesson = findLesson(route.lesson);
  const scenario = lesson ? findScenario(lesson.scenario) : undefined;
  if (!lesson || !scenario) {
    return <Home lessons={LESSONS} problem={`There is no lesson called “${route.lesson}”. Choose one below.`} />;
  }
  return <LessonView lesson={lesson} scenario={scenario} initialStep={route.step} />;
}
