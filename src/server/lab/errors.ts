// The one error a lab run fails with; its code reaches the browser in an `error` message.

/** 'bad-plan': a plan the runner cannot run as given (a drop step, before segment drops exist). */
export type LabErrorCode = 'lab-unavailable' | 'lab-failed' | 'too-many-processes' | 'bad-plan';

export class LabError extends Error {
  constructor(
    readonly code: LabErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LabError';
  }
}

export function asLabError(err: unknown): LabError {
  if (err instanceof LabError) return err;
  return new LabError('lab-failed', err instanceof Error ? err.message : String(err));
}
