// The presenting window and its notes window talk over a BroadcastChannel, one per lesson part.
// The presenting window is the one source of truth: it says which step it shows (and the
// narration filled from its own run, so pids and ports match the room's screen); the notes
// window asks it to move. Messages are plain data; the parser refuses anything malformed.

export const NOTES_PROTOCOL = 1;

export type StepCommand = 'next' | 'prev' | 'first' | 'last';

export type NotesMessage =
  /** Presenting window → notes: what the room sees now. */
  | {
      type: 'state';
      /** The step shown (null while the first step is awaited). */
      shown: number | null;
      /** The step whose question is open (it precedes that step), or null. */
      asking: number | null;
      total: number;
      /** The title and the narration of the step shown, placeholders filled by the presenting window. */
      title: string;
      narration: string;
    }
  /** Notes → presenting window: say your state (sent when the notes window opens). */
  | { type: 'hello' }
  /** Notes → presenting window: step as a key would. */
  | { type: 'command'; command: StepCommand }
  /** Notes → presenting window: show this step (a step of the outline). */
  | { type: 'seek'; step: number }
  /** Presenting window → notes: it is leaving (closed, reloaded, or out of presenter mode). */
  | { type: 'bye' };

/** The channel's name for one lesson part. */
export function notesChannelName(lesson: string, part: string): string {
  return `forkscope-notes:${lesson}:${part}`;
}

const COMMANDS: readonly string[] = ['next', 'prev', 'first', 'last'];
const isStep = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1e7;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A message on the wire (carrying the protocol version). */
export function encodeNotesMessage(m: NotesMessage): Record<string, unknown> {
  return { v: NOTES_PROTOCOL, ...m };
}

/** The message `data` is, or null when it is not one (another version, a wrong field, anything else). */
export function parseNotesMessage(data: unknown): NotesMessage | null {
  if (!isRecord(data) || data.v !== NOTES_PROTOCOL) return null;
  switch (data.type) {
    case 'hello':
      return { type: 'hello' };
    case 'bye':
      return { type: 'bye' };
    case 'command':
      return typeof data.command === 'string' && COMMANDS.includes(data.command) ? { type: 'command', command: data.command as StepCommand } : null;
    case 'seek':
      return isStep(data.step) ? { type: 'seek', step: data.step } : null;
    case 'state': {
      const { shown, asking, total, title, narration } = data;
      if (!(shown === null || isStep(shown)) || !(asking === null || isStep(asking))) return null;
      if (!isStep(total) || total < 1 || typeof title !== 'string' || typeof narration !== 'string') return null;
      if ((shown !== null && shown >= total) || (asking !== null && asking >= total)) return null;
      return { type: 'state', shown, asking, total, title, narration };
    }
    default:
      return null;
  }
}
