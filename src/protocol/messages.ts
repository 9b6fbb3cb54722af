// The one message union spoken over the companion's WebSocket, shared by server and browser.
// Every incoming message is validated with parseClientMessage before it is acted on.

import type { TraceRecord } from '../trace/types.ts';

export const PROTOCOL_VERSION = 1;
/** Largest message the companion accepts from a browser (the `ws` maxPayload). */
export const MAX_CLIENT_MESSAGE_BYTES = 1024;
/** Largest step number a browser may ask to run to in one go. */
export const MAX_TO_STEP = 10_000;

export type ClientMessage =
  /** Start a live run of a scenario (ending any run this connection had), then run it to `toStep`. */
  | { type: 'start'; scenario: string; toStep: number }
  /** Run the next step of the current run. */
  | { type: 'step' }
  /** End the current run and kill its processes. */
  | { type: 'stop' };

export type ErrorCode =
  | 'bad-message'
  | 'unknown-scenario'
  | 'no-run'
  | 'busy'
  | 'lab-unavailable'
  | 'lab-failed'
  | 'too-many-processes'
  /** A sandbox plan that parsePlan refuses (the message names the step and field), or that the runner cannot run. */
  | 'bad-plan';

export type ServerMessage =
  /** Sent once on connect: whether live runs are possible here, and why not. */
  | {
      type: 'hello';
      protocol: typeof PROTOCOL_VERSION;
      live: boolean;
      /** When live is false: what is missing and what to do. */
      reason: string | null;
      scenarios: { id: string; title: string; steps: number }[];
    }
  /** Records appended to the current run's trace (the header first). */
  | { type: 'records'; records: TraceRecord[] }
  /** A step finished: its kernel snapshot has been sent. */
  | { type: 'stepped'; step: number; done: boolean }
  | { type: 'error'; code: ErrorCode; message: string }
  /** The run ended; its processes are gone. */
  | { type: 'ended'; reason: 'completed' | 'stopped' | 'error'; message: string | null };

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const SCENARIO_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

/** Validate one raw WebSocket message from a browser. Never throws. */
export function parseClientMessage(raw: string): ParseResult<ClientMessage> {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return { ok: false, error: 'message is not JSON' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, error: 'message must be a JSON object' };
  }
  const msg = data as Record<string, unknown>;
  const keys = Object.keys(msg);
  switch (msg.type) {
    case 'start': {
      if (typeof msg.scenario !== 'string' || !SCENARIO_ID.test(msg.scenario)) {
        return { ok: false, error: 'start: "scenario" must be a scenario id such as "concurrent"' };
      }
      const toStep = msg.toStep ?? 0;
      if (typeof toStep !== 'number' || !Number.isInteger(toStep) || toStep < 0 || toStep > MAX_TO_STEP) {
        return { ok: false, error: `start: "toStep" must be a whole number from 0 to ${MAX_TO_STEP}` };
      }
      if (keys.some((k) => !['type', 'scenario', 'toStep'].includes(k))) {
        return { ok: false, error: 'start: unknown field; expected type, scenario, toStep' };
      }
      return { ok: true, value: { type: 'start', scenario: msg.scenario, toStep } };
    }
    case 'step':
    case 'stop':
      if (keys.length !== 1) return { ok: false, error: `${msg.type}: takes no fields besides "type"` };
      return { ok: true, value: { type: msg.type } };
    default:
      return { ok: false, error: 'unknown message type; expected "start", "step" or "stop"' };
  }
}

const SERVER_TYPES = new Set(['hello', 'records', 'stepped', 'error', 'ended']);

/** Parse one message from the companion (in the browser); null if it is not one. Never throws. */
export function parseServerMessage(raw: unknown): ServerMessage | null {
  if (typeof raw !== 'string') return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return null;
  const type = (data as { type?: unknown }).type;
  if (typeof type !== 'string' || !SERVER_TYPES.has(type)) return null;
  if (type === 'records' && !Array.isArray((data as { records?: unknown }).records)) return null;
  return data as ServerMessage;
}
