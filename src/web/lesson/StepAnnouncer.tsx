// The view's one live region: when the step changes, screen readers hear its title and its
// narration. Mounted once per view and never re-keyed (a replaced live region says nothing), so
// no other element of the view is aria-live about the step.

export interface Announcement {
  /** The step shown (null while none is). */
  step: number | null;
  total: number;
  title: string;
  paragraphs: readonly string[];
}

/** What the live region says for a step: "Step 3 of 12. Title. Narration…"; empty while no step is shown. Pure. */
export function stepAnnouncement({ step, total, title, paragraphs }: Announcement): string {
  if (step === null) return '';
  const head = `Step ${step + 1} of ${total}.`;
  const t = title.trim();
  return [head, t ? (/[.!?]$/.test(t) ? t : `${t}.`) : '', ...paragraphs].filter(Boolean).join(' ');
}

export function StepAnnouncer({ text }: { text: string }) {
  return (
    <div className="sr-only" role="status" aria-live="polite" aria-atomic="true" data-testid="step-announcer">
      {text}
    </div>
  );
}
