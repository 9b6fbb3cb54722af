// Validation of trace records (src/trace/types.ts). Every line of a trace is checked;
// a broken line is reported with its 1-based line number and what is wrong with it.
// Unknown extra fields of a record are allowed (the format grows by adding fields and kinds);
// an unknown kind is an error, and so is a version other than TRACE_VERSION. A call's arguments
// are not open like that: each call has exactly the arguments the lab writes (CallArgs), and a
// return exactly its call's extra fields (ReturnFields), checked by the tables CALL_ARGS and
// RETURN_FIELDS below; an unknown call, a missing, mistyped or unknown argument is an error.
// Pure: no DOM, no Node APIs.

import {
  CALL_NAMES,
  INT_SOCKOPTS,
  PACKET_FLAGS,
  RLIMIT_RESOURCES,
  SHUTDOWN_HOWS,
  SIGACTION_FLAGS,
  SOCKET_DOMAINS,
  SOCKET_TYPES,
  SOCKOPT_LEVELS,
  SOCKOPT_NAMES,
  TCP_STATES,
  TRACE_FORMAT,
  TRACE_VERSION,
  WAITPID_OPTIONS,
  type CallArgs,
  type CallName,
  type KernelProcess,
  type KernelSocket,
  type ProcessPlace,
  type ReturnFields,
  type ReturningCall,
  type Scalar,
  type SocketHolder,
  type TcpState,
  type Trace,
  type TraceEvent,
  type TraceHeader,
  type TraceRecord,
} from './types.ts';

export class TraceFormatError extends Error {
  /** 1-based line number of the broken record. */
  readonly line: number;
  /** What is wrong, without the "line N: " prefix. */
  readonly detail: string;
  constructor(line: number, detail: string) {
    super(`line ${line}: ${detail}`);
    this.name = 'TraceFormatError';
    this.line = line;
    this.detail = detail;
  }
}

export interface TraceParseError {
  line: number;
  message: string;
}

export type ParseTraceResult = { ok: true; trace: Trace } | { ok: false; errors: TraceParseError[] };

export const EVENT_KINDS = ['spawn', 'call', 'ready', 'release', 'return', 'exit', 'signal', 'drop', 'lost', 'retransmit', 'output', 'kernel', 'packet', 'step', 'end'] as const;
const DROPPED_SEGMENTS = ['SYN-ACK', 'ACK', 'FIN', 'data'] as const;
const PLACES: readonly ProcessPlace[] = ['gate', 'kernel', 'running', 'zombie'];
const TIMER_KINDS = ['retransmit', 'keepalive', 'timewait', 'probe'] as const;
/** parseTrace lists at most this many errors, then one saying how many more there were (a wrong file has one per line). */
export const MAX_REPORTED_ERRORS = 1000;

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number') return `${v}`;
  if (typeof v === 'object') return 'an object';
  return `${typeof v} ${String(v)}`;
}

/** Field checks for one record; `where` names the record for messages ('in a "call" event'). */
class Checker {
  constructor(
    readonly line: number,
    /** Changed from the event's to its call's ('in a "close" call') once the fields every call event has are checked. */
    public where: string,
  ) {}

  fail(field: string, expectation: string, value: unknown): never {
    throw new TraceFormatError(this.line, `"${field}" must be ${expectation} ${this.where} (got ${describe(value)})`);
  }

  string(o: Obj, field: string, path = field): string {
    const v = o[field];
    if (typeof v !== 'string') this.fail(path, 'a string', v);
    return v;
  }

  nonEmptyString(o: Obj, field: string, path = field): string {
    const v = o[field];
    if (typeof v !== 'string' || v.length === 0) this.fail(path, 'a non-empty string', v);
    return v;
  }

  stringOrNull(o: Obj, field: string, path = field): string | null {
    const v = o[field];
    if (v !== null && typeof v !== 'string') this.fail(path, 'a string or null', v);
    return v;
  }

  optionalString(o: Obj, field: string, path = field): void {
    const v = o[field];
    if (v !== undefined && typeof v !== 'string') this.fail(path, 'a string when present', v);
  }

