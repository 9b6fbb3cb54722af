// The session: where a lesson's trace comes from. It tries the companion first (live: real
// programs run now, step by step) and otherwise plays a recorded real trace.
//
//   choosing ──token──▶ online.connecting ──hello live──▶ online.live ──(socket closes after the run)──▶ liveEnded
//      │                     │  hello not live, error, timeout,      │ error, failure, close mid-run
//      └──no token──────────▶└──────────────▶ recorded.loading ◀─────┘
//                                                 ├──▶ recorded.ready
//                                                 └──▶ recorded.broken (the trace file is bad: line and reason)
//
// A trace the reader opened from a file (input.trace, already checked) skips all of that: choosing
// goes straight to recorded.ready, the notice naming the file.
//
// A sandbox plan (input.plan) runs the same way with `start-plan`, once the companion's hello
// says sandbox: true; a plan has no recorded trace, so where a lesson falls back to one the
// plan's session ends in recorded.unavailable, its notice saying why.
//
// The WebSocket and the trace fetch are actors, so tests supply their own with .provide().

import { assign, enqueueActions, fromPromise, sendTo, setup } from 'xstate';
import { createReplay, parseTrace } from '../../model/index.ts';
import type { Plan } from '../../plan/types.ts';
import type { ClientMessage, ServerMessage } from '../../protocol/messages.ts';
import type { Trace, TraceEvent, TraceHeader, TraceRecord } from '../../trace/types.ts';
import { webSocketActor, type SocketEvent } from './socket.ts';

export type Replay = ReturnType<typeof createReplay>;

export interface TraceProblem {
  /** 1-based line of the trace file, or null when the problem is not on one line (HTTP error …). */
  line: number | null;
  message: string;
}

export type LoadResult = { ok: true; trace: Trace } | { ok: false; problems: TraceProblem[] };

export interface SessionInput {
  scenario: string;
  /** A sandbox plan to run instead of the scenario (which then only names the run). */
  plan?: Plan | null;
  /** The step the page opened at; a live run is run to it at once. */
  toStep: number;
  /** ws(s)://…/ws?token=…, or null when the page was not served by a companion. */
  socketUrl: string | null;
  /** Why there is no socket, when it is not that the page was not served by a companion (another machine, an embedded frame). */
  offlineReason?: string | null;
  /** Where the recorded trace is, e.g. /traces/concurrent.jsonl */
  traceUrl: string;
  /** How long to wait for the companion's hello. */
  helloTimeoutMs?: number;
  /** A trace opened from a file (checked by the caller): played at once, no companion, no fetch. */
  trace?: Trace | null;
  /** The file `trace` came from, for the notice. */
  traceName?: string;
}

export type Mode = 'connecting' | 'live' | 'recorded';

export interface SessionContext {
  scenario: string;
  plan: Plan | null;
  toStep: number;
  socketUrl: string | null;
  offlineReason: string;
  traceUrl: string;
  helloTimeoutMs: number;
  /** A trace opened from a file, played instead of the companion's or the recorded one. */
  trace: Trace | null;
  traceName: string | null;
  mode: Mode;
  /** Why the lesson plays from a recorded trace (null when live, or while connecting). */
  notice: string | null;
  header: TraceHeader | null;
  replay: Replay | null;
  /** Snapshots available: steps 0 … steps-1. */
  steps: number;
  /** Bumped whenever the trace grows or is replaced. */
  revision: number;
  /** No more steps will come (recorded trace, or the live run is over). */
  done: boolean;
  /** A live step (or the initial run to toStep) has been asked for and has not arrived. */
  inFlight: boolean;
  /** Wait for this step before clearing inFlight. */
  awaiting: number | null;
  /** Set when the recorded trace could not be loaded. */
  problems: TraceProblem[] | null;
}

export type SessionEvent = SocketEvent | { type: 'next' } | { type: 'live.broken'; reason: string };

export const NOT_SERVED_BY_COMPANION = 'this page was not served by the forkscope companion (npm start)';

/** Fetch and parse a recorded trace. */
export const traceLoader = fromPromise<LoadResult, { url: string }>(async ({ input, signal }) => {
  let res: Response;
  try {
    res = await fetch(input.url, { signal });
  } catch (err) {
    return { ok: false, problems: [{ line: null, message: `could not fetch ${input.url}: ${err instanceof Error ? err.message : String(err)}` }] };
  }
  if (!res.ok) {
    return { ok: false, problems: [{ line: null, message: `could not fetch ${input.url}: HTTP ${res.status} ${res.statusText}`.trim() }] };
  }
  const text = await res.text();
  const parsed = parseTrace(text);
  if (parsed.ok) return { ok: true, trace: parsed.trace };
  return { ok: false, problems: parsed.errors.map((e) => ({ line: e.line, message: e.message })) };
});

