// The one message union spoken over the companion's WebSocket, shared by server and browser.
// Every incoming message is validated with parseClientMessage before it is acted on.

import { parsePlan } from '../plan/parse.ts';
import { PLAN_LIMITS, type Plan } from '../plan/types.ts';
import type { TraceRecord } from '../trace/types.ts';

export const PROTOCOL_VERSION = 1;
/** Largest message the companion accepts from a browser, except a `start-plan`. */
export const MAX_CLIENT_MESSAGE_BYTES = 1024;
/** Largest `start-plan` message: a plan at its cap (PLAN_LIMITS.bytes) and the envelope around it. The `ws` maxPayload. */
export const MAX_PLAN_MESSAGE_BYTES = PLAN_LIMITS.bytes + 256;
/** Largest step number a browser may ask to run to in one go. */
export const MAX_TO_STEP = 10_000;

export type ClientMessage =
  /** Start a live run of a scenario (ending any run this connection had), then run it to `toStep`. */
  | { type: 'start'; scenario: string; toStep: number }
  /** Start a live run of a sandbox plan (validated with parsePlan), then run it to `toStep`. */
  | { type: 'start-plan'; plan: Plan; toStep: number }
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
      /** Whether sandbox plans can run live here (`start-plan`): live runs, and the sandbox program built. Absent: no. */
      sandbox?: boolean;
    }
  /** Records appended to the current run's trace (the header first). */
  | { type: 'records'; records: TraceRecord[] }
  /** A step finished: its kernel snapshot has been sent. */
  | { type: 'stepped'; step: number; done: boolean }
  | { type: 'error'; code: ErrorCode; message: string }
  /** The run ended; its processes are gone. */
  | { type: 'ended'; reason: 'completed' | 'stopped' | 'error'; message: string | null };

/** `code`: the error code to answer with when it is not 'bad-message' (a plan parsePlan refuses: 'bad-plan'). */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string; code?: ErrorCode };

const SCENARIO_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

function parseToStep(type: string, value: unknown): ParseResult<number> {
  const toStep = value ?? 0;
  if (typeof toStep !== 'number' || !Number.isInteger(toStep) || toStep < 0 || toStep > MAX_TO_STEP) {
    return { ok: false, error: `${type}: "toStep" must be a whole number from 0 to ${MAX_TO_STEP}` };
  }
  return { ok: true, value: toStep };
}

/** Validate one raw WebSocket message from a browser. Never throws. */
export function parseClientMessage(raw: string): ParseResult<ClientMessage> {
  if (raw.length > MAX_PLAN_MESSAGE_BYTES) return { ok: false, error: `message is larger than ${MAX_PLAN_MESSAGE_BYTES} bytes` };
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    if (raw.length > MAX_CLIENT_MESSAGE_BYTES) return { ok: false, error: `message is larger than ${MAX_CLIENT_MESSAGE_BYTES} bytes (only "start-plan" may be larger)` };
    return { ok: false, error: 'message is not JSON' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return { ok: false, error: 'message must be a JSON object' };
  }
  const msg = data as Record<string, unknown>;
  const keys = Object.keys(msg);
  // Only a plan needs room: every other message stays as small as before.
  if (msg.type !== 'start-plan' && (raw.length > MAX_CLIENT_MESSAGE_BYTES || new TextEncoder().encode(raw).length > MAX_CLIENT_MESSAGE_BYTES)) {
    return { ok: false, error: `message is larger than ${MAX_CLIENT_MESSAGE_BYTES} bytes (only "start-plan" may be larger)` };
  }
  switch (msg.type) {
    case 'start': {
      if (typeof msg.scenario !== 'string' || !SCENARIO_ID.test(msg.scenario)) {
        return { ok: false, error: 'start: "scenario" must be a scenario id such as "concurrent"' };
      }
      const toStep = parseToStep('start', msg.toStep);
      if (!toStep.ok) return toStep;
      if (keys.some((k) => !['type', 'scenario', 'toStep'].includes(k))) {
        return { ok: false, error: 'start: unknown field; expected type, scenario, toStep' };
      }
      return { ok: true, value: { type: 'start', scenario: msg.scenario, toStep: toStep.value } };
    }
    case 'start-plan': {
      const toStep = parseToStep('start-plan', msg.toStep);
      if (!toStep.ok) return toStep;
      if (keys.some((k) => !['type', 'plan', 'toStep'].includes(k))) {
        return { ok: false, error: 'start-plan: unknown field; expected type, plan, toStep' };
      }
      if (msg.plan === undefined) return { ok: false, error: 'start-plan: "plan" is missing' };
      const plan = parsePlan(msg.plan);
      if (!plan.ok) return { ok: false, error: `start-plan: ${plan.error}`, code: 'bad-plan' };
      return { ok: true, value: { type: 'start-plan', plan: plan.plan, toStep: toStep.value } };
    }
    case 'step':
    case 'stop':
      if (keys.length !== 1) return { ok: false, error: `${msg.type}: takes no fields besides "type"` };
      return { ok: true, value: { type: msg.type } };
    default:
      return { ok: false, error: 'unknown message type; expected "start", "start-plan", "step" or "stop"' };
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
