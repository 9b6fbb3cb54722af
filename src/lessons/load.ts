// Each lesson's narration and questions are their own chunk, loaded when the lesson opens.

import type { LessonContent } from './types.ts';

const LOADERS: Record<string, () => Promise<{ default: LessonContent }>> = {
  iterative: () => import('./iterative.ts'),
  outline: () => import('./outline.ts'),
  concurrent: () => import('./concurrent.ts'),
  refcounts: () => import('./refcounts.ts'),
  handshake: () => import('./handshake.ts'),
  'time-wait': () => import('./timewait.ts'),
  'close-wait': () => import('./closewait.ts'),
  'parent-keeps-connfd': () => import('./leak.ts'),
  'child-keeps-listenfd': () => import('./listenfd.ts'),
  zombies: () => import('./zombies.ts'),
  'linger-rst': () => import('./linger.ts'),
  'many-clients': () => import('./many.ts'),
  'every-state': () => import('./everystate.ts'),
};

export async function loadLessonContent(id: string): Promise<LessonContent> {
  const load = Object.hasOwn(LOADERS, id) ? LOADERS[id] : undefined;
  if (!load) throw new Error(`no lesson content for "${id}"`);
  const content = (await load()).default;
  if (content.id !== id) throw new Error(`lesson module for "${id}" holds "${content.id}"`);
  return content;
}

/** Every lesson id with content (for tests). */
export const CONTENT_IDS: readonly string[] = Object.keys(LOADERS);
