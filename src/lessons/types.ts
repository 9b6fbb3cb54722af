// A lesson is data: it names a scenario (src/scenarios) and narrates each of its steps.
// Step keys are the scenario's schedule entry ids, plus 'start' for step 0.

export type FigureRef = '4.13' | '4.14' | '4.15' | '4.16' | '4.17';

export interface LessonStep {
  /** Shown as the step's heading. */
  title: string;
  /**
   * A few sentences. Paragraphs are separated by a blank line. Placeholders filled from the
   * step's snapshot: {pid:ROLE}, {ppid:ROLE}, {port} (the server's port), {cport:ROLE}
   * (a client's local port), {fd:ROLE:KIND} (the descriptor ROLE holds on an endpoint of KIND).
   */
  narration: string;
  /** The figure of UNP §4.8 this step reproduces. */
  figure?: FigureRef;
}

export interface Lesson {
  id: string;
  title: string;
  /** Id of the scenario this lesson runs. */
  scenario: string;
  summary: string;
  steps: Record<string, LessonStep>;
}