function isHeader(r: TraceRecord): r is TraceHeader {
  return r.kind === 'header';
}

const FALLBACK_PREFIX = 'Playing a recorded trace of the real programs. Live runs are unavailable: ';

function fallback(why: string): string {
  return `${FALLBACK_PREFIX}${why.replace(/\.$/, '')}.`;
}

/** What the page says when it plays a trace opened from a file. */
export function importedNotice(fileName: string | null, header: TraceHeader): string {
  const when = header.recordedAt.slice(0, 10);
  return `Playing the trace from the file “${fileName ?? 'a file'}” (${header.scenario.id}, recorded on ${header.platform.os} ${header.platform.release}${when ? `, ${when}` : ''}), not the companion's.`;
}

/** The context a complete trace gives the session (a recorded one, or one opened from a file). */
function fromTrace(trace: Trace, revision: number): Partial<SessionContext> {
  const replay = createReplay(trace);
  return { header: trace.header, replay, steps: replay.stepCount, revision: revision + 1, done: true, problems: null };
}

/** Why a plan cannot run for real, from the notice a lesson would show. */
export function planUnavailableNotice(notice: string | null): string {
  const why = notice?.startsWith(FALLBACK_PREFIX) ? notice.slice(FALLBACK_PREFIX.length) : (notice ?? 'the companion is not there.');
  return `This plan cannot run for real here: ${why}`;
}

/** The message that starts the run: a lesson's scenario, or a sandbox plan. */
export function startMessage(context: Pick<SessionContext, 'scenario' | 'plan' | 'toStep'>): ClientMessage {
  if (context.plan) return { type: 'start-plan', plan: context.plan, toStep: context.toStep };
  return { type: 'start', scenario: context.scenario, toStep: context.toStep };
}

/** Whether a hello lets this session run live: live runs, and for a plan, the sandbox. */
export function helloAllowsRun(context: Pick<SessionContext, 'plan'>, message: ServerMessage): boolean {
  if (message.type !== 'hello' || !message.live) return false;
  return !context.plan || message.sandbox === true;
}

