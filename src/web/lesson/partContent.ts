// A lesson part's text, once its lesson's content has loaded, or why there is none. Every
// drawing of a part (the lesson view, embed, the handout) starts here and says the why its own way.

import { use } from 'react';
import type { LessonPartContent, LessonPartInfo } from '../../lessons/index.ts';
import type { ContentResult } from './LessonView.tsx';

export function usePartContent(props: { content: Promise<ContentResult>; part: LessonPartInfo }): { partContent: LessonPartContent } | { why: string } {
  const result = use(props.content);
  const partContent = result.ok ? result.content.parts[props.part.id] : undefined;
  if (partContent) return { partContent };
  return { why: result.ok ? `the lesson has no text for part “${props.part.id}”` : result.message };
}
