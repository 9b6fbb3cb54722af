// Lessons are data. A lesson has one or more parts; each part runs one scenario (src/scenarios)
// and narrates its steps. Step keys are the scenario's schedule entry ids, plus 'start' for step 0.
//
// The catalog (catalog.ts) holds what the lesson list needs — titles, summaries, parts and the
// keys of their questions — and loads with the first page. The narration and the questions
// themselves (LessonContent, one module per lesson) load only when that lesson is opened.

export type FigureRef = '4.13' | '4.14' | '4.15' | '4.16' | '4.17';

export interface LessonStep {
  /** Shown as the step's heading. */
  title: string;
  /**
   * A few sentences. Paragraphs are separated by a blank line. Placeholders filled from the
   * step's snapshot: {pid:ROLE}, {ppid:ROLE}, {port} (the server's port), {cport:ROLE}
   * (a client's local port), {fd:ROLE:KIND} (the descriptor ROLE holds on an endpoint of KIND),
   * {timewait} (what the kernel reports is left of a TIME_WAIT socket's 2MSL timer: "59.9 s"),
   * {timer:STATE} (the same for the first socket in STATE with such a timer, e.g. FIN_WAIT_2),
   * {rto:STATE} (what is left of the retransmission timer of the first socket in STATE that has
   * one: "0.98 s"; a socket held by a lost segment: docs/drops.md),
   * {observed} (a sentence on how the kernel's view was obtained: read now, in a live run, or
   * when the trace was recorded).
   */
  narration: string;
  /** The figure of UNP §4.8 this step reproduces. */
  figure?: FigureRef;
}

/**
 * Predict, then reveal: asked when the learner presses → to go to the step it is keyed to,
 * before that step is shown. The step then shows whether the answer was right, and why.
 */
export interface Question {
  /** The question, answerable from what the learner has seen so far. Placeholders as in narration. */
  prompt: string;
  /** Two to four answers, short. */
  choices: readonly string[];
  /** Index into `choices` of the right answer. */
  answer: number;
  /** Shown with the step: why that answer is right. One or two sentences. */
  explanation: string;
}

/** What the lesson view shows first where two panels share a place (1280×720 has no room for all). */
export interface PartViews {
  /** Beside the narration: the figure (default) or the packet sequence diagram. */
  main?: 'figure' | 'packets';
  /** Bottom right: the C source (default) or the event log. */
  side?: 'source' | 'log';
}

export interface LessonPartInfo {
  /** Unique within the lesson; the URL's ?part=. By convention the scenario's id. */
  id: string;
  /** Id of the scenario this part runs. */
  scenario: string;
  /** Short: shown on the part's tab and in the lesson list. */
  title: string;
  /** Keys of the part's questions (the steps they precede), in step order. Must match the content. */
  questions: readonly string[];
}

export interface LessonInfo {
  /** The URL's ?lesson=. */
  id: string;
  /** 1-based position in the course. */
  number: number;
  title: string;
  /** One paragraph: what to remember. Shown on the lesson list and at the end of the lesson. */
  summary: string;
  parts: readonly LessonPartInfo[];
}

export interface LessonPartContent {
  steps: Record<string, LessonStep>;
  /** Keyed by the step each question precedes. */
  questions: Record<string, Question>;
  views?: PartViews;
}

export interface LessonContent {
  /** The lesson's id, as in the catalog. */
  id: string;
  /** Keyed by part id. */
  parts: Record<string, LessonPartContent>;
}
