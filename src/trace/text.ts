// A trace as text: JSON Lines, the header first, then one event per line (docs/trace-format.md),
// as the runner writes it and parseTrace reads it back. Pure.

import type { Trace } from './types.ts';

/** JSON Lines of a trace: the header, then one event per line, each line ended by \n. */
export function traceText(trace: Trace): string {
  return [trace.header, ...trace.events].map((r) => JSON.stringify(r)).join('\n') + '\n';
}
