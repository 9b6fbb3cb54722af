// Names of the files the lesson view saves: forkscope-<lesson>-<part>-step<N>.svg|png|txt for what
// one step shows (N counted from 1, as the step indicator counts), forkscope-<scenario>.jsonl for
// a trace. Pure.

export type StepFileKind = 'svg' | 'png' | 'txt';

/** A name part made safe for any file system: lower case letters, digits and dashes. */
export function fileNamePart(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 48) || 'x'
  );
}

/** forkscope-concurrent-concurrent-step5.svg for step 4 (the fifth) of part concurrent of lesson concurrent. */
export function stepFileName(lesson: string, part: string, step: number, kind: StepFileKind): string {
  return `forkscope-${fileNamePart(lesson)}-${fileNamePart(part)}-step${step + 1}.${kind}`;
}

export interface TraceSource {
  /** A live run's trace, as it stands now. */
  live: boolean;
  /** No more steps will come. */
  done: boolean;
}

/**
 * forkscope-concurrent.jsonl; a live run still going saves what it has so far, and says so:
 * forkscope-concurrent-live-so-far.jsonl.
 */
export function traceFileName(scenario: string, source: TraceSource): string {
  const partial = source.live && !source.done ? '-live-so-far' : '';
  return `forkscope-${fileNamePart(scenario)}${partial}.jsonl`;
}
