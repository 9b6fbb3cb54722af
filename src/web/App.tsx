// The views: the lesson list (no ?lesson=, or ?view=lessons), a lesson part, and the sandbox
// (?view=sandbox). Links between them reload the page, so a part always starts with a fresh session.

import { lazy, Suspense, useMemo } from 'react';
import { findLessonInfo, findPart, LESSON_CATALOG } from '../lessons/index.ts';
import { loadLessonContent } from '../lessons/load.ts';
import { findScenario } from '../scenarios/index.ts';
import { FramedRefusal } from './embed/FramedRefusal.tsx';
import { isFramed, mayDraw } from './embed/framing.ts';
import { Home } from './lesson/Home.tsx';
import type { ContentResult } from './lesson/LessonView.tsx';
import { flagOn, parseRoute, questionsOn } from './url.ts';

// The lesson (model, session, figure) is its own chunk, and each lesson's text another: the
// lesson list needs neither. Both start loading at once.
const LessonView = lazy(() => import('./lesson/LessonView.tsx').then((m) => ({ default: m.LessonView })));
const SandboxView = lazy(() => import('./sandbox/SandboxView.tsx').then((m) => ({ default: m.SandboxView })));
const EmbedView = lazy(() => import('./embed/EmbedView.tsx').then((m) => ({ default: m.EmbedView })));

function contentOf(id: string): Promise<ContentResult> {
  return loadLessonContent(id).then(
    (content): ContentResult => ({ ok: true, content }),
    (err: unknown): ContentResult => ({ ok: false, message: err instanceof Error ? err.message : String(err) }),
  );
}

type Page =
  | { kind: 'home'; problem?: string }
  /** In another page's frame, but not an embedded lesson: not drawn (clickjacking). */
  | { kind: 'framed' }
  | { kind: 'sandbox'; plan: string | null }
  | { kind: 'lesson'; embed: boolean; props: Omit<Parameters<typeof LessonView>[0], 'ref'> };

function choosePage(search: string): Page {
  const route = parseRoute(search);
  const embed = flagOn(search, 'embed');
  if (!mayDraw(isFramed(window), embed, route.view === 'lesson')) return { kind: 'framed' };
  if (route.view === 'home') return { kind: 'home' };
  if (route.view === 'sandbox') return { kind: 'sandbox', plan: route.plan };
  const lesson = findLessonInfo(route.lesson);
  if (!lesson) return { kind: 'home', problem: `There is no lesson called “${route.lesson}”. Choose one below.` };
  const part = findPart(lesson, route.part);
  if (!part) return { kind: 'home', problem: `The lesson “${lesson.title}” has no part called “${route.part}”. Choose one below.` };
  const scenario = findScenario(part.scenario);
  if (!scenario) return { kind: 'home', problem: `The scenario “${part.scenario}” of “${lesson.title}” is not in this build.` };
  return { kind: 'lesson', embed, props: { lesson, part, scenario, content: contentOf(lesson.id), initialStep: route.step, questions: questionsOn(search) } };
}

export function App() {
  const page = useMemo(() => choosePage(window.location.search), []);
  if (page.kind === 'framed') return <FramedRefusal href={window.location.href} />;
  if (page.kind === 'home') return <Home lessons={LESSON_CATALOG} problem={page.problem} />;
  if (page.kind === 'sandbox') {
    return (
      <Suspense fallback={<p className="panel-wait">Loading the sandbox…</p>}>
        <SandboxView planParam={page.plan} />
      </Suspense>
    );
  }
  return (
    <Suspense fallback={<p className="panel-wait">Loading the lesson…</p>}>
      {page.embed ? <EmbedView {...page.props} /> : <LessonView {...page.props} />}
    </Suspense>
  );
}