export const sessionMachine = setup({
  types: {} as { context: SessionContext; events: SessionEvent; input: SessionInput },
  actors: { socket: webSocketActor, loadTrace: traceLoader },
  delays: { helloTimeout: ({ context }) => context.helloTimeoutMs },
  guards: {
    hasSocket: ({ context }) => context.socketUrl !== null,
    hasTrace: ({ context }) => context.trace !== null,
    runDone: ({ context }) => context.done,
    isPlan: ({ context }) => context.plan !== null,
    canStep: ({ context }) => !context.done && !context.inFlight,
  },
  actions: {
    sendStart: sendTo('socket', ({ context }) => ({ type: 'send' as const, message: startMessage(context) })),
    sendStep: sendTo('socket', { type: 'send' as const, message: { type: 'step' as const } }),
  },
}).createMachine({
  id: 'session',
  context: ({ input }) => ({
    scenario: input.scenario,
    plan: input.plan ?? null,
    toStep: input.toStep,
    socketUrl: input.socketUrl,
    offlineReason: input.offlineReason || NOT_SERVED_BY_COMPANION,
    traceUrl: input.traceUrl,
    helloTimeoutMs: input.helloTimeoutMs ?? 5000,
    trace: input.trace ?? null,
    traceName: input.traceName ?? null,
    mode: 'connecting',
    notice: null,
    header: null,
    replay: null,
    steps: 0,
    revision: 0,
    done: false,
    inFlight: false,
    awaiting: null,
    problems: null,
  }),
  initial: 'choosing',
  states: {
    choosing: {
      always: [
        { guard: 'hasTrace', target: 'recorded', actions: assign({ notice: ({ context }) => importedNotice(context.traceName, context.trace!.header) }) },
        { guard: 'hasSocket', target: 'online' },
        { target: 'recorded', actions: assign({ notice: ({ context }) => fallback(context.offlineReason) }) },
      ],
    },
    online: {
      invoke: { id: 'socket', src: 'socket', input: ({ context }) => ({ url: context.socketUrl ?? '' }) },
      initial: 'connecting',
      on: {
        'socket.failed': { target: 'recorded', actions: assign({ notice: ({ event }) => fallback(event.reason) }) },
        'socket.closed': [
          { guard: 'runDone', target: 'liveEnded' },
          { target: 'recorded', actions: assign({ notice: ({ event }) => fallback(event.reason) }) },
        ],
      },
      states: {
        connecting: {
          after: {
            helloTimeout: { target: '#session.recorded', actions: assign({ notice: fallback('the companion did not answer') }) },
          },
          on: {
            'socket.message': [
              {
                guard: ({ context, event }) => helloAllowsRun(context, event.message),
                target: 'live',
                actions: [assign({ mode: 'live', inFlight: true, awaiting: ({ context }) => context.toStep }), 'sendStart'],
              },
              {
                guard: ({ event }) => event.message.type === 'hello' || event.message.type === 'error',
                target: '#session.recorded',
                actions: assign({
                  notice: ({ event }) =>
                    fallback(event.message.type === 'hello' && event.message.live ? 'this companion does not run sandbox plans' : reasonOf(event.message)),
                }),
              },
            ],
          },
        },
        live: {
          on: {
            next: { guard: 'canStep', actions: [assign({ inFlight: true, awaiting: ({ context }) => context.steps }), 'sendStep'] },
            'socket.message': [
              {
                guard: ({ event }) => event.message.type === 'error' || (event.message.type === 'ended' && event.message.reason === 'error'),
                target: '#session.recorded',
                actions: assign({ notice: ({ event }) => fallback(reasonOf(event.message)) }),
              },
              {
                actions: enqueueActions(({ context, event, enqueue }) => {
                  try {
                    enqueue.assign(onLiveMessage(context, event.message));
                  } catch (err) {
                    enqueue.raise({ type: 'live.broken', reason: `the live trace is broken (${err instanceof Error ? err.message : String(err)})` });
                  }
                }),
              },
            ],
            'live.broken': { target: '#session.recorded', actions: assign({ notice: ({ event }) => fallback(event.reason) }) },
          },
        },
      },
    },
    /** The live run completed and the companion has gone: the trace is complete, keep showing it. */
    liveEnded: {
      entry: assign({ inFlight: false, awaiting: null, done: true }),
    },
    recorded: {
      entry: assign({ mode: 'recorded', inFlight: false, awaiting: null }),
      initial: 'choosing',
      states: {
        choosing: {
          always: [
            { guard: 'isPlan', target: 'unavailable' },
            { guard: 'hasTrace', target: 'ready', actions: assign(({ context }) => fromTrace(context.trace!, context.revision)) },
            { target: 'loading' },
          ],
        },
        /** A plan has no recorded trace: nothing to show but why. */
        unavailable: {
          entry: assign({ done: true }),
        },
        loading: {
          invoke: {
            src: 'loadTrace',
            input: ({ context }) => ({ url: context.traceUrl }),
            onDone: [
              {
                guard: ({ event }) => event.output.ok,
                target: 'ready',
                actions: assign(({ context, event }) => fromTrace((event.output as { ok: true; trace: Trace }).trace, context.revision)),
              },
              {
                target: 'broken',
                actions: assign({ problems: ({ event }) => (event.output as { ok: false; problems: TraceProblem[] }).problems }),
              },
            ],
            onError: {
              target: 'broken',
              actions: assign({
                problems: ({ event }) => [{ line: null, message: event.error instanceof Error ? event.error.message : String(event.error) }],
              }),
            },
          },
        },
        ready: {},
        broken: {},
      },
    },
  },
});

function reasonOf(message: ServerMessage): string {
  switch (message.type) {
    case 'hello':
      return message.reason ?? 'the companion says live runs are off';
    case 'error':
      return `the companion reported ${message.code}: ${message.message}`;
    case 'ended':
      return `the live run ended with an error${message.message ? `: ${message.message}` : ''}`;
    default:
      return 'unexpected message from the companion';
  }
}

/** What a message from the companion changes during a live run. Pure. */
export function onLiveMessage(context: SessionContext, message: ServerMessage): Partial<SessionContext> {
  switch (message.type) {
    case 'records': {
      let { header, replay } = context;
      let records = message.records;
      if (!header || !replay) {
        const first = records[0];
        if (!first || !isHeader(first)) throw new Error('the first record of a run must be its header');
        header = first;
        records = records.slice(1);
        replay = createReplay({ header, events: [] });
      }
      const fresh = records.filter((r): r is TraceEvent => !isHeader(r));
      if (fresh.length > 0) replay.append(fresh);
      return {
        header,
        replay,
        steps: replay.stepCount,
        revision: context.revision + 1,
      };
    }
    case 'stepped': {
      const arrived = context.awaiting === null || message.step >= context.awaiting || message.done;
      return { done: message.done, inFlight: arrived ? false : context.inFlight, awaiting: arrived ? null : context.awaiting };
    }
    case 'ended':
      return { done: true, inFlight: false, awaiting: null };
    default:
      return {};
  }
}