  int(o: Obj, field: string, min: number, path = field): number {
    const v = o[field];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
      const what = min === 1 ? 'a positive integer' : min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`;
      this.fail(path, what, v);
    }
    return v;
  }

  /** Any integer, negative too (waitpid's pid -1). */
  integer(o: Obj, field: string, path = field): number {
    const v = o[field];
    if (typeof v !== 'number' || !Number.isInteger(v)) this.fail(path, 'an integer', v);
    return v;
  }

  intOrNull(o: Obj, field: string, path = field): number | null {
    const v = o[field];
    if (v !== null && (typeof v !== 'number' || !Number.isInteger(v))) this.fail(path, 'an integer or null', v);
    return v;
  }

  optionalInt(o: Obj, field: string, min: number, path = field): void {
    if (o[field] !== undefined) this.int(o, field, min, path);
  }

  finite(o: Obj, field: string, path = field): number {
    const v = o[field];
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, 'a finite number', v);
    return v;
  }

  oneOf<T extends string>(o: Obj, field: string, allowed: readonly T[], path = field): T {
    const v = o[field];
    if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
      this.fail(path, `one of ${allowed.map((a) => `"${a}"`).join(', ')}`, v);
    }
    return v as T;
  }

  object(o: Obj, field: string, path = field): Obj {
    const v = o[field];
    if (!isObject(v)) this.fail(path, 'an object', v);
    return v;
  }

  array(o: Obj, field: string, path = field): unknown[] {
    const v = o[field];
    if (!Array.isArray(v)) this.fail(path, 'an array', v);
    return v;
  }

  scalars(o: Obj, field: string, path = field): Record<string, Scalar> {
    const rec = this.object(o, field, path);
    for (const [k, v] of Object.entries(rec)) {
      if (v !== null && typeof v !== 'string' && typeof v !== 'boolean' && (typeof v !== 'number' || !Number.isFinite(v))) {
        this.fail(`${path}.${k}`, 'a string, number, boolean or null', v);
      }
    }
    return rec as Record<string, Scalar>;
  }

  /** A signal's name as the lab writes it: "SIGCHLD", "SIG64" for one without a name. */
  signalName(o: Obj, field: string, path = field): string {
    const v = o[field];
    if (typeof v !== 'string' || !SIGNAL_NAME.test(v)) this.fail(path, 'a signal name ("SIGCHLD" …)', v);
    return v;
  }

  /** A flag the lab writes only as true (`truncated`). */
  isTrue(o: Obj, field: string, path = field): void {
    if (o[field] !== true) this.fail(path, 'true when present', o[field]);
  }

  /** A field the lab does not write in this case; `when` says which case. */
  absent(o: Obj, field: string, when: string, path = field): void {
    if (o[field] !== undefined) this.fail(path, `absent ${when}`, o[field]);
  }

  address(o: Obj, field: string, path = field): string {
    const v = o[field];
    if (typeof v !== 'string' || !ADDRESS.test(v)) this.fail(path, 'an address "a.b.c.d:port"', v);
    return v;
  }

  optionalAddress(o: Obj, field: string, path = field): void {
    if (o[field] !== undefined) this.address(o, field, path);
  }
}

/** "127.0.0.1:9877", "[::1]:9877", "::ffff:127.0.0.1:9877" — something, a colon, a port. */
const ADDRESS = /^\S+:\d{1,5}$/;
const SIGNAL_NAME = /^SIG[A-Z0-9]+$/;

function parseHeader(o: Obj, line: number): TraceHeader {
  const c = new Checker(line, 'in the header');
  if (o.format !== TRACE_FORMAT) c.fail('format', `"${TRACE_FORMAT}"`, o.format);
  if (o.version !== TRACE_VERSION) {
    throw new TraceFormatError(
      line,
      `unsupported trace version ${describe(o.version)}: this build reads version ${TRACE_VERSION}`,
    );
  }
  const scenario = c.object(o, 'scenario');
  c.nonEmptyString(scenario, 'id', 'scenario.id');
  c.string(scenario, 'title', 'scenario.title');
  const port = c.int(scenario, 'port', 0, 'scenario.port');
  if (port > 65535) c.fail('scenario.port', 'a port number (0–65535)', port);
  c.scalars(scenario, 'knobs', 'scenario.knobs');
  const platform = c.object(o, 'platform');
  c.string(platform, 'os', 'platform.os');
  c.string(platform, 'release', 'platform.release');
  c.optionalInt(o, 'minor', 0);
  c.string(o, 'recordedAt');
  c.oneOf(o, 'clock', ['monotonic-ns'] as const);
  c.optionalString(o, 'sockets'); // since 1.1; a value this build does not know is kept, not refused
  c.optionalString(o, 'network');
  if (o.capture !== undefined) parseCaptureStatus(c, o);
  // The sandbox's plan (optional): an object here; a reader that uses it checks it with parsePlan
  // (src/plan/parse.ts), which the trace contract does not import.
  if (o.plan !== undefined) c.object(o, 'plan');
  return o as unknown as TraceHeader;
}

/** Since 1.1: `capture` is {packets: true}, or {packets: false, reason}. */
function parseCaptureStatus(c: Checker, o: Obj): void {
  const capture = c.object(o, 'capture');
  if (typeof capture.packets !== 'boolean') c.fail('capture.packets', 'true or false', capture.packets);
  if (capture.packets === false) c.string(capture, 'reason', 'capture.reason');
}

const MAX_TCP_NUMBER = 0xffff_ffff;

/** Since 1.1: a captured TCP segment. */
function parsePacket(c: Checker, o: Obj): void {
  c.address(o, 'from');
  c.address(o, 'to');
  c.array(o, 'flags').forEach((f, i) => {
    if (typeof f !== 'string' || !(PACKET_FLAGS as readonly string[]).includes(f)) {
      c.fail(`flags[${i}]`, `one of ${PACKET_FLAGS.map((x) => `"${x}"`).join(', ')}`, f);
    }
  });
  if (c.int(o, 'tcpSeq', 0) > MAX_TCP_NUMBER) c.fail('tcpSeq', 'a 32-bit sequence number', o.tcpSeq);
  const ack = c.intOrNull(o, 'tcpAck');
  if (ack !== null && (ack < 0 || ack > MAX_TCP_NUMBER)) c.fail('tcpAck', 'a 32-bit acknowledgment number or null', ack);
  c.int(o, 'len', 0);
  if (c.int(o, 'window', 0) > 0xffff) c.fail('window', 'a 16-bit window', o.window);
}

function parseKernelProcess(c: Checker, v: unknown, i: number): KernelProcess {
  const p = `processes[${i}]`;
  if (!isObject(v)) c.fail(p, 'an object', v);
  c.int(v, 'pid', 1, `${p}.pid`);
  c.int(v, 'ppid', 0, `${p}.ppid`);
  c.nonEmptyString(v, 'role', `${p}.role`);
  c.nonEmptyString(v, 'state', `${p}.state`);
  c.oneOf(v, 'place', PLACES, `${p}.place`);
  c.stringOrNull(v, 'blockedIn', `${p}.blockedIn`);
  if (v.syscall !== undefined) c.stringOrNull(v, 'syscall', `${p}.syscall`);
  if (v.wchan !== undefined) c.stringOrNull(v, 'wchan', `${p}.wchan`);
  return v as unknown as KernelProcess;
}

function parseKernelSocket(c: Checker, v: unknown, i: number): KernelSocket {
  const p = `sockets[${i}]`;
  if (!isObject(v)) c.fail(p, 'an object', v);
  c.int(v, 'inode', 0, `${p}.inode`);
  c.oneOf<TcpState>(v, 'state', TCP_STATES, `${p}.state`);
  c.address(v, 'local', `${p}.local`);
  c.address(v, 'remote', `${p}.remote`);
  const holders = c.array(v, 'holders', `${p}.holders`);
  holders.forEach((h, j): SocketHolder => {
    const hp = `${p}.holders[${j}]`;
    if (!isObject(h)) c.fail(hp, 'an object', h);
    c.int(h, 'pid', 1, `${hp}.pid`);
    c.int(h, 'fd', 0, `${hp}.fd`);
    return h as unknown as SocketHolder;
  });
  if (v.timer !== undefined) {
    const timer = c.object(v, 'timer', `${p}.timer`);
    c.oneOf(timer, 'kind', TIMER_KINDS, `${p}.timer.kind`);
    c.finite(timer, 'remainingMs', `${p}.timer.remainingMs`);
  }
  return v as unknown as KernelSocket;
}

// ───────── Calls: each call's arguments and each return's extra fields ─────────

/** How one argument is checked; `path` is "args.<name>". */
interface ArgRule {
  check: (c: Checker, args: Obj, name: string, path: string) => void;
  /** The lab writes it only sometimes (write's `truncated`, setsockopt's option fields). */
  optional?: true;
}

const integer: ArgRule = { check: (c, a, k, path) => void c.integer(a, k, path) };
const count: ArgRule = { check: (c, a, k, path) => void c.int(a, k, 0, path) };
/** A resource limit: -1 is RLIM_INFINITY (the lab writes rlim_t as a signed number). */
const limit: ArgRule = { check: (c, a, k, path) => void c.int(a, k, -1, path) };
const address: ArgRule = { check: (c, a, k, path) => void c.address(a, k, path) };
const bytes: ArgRule = { check: (c, a, k, path) => void c.string(a, k, path) };
const name: ArgRule = { check: (c, a, k, path) => void c.nonEmptyString(a, k, path) };
const signalName: ArgRule = { check: (c, a, k, path) => void c.signalName(a, k, path) };
const truncated: ArgRule = { check: (c, a, k, path) => void c.isTrue(a, k, path), optional: true };
const oneOf = (values: readonly string[]): ArgRule => ({ check: (c, a, k, path) => void c.oneOf(a, k, values, path) });
const optional = (rule: ArgRule): ArgRule => ({ ...rule, optional: true });

type KeysOf<T> = T extends unknown ? keyof T : never;

/** "an accept call", "a close call". */
const article = (word: string): string => (/^[aeiou]/.test(word) ? 'an' : 'a');

/**
 * Every call's arguments, as the lab writes them (CallArgs in types.ts; the table in
 * docs/trace-format.md). A call event's `args` must have each argument that is not optional, of
 * its type, and no other.
 */
const CALL_ARGS: { readonly [F in CallName]: { readonly [K in KeysOf<CallArgs[F]>]-?: ArgRule } } = {
  socket: { domain: oneOf(SOCKET_DOMAINS), type: oneOf(SOCKET_TYPES), protocol: integer },
  bind: { fd: integer, addr: address },
  listen: { fd: integer, backlog: integer },
  accept: { fd: integer },
  connect: { fd: integer, addr: address },
  // Which of value, l_onoff and l_linger: checkSetsockopt.
  setsockopt: { fd: integer, level: oneOf(SOCKOPT_LEVELS), optname: oneOf(SOCKOPT_NAMES), value: optional(integer), l_onoff: optional(integer), l_linger: optional(integer) },
  shutdown: { fd: integer, how: oneOf(SHUTDOWN_HOWS) },
  fork: {},
  close: { fd: integer },
  read: { fd: integer, count },
  write: { fd: integer, count, data: bytes, truncated },
  sigaction: { sig: signalName, handler: name, flags: oneOf(SIGACTION_FLAGS) },
  waitpid: { pid: integer, options: oneOf(WAITPID_OPTIONS) },
  setrlimit: { resource: oneOf(RLIMIT_RESOURCES), soft: limit, hard: limit },
  pause: {},
  exit: { status: integer },
};

/** setsockopt's value is the option's fields: l_onoff and l_linger for SO_LINGER, value for an int option. */
function checkSetsockopt(c: Checker, args: Obj): void {
  const { level, optname } = args;
  if ((level === '?') !== (optname === '?')) {
    c.fail('args.optname', level === '?' ? '"?" when "level" is "?"' : 'an option of SOL_SOCKET when "level" is "SOL_SOCKET"', optname);
  }
  const linger = optname === 'SO_LINGER';
  for (const k of ['l_onoff', 'l_linger'] as const) {
    if (linger && args[k] === undefined) c.integer(args, k, `args.${k}`);
    if (!linger && args[k] !== undefined) c.fail(`args.${k}`, 'absent unless "optname" is "SO_LINGER"', args[k]);
  }
  if (linger && args.value !== undefined) c.fail('args.value', 'absent for SO_LINGER (its value is l_onoff and l_linger)', args.value);
  if ((INT_SOCKOPTS as readonly unknown[]).includes(optname) && args.value === undefined) c.integer(args, 'value', 'args.value');
}

interface CallSpec {
  /** `in a "close" call`, `in an "accept" call`, for messages. */
  where: string;
  rules: [name: string, path: string, rule: ArgRule][];
  names: ReadonlySet<string>;
  /** For a message about an unknown argument: "fd", "none". */
  list: string;
  refine?: (c: Checker, args: Obj) => void;
}

const CALL_SPECS = new Map<string, CallSpec>(
  CALL_NAMES.map((fn): [string, CallSpec] => {
    const rules = Object.entries(CALL_ARGS[fn] as Record<string, ArgRule>);
    return [
      fn,
      {
        where: `in ${article(fn)} "${fn}" call`,
        rules: rules.map(([k, rule]) => [k, `args.${k}`, rule]),
        names: new Set(rules.map(([k]) => k)),
        list: rules.length === 0 ? 'none' : rules.map(([k]) => k).join(', '),
        ...(fn === 'setsockopt' ? { refine: checkSetsockopt } : {}),
      },
    ];
  }),
);

const CALL_LIST = CALL_NAMES.join(', ');

/** `fn` is a call the lab makes (for a call or release event): its spec. */
function callSpec(c: Checker, o: Obj): CallSpec {
  const fn = o.fn;
  const spec = typeof fn === 'string' ? CALL_SPECS.get(fn) : undefined;
  if (!spec) c.fail('fn', `a call the lab makes (${CALL_LIST})`, fn);
  return spec;
}

/** A call event's `args`: exactly the call's arguments, each of its type. Checked last: `c` then speaks of the call. */
function parseCallArgs(c: Checker, o: Obj, spec: CallSpec): void {
  const args = c.object(o, 'args');
  c.where = spec.where;
  for (const k in args) {
    if (!spec.names.has(k)) throw new TraceFormatError(c.line, `unknown argument "${k}" ${spec.where} (its arguments: ${spec.list})`);
  }
  const rules = spec.rules; // (an indexed loop: this runs for every call of a long trace)
  for (let i = 0; i < rules.length; i++) {
    const [k, path, rule] = rules[i]!;
    if (rule.optional && args[k] === undefined) continue;
    rule.check(c, args, k, path);
  }
  spec.refine?.(c, args);
}

/** Every extra field a return of some call may have: one of another call is refused. */
const EXTRA_FIELDS = ['local', 'peer', 'data', 'truncated', 'ppid', 'status', 'signal'] as const satisfies readonly KeysOf<ReturnFields[ReturningCall]>[];

/**
 * Each return's extra fields (ReturnFields in types.ts): which it may have, and a check of them
 * given its `ret` (the lab writes them only for some results: accept's on success, fork's ppid in
 * the child …).
 */
const RETURN_FIELDS: {
  readonly [F in ReturningCall]: { fields: readonly KeysOf<ReturnFields[F]>[]; check?: (c: Checker, o: Obj, ret: number) => void };
} = {
  socket: { fields: [] },
  bind: { fields: [] },
  listen: { fields: [] },
  accept: {
    fields: ['local', 'peer'],
    check: (c, o, ret) => {
      if (ret >= 0) {
        c.optionalAddress(o, 'local');
        c.optionalAddress(o, 'peer');
      } else {
        c.absent(o, 'local', 'when accept failed');
        c.absent(o, 'peer', 'when accept failed');
      }
    },
  },
  connect: { fields: ['local'], check: (c, o) => c.optionalAddress(o, 'local') },
  setsockopt: { fields: [] },
  shutdown: { fields: [] },
  fork: { fields: ['ppid'], check: (c, o, ret) => (ret === 0 ? void c.int(o, 'ppid', 0) : c.absent(o, 'ppid', 'in the parent (only the child, ret 0, has it)')) },
  close: { fields: [] },
  read: {
    fields: ['data', 'truncated'],
    check: (c, o, ret) => {
      if (ret >= 0) {
        c.string(o, 'data');
        if (o.truncated !== undefined) c.isTrue(o, 'truncated');
      } else {
        c.absent(o, 'data', 'when read failed');
        c.absent(o, 'truncated', 'when read failed');
      }
    },
  },
  write: { fields: [] },
  sigaction: { fields: [] },
  waitpid: {
    fields: ['status', 'signal'],
    check: (c, o, ret) => {
      if (ret <= 0) {
        c.absent(o, 'status', 'unless a child was reaped (ret > 0)');
        c.absent(o, 'signal', 'unless a child was reaped (ret > 0)');
      } else if (c.intOrNull(o, 'status') === null) c.signalName(o, 'signal');
      else c.absent(o, 'signal', 'unless a signal killed the child ("status" null)');
    },
  },
  setrlimit: { fields: [] },
  pause: { fields: [] },
};

interface ReturnSpec {
  where: string;
  /** The extra fields of other calls: refused. */
  others: readonly string[];
  check?: (c: Checker, o: Obj, ret: number) => void;
}

const RETURN_SPECS = new Map<string, ReturnSpec>(
  CALL_NAMES.filter((fn): fn is ReturningCall => fn !== 'exit').map((fn): [string, ReturnSpec] => {
    const spec = RETURN_FIELDS[fn] as { fields: readonly string[]; check?: ReturnSpec['check'] };
    return [fn, { where: `in ${article(fn)} "${fn}" return`, others: EXTRA_FIELDS.filter((k) => !spec.fields.includes(k)), ...(spec.check ? { check: spec.check } : {}) }];
  }),
);

/** A return event's fields beyond pid and role: its call, `ret` and `errno`, and the call's extra fields. */
function parseReturn(c: Checker, o: Obj): void {
  const fn = o.fn;
  if (fn === 'exit') c.fail('fn', 'a call that returns (exit never does)', fn);
  const spec = typeof fn === 'string' ? RETURN_SPECS.get(fn) : undefined;
  if (!spec) c.fail('fn', `a call the lab makes (${CALL_LIST})`, fn);
  const ret = c.integer(o, 'ret');
  const errno = c.stringOrNull(o, 'errno');
  // The lab writes errno's name exactly when the call failed, and a failed call returns -1.
  if (errno !== null && ret !== -1) c.fail('ret', '-1 when "errno" is set', ret);
  if (errno === null && ret < 0) c.fail('ret', 'non-negative when "errno" is null', ret);
  c.where = spec.where;
  const others = spec.others; // (an indexed loop: this runs for every return of a long trace)
  for (let i = 0; i < others.length; i++) {
    const k = others[i]!;
    if (o[k] !== undefined) c.fail(k, `absent (${fn} does not return it)`, o[k]);
  }
  spec.check?.(c, o, ret);
}

/** 'in a "call" event' …, made once rather than for every event of a long trace. */
const EVENT_WHERE = new Map<string, string>(EVENT_KINDS.map((k) => [k, `in a "${k}" event`]));

function parseEvent(o: Obj, kind: string, line: number): TraceEvent {
  const c = new Checker(line, EVENT_WHERE.get(kind) ?? `in a "${kind}" event`);
  c.int(o, 'seq', 0);
  c.finite(o, 't');
  switch (kind) {
    case 'spawn': {
      c.int(o, 'pid', 1);
      c.int(o, 'ppid', 0);
      c.nonEmptyString(o, 'role');
      c.oneOf(o, 'program', ['server', 'client'] as const);
      const argv = c.array(o, 'argv');
      argv.forEach((a, i) => {
        if (typeof a !== 'string') c.fail(`argv[${i}]`, 'a string', a);
      });
      break;
    }
    case 'call':
      c.int(o, 'pid', 1);
      c.nonEmptyString(o, 'role');
      c.string(o, 'file');
      c.int(o, 'line', 1);
      if (o.waitsIn !== undefined) c.oneOf(o, 'waitsIn', ['poll'] as const);
      parseCallArgs(c, o, callSpec(c, o));
      break;
    case 'release':
      c.int(o, 'pid', 1);
      c.nonEmptyString(o, 'role');
      callSpec(c, o);
      break;
    case 'ready':
      // Only accept is woken before it completes (the lab's wait in poll).
      c.int(o, 'pid', 1);
      c.nonEmptyString(o, 'role');
      c.oneOf(o, 'fn', ['accept'] as const);
      c.int(o, 'fd', 0);
      break;
    case 'return':
      c.int(o, 'pid', 1);
      c.nonEmptyString(o, 'role');
      parseReturn(c, o);
      break;
    case 'exit':
      c.int(o, 'pid', 1);
      c.nonEmptyString(o, 'role');
      c.intOrNull(o, 'status');
      c.stringOrNull(o, 'signal');
      if (o.status === null && o.signal === null) {
        throw new TraceFormatError(line, `an "exit" event needs a "status" or a "signal" (both are null)`);
      }
      break;
    case 'signal':
      // The runner sent a signal to a lab process (SIGTERM to kill a server; its exit follows),
      // or the lab's own parent-death signal reached a server child (from "lab").
      c.int(o, 'pid', 1);
      c.nonEmptyString(o, 'role');
      c.nonEmptyString(o, 'signal');
      c.oneOf(o, 'from', ['runner', 'lab'] as const);
      break;
    case 'drop':
    case 'lost':
    case 'retransmit':
      // A segment lost on purpose at the socket (pid, fd) names, and the one that got through after it.
      c.int(o, 'pid', 1);
      c.nonEmptyString(o, 'role');
      c.int(o, 'fd', 0);
      c.oneOf(o, 'segment', DROPPED_SEGMENTS);
      if (kind === 'retransmit') c.finite(o, 'droppedAt');
      if (kind === 'lost') {
        c.nonEmptyString(o, 'local');
        c.nonEmptyString(o, 'remote');
      }
      break;
    case 'output':
      c.int(o, 'pid', 1);
      c.nonEmptyString(o, 'role');
      c.oneOf(o, 'stream', ['stdout', 'stderr'] as const);
      c.string(o, 'text');
      break;
    case 'kernel': {
      c.int(o, 'step', 0);
      c.nonEmptyString(o, 'label');
      c.array(o, 'processes').forEach((p, i) => parseKernelProcess(c, p, i));
      c.array(o, 'sockets').forEach((s, i) => parseKernelSocket(c, s, i));
      break;
    }
    case 'packet':
      parsePacket(c, o);
      break;
    case 'step':
      // Since 1.2: the end of a predicted step (no kernel ran it).
      c.int(o, 'step', 0);
      c.nonEmptyString(o, 'label');
      break;
    case 'end':
      c.oneOf(o, 'reason', ['completed', 'stopped', 'error'] as const);
      c.optionalString(o, 'message');
      break;
    default:
      throw new TraceFormatError(line, `unknown event kind ${JSON.stringify(kind)}`);
  }
  return o as unknown as TraceEvent;
}

/**
 * Validate one parsed JSON value as a trace record (header or event). Throws TraceFormatError
 * naming `line`. Extra fields are kept; the returned object is the value itself.
 */
export function parseRecord(value: unknown, line: number): TraceRecord {
  if (!isObject(value)) throw new TraceFormatError(line, `a record must be a JSON object (got ${describe(value)})`);
  const kind = value.kind;
  if (typeof kind !== 'string') throw new TraceFormatError(line, `"kind" must be a string (got ${describe(kind)})`);
  if (kind === 'header') return parseHeader(value, line);
  return parseEvent(value, kind, line);
}

/** Parse one line of JSON Lines text into a record. Throws TraceFormatError. */
export function parseLine(text: string, line: number): TraceRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new TraceFormatError(line, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  return parseRecord(value, line);
}

/**
 * Checks that span records: events' seq increase (0, 1, 2 … in the order the runner received
 * them), and kernel snapshots are numbered 0, 1, 2 … (the step-th kernel event ends step `step`).
 * Feed events in order; `check` throws TraceFormatError. Used by parseTrace and by live appends.
 */
export class TraceSequence {
  private nextSeq = 0;
  private nextStep = 0;
  constructor(startSeq = 0, startStep = 0) {
    this.nextSeq = startSeq;
    this.nextStep = startStep;
  }
  clone(): TraceSequence {
    return new TraceSequence(this.nextSeq, this.nextStep);
  }
  /** Take over the position of another sequence (after a batch checked on a clone). */
  adopt(other: TraceSequence): void {
    this.nextSeq = other.nextSeq;
    this.nextStep = other.nextStep;
  }
  /**
   * After a broken line: the next event's seq and the next kernel snapshot's step are taken as
   * they come (if they still go forward), so that one broken line is one error.
   */
  skipBroken(): void {
    this.seqLenient = true;
    this.stepLenient = true;
  }
  private seqLenient = false;
  private stepLenient = false;
  check(event: TraceEvent, line: number): void {
    if (event.seq < this.nextSeq && !this.seqLenient) {
      throw new TraceFormatError(
        line,
        this.nextSeq === 0
          ? `"seq" is ${event.seq}, expected 0 or more`
          : `"seq" is ${event.seq}, but the event before had ${this.nextSeq - 1} (seq must increase: 0, 1, 2 …)`,
      );
    }
    const endsStep = event.kind === 'kernel' || event.kind === 'step';
    if (endsStep && event.step !== this.nextStep && !(this.stepLenient && event.step > this.nextStep)) {
      throw new TraceFormatError(
        line,
        `"step" is ${event.step}, expected ${this.nextStep} (${event.kind === 'kernel' ? 'kernel snapshots' : 'predicted steps'} are numbered 0, 1, 2 …)`,
      );
    }
    this.seqLenient = false;
    this.nextSeq = Math.max(this.nextSeq, event.seq + 1);
    if (endsStep) {
      this.stepLenient = false;
      this.nextStep = event.step + 1;
    }
  }
}

/**
 * Parse a whole trace (JSON Lines). Every line is validated; blank lines are skipped (they still
 * count for line numbers). The first record must be the header. Never throws.
 */
export function parseTrace(text: string): ParseTraceResult {
  const errors: TraceParseError[] = [];
  let unlisted = 0;
  let lastUnlisted = 0;
  const report = (e: unknown, line: number): void => {
    if (errors.length >= MAX_REPORTED_ERRORS) {
      unlisted++;
      lastUnlisted = line;
      return;
    }
    if (e instanceof TraceFormatError) errors.push({ line: e.line, message: e.message });
    else errors.push({ line, message: `line ${line}: ${e instanceof Error ? e.message : String(e)}` });
  };
  const lines = text.split('\n');
  let header: TraceHeader | null = null;
  let sawFirst = false;
  const events: TraceEvent[] = [];
  const sequence = new TraceSequence();
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = lines[i]!.replace(/\r$/, '');
    if (raw.trim() === '') continue;
    let record: TraceRecord;
    try {
      record = parseLine(raw, lineNo);
    } catch (e) {
      report(e, lineNo);
      if (sawFirst) sequence.skipBroken();
      // A broken first line is taken to be the header (still check the other lines).
      sawFirst = true;
      continue;
    }
    if (!sawFirst) {
      sawFirst = true;
      if (record.kind !== 'header') {
        report(new TraceFormatError(lineNo, `the first record must be the header (got a "${record.kind}" event)`), lineNo);
      } else {
        header = record;
        continue;
      }
    } else if (record.kind === 'header') {
      report(new TraceFormatError(lineNo, 'a second header (the header must come once, first)'), lineNo);
      continue;
    }
    try {
      sequence.check(record, lineNo);
    } catch (e) {
      report(e, lineNo);
      sequence.skipBroken();
      continue;
    }
    events.push(record);
  }
  if (!sawFirst) return { ok: false, errors: [{ line: 1, message: 'line 1: the trace is empty (expected a header)' }] };
  if (unlisted > 0) {
    errors.push({ line: lastUnlisted, message: `line ${lastUnlisted}: … and ${unlisted} more broken lines not listed` });
  }
  if (errors.length > 0 || header === null) {
    if (errors.length === 0) errors.push({ line: 1, message: 'line 1: missing header' });
    return { ok: false, errors };
  }
  return { ok: true, trace: { header, events } };
}
