import { describe, expect, it } from 'vitest';
import { TraceFormatError, parseRecord, parseTrace } from '../../src/model/index.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CALL_NAMES } from '../../src/trace/types.ts';
import { concurrentTrace, header } from './builder.ts';

const CALLS = CALL_NAMES.join(', ');

const good = concurrentTrace();
const lines = (): string[] => good.jsonl().trimEnd().split('\n');
const join = (ls: string[]): string => ls.join('\n') + '\n';
const edit = (i: number, f: (o: Record<string, unknown>) => void): string => {
  const ls = lines();
  const o = JSON.parse(ls[i]!) as Record<string, unknown>;
  f(o);
  ls[i] = JSON.stringify(o);
  return join(ls);
};

describe('parseTrace', () => {
  it('reads a valid trace: the header and every event', () => {
    const r = parseTrace(good.jsonl());
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.trace.header.scenario.id).toBe('concurrent');
    expect(r.trace.events).toHaveLength(good.events.length);
    expect(r.trace.events.filter((e) => e.kind === 'kernel')).toHaveLength(22);
  });

  it('accepts CRLF line ends, blank lines and unknown extra fields (forward compatible)', () => {
    const ls = lines();
    const withExtra = JSON.parse(ls[3]!) as Record<string, unknown>;
    withExtra.futureField = { anything: [1, 2] };
    ls[3] = JSON.stringify(withExtra);
    const r = parseTrace(ls.join('\r\n') + '\r\n\r\n');
    expect(r.ok).toBe(true);
    if (r.ok) expect((r.trace.events[2] as unknown as Record<string, unknown>).futureField).toEqual({ anything: [1, 2] });
  });

  it('reports a field of the wrong type with its line number and the event kind', () => {
    // Line 7 is events[5]; make it a call with a bad pid.
    const i = lines().findIndex((l, n) => n > 0 && JSON.parse(l).kind === 'call');
    const r = parseTrace(edit(i, (o) => (o.pid = -3)));
    expect(r).toEqual({
      ok: false,
      errors: [{ line: i + 1, message: `line ${i + 1}: "pid" must be a positive integer in a "call" event (got -3)` }],
    });
  });

  it('reports every broken line, not only the first', () => {
    const ls = lines();
    ls[2] = '{"kind":"call",';
    ls[5] = '{"kind":"teleport","seq":5,"t":1}';
    const r = parseTrace(join(ls));
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.line)).toEqual([3, 6]);
    expect(r.errors[0]!.message).toMatch(/^line 3: not valid JSON/);
    expect(r.errors[1]!.message).toBe('line 6: unknown event kind "teleport"');
  });

  it('refuses another version, naming it', () => {
    const r = parseTrace(edit(0, (o) => (o.version = 2)));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toEqual({ line: 1, message: 'line 1: unsupported trace version 2: this build reads version 1' });
  });

  it('requires the header first, and only once', () => {
    const ls = lines();
    const noHeader = parseTrace(join(ls.slice(1)));
    expect(noHeader.ok).toBe(false);
    if (!noHeader.ok) expect(noHeader.errors[0]!.message).toBe('line 1: the first record must be the header (got a "spawn" event)');
    const twice = parseTrace(join([ls[0]!, ls[0]!, ...ls.slice(1)]));
    expect(twice.ok).toBe(false);
    if (!twice.ok) expect(twice.errors[0]!.line).toBe(2);
  });

  it('reports an empty trace', () => {
    expect(parseTrace('\n\n')).toEqual({ ok: false, errors: [{ line: 1, message: 'line 1: the trace is empty (expected a header)' }] });
  });

  it('requires seq to increase and kernel steps to be numbered 0, 1, 2 …', () => {
    const r = parseTrace(edit(3, (o) => (o.seq = 0)));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors).toEqual([{ line: 4, message: 'line 4: "seq" is 0, but the event before had 1 (seq must increase: 0, 1, 2 …)' }]);
    const k = lines().findIndex((l, n) => n > 0 && JSON.parse(l).kind === 'kernel' && JSON.parse(l).step === 3);
    const r2 = parseTrace(edit(k, (o) => (o.step = 4)));
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.errors[0]!.message).toBe(`line ${k + 1}: "step" is 4, expected 3 (kernel snapshots are numbered 0, 1, 2 …)`);
  });

  it('checks nested fields of kernel snapshots with their path', () => {
    const k = lines().findIndex((l, n) => n > 0 && JSON.parse(l).kind === 'kernel' && JSON.parse(l).sockets.length > 0);
    const r = parseTrace(
      edit(k, (o) => {
        (o.sockets as Record<string, unknown>[])[0]!.state = 'FIN_WAIT2';
      }),
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.message).toMatch(new RegExp(`^line ${k + 1}: "sockets\\[0\\]\\.state" must be one of "CLOSED", .* in a "kernel" event \\(got the string "FIN_WAIT2"\\)$`));
  });
});

describe('parseRecord', () => {
  it('returns a valid record as it is', () => {
    const h = header();
    expect(parseRecord(h, 1)).toBe(h);
  });

  it('throws TraceFormatError carrying the line', () => {
    try {
      parseRecord({ kind: 'exit', seq: 1, t: 5, pid: 7, role: 'parent', status: 'zero', signal: null }, 9);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(TraceFormatError);
      expect((e as TraceFormatError).line).toBe(9);
      expect((e as Error).message).toBe('line 9: "status" must be an integer or null in a "exit" event (got the string "zero")');
    }
  });

  it('rejects values that are not objects and records without a kind', () => {
    expect(() => parseRecord([1], 2)).toThrow('line 2: a record must be a JSON object (got an array)');
    expect(() => parseRecord({ seq: 0 }, 3)).toThrow('line 3: "kind" must be a string (got missing)');
  });

  it('checks addresses and optional fields of return events', () => {
    const ret = { kind: 'return', seq: 1, t: 1, pid: 2, role: 'parent', fn: 'accept', ret: 4, errno: null, peer: 'nowhere' };
    expect(() => parseRecord(ret, 4)).toThrow('line 4: "peer" must be an address "a.b.c.d:port" in an "accept" return (got the string "nowhere")');
    expect(parseRecord({ ...ret, peer: '[::1]:40112' }, 4)).toMatchObject({ peer: '[::1]:40112' });
  });
});

describe('records of issue #3', () => {
  it("accepts the runner's signal event and checks its fields", () => {
    const sig = { kind: 'signal', seq: 3, t: 9, pid: 7, role: 'parent', signal: 'SIGTERM', from: 'runner' };
    expect(parseRecord(sig, 5)).toBe(sig);
    expect(() => parseRecord({ ...sig, from: 'someone' }, 5)).toThrow('line 5: "from" must be one of "runner", "lab" in a "signal" event (got the string "someone")');
    expect(() => parseRecord({ ...sig, signal: '' }, 5)).toThrow('line 5: "signal" must be a non-empty string in a "signal" event (got the string "")');
    expect(() => parseRecord({ ...sig, pid: 0 }, 5)).toThrow('line 5: "pid" must be a positive integer in a "signal" event (got 0)');
  });

  it("accepts waitpid's status (an integer, or null and the signal) when it reaped a child, and nothing else there", () => {
    const ret = { kind: 'return', seq: 1, t: 1, pid: 2, role: 'parent', fn: 'waitpid', ret: 4, errno: null };
    expect(parseRecord({ ...ret, status: 0 }, 6)).toMatchObject({ status: 0 });
    expect(() => parseRecord({ ...ret, status: 'exited' }, 6)).toThrow('line 6: "status" must be an integer or null in a "waitpid" return (got the string "exited")');
    expect(parseRecord({ ...ret, status: null, signal: 'SIGPIPE' }, 6)).toMatchObject({ signal: 'SIGPIPE' });
    expect(() => parseRecord({ ...ret, status: null, signal: 9 }, 6)).toThrow('line 6: "signal" must be a signal name ("SIGCHLD" …) in a "waitpid" return (got 9)');
    expect(() => parseRecord({ ...ret, status: 0, signal: 'SIGPIPE' }, 6)).toThrow('line 6: "signal" must be absent unless a signal killed the child ("status" null) in a "waitpid" return (got the string "SIGPIPE")');
    expect(() => parseRecord({ ...ret, ret: 0, status: null }, 6)).toThrow('line 6: "status" must be absent unless a child was reaped (ret > 0) in a "waitpid" return (got null)');
    expect(parseRecord({ ...ret, ret: -1, errno: 'ECHILD' }, 6)).toMatchObject({ errno: 'ECHILD' });
  });
});

describe('records of trace 1.1', () => {
  it('accepts the minor version in the header, and refuses one that is not a whole number', () => {
    const header = {
      kind: 'header', format: 'forkscope-trace', version: 1, minor: 1,
      scenario: { id: 'concurrent', title: 't', port: 9877, knobs: {} },
      platform: { os: 'linux', release: '6' }, recordedAt: 'now', clock: 'monotonic-ns',
    };
    expect(parseRecord(header, 1)).toBe(header);
    expect(() => parseRecord({ ...header, minor: 'one' }, 1)).toThrow('line 1: "minor" must be a non-negative integer in the header (got the string "one")');
  });

  it('accepts a release event and names what it lacks', () => {
    const release = { kind: 'release', seq: 4, t: 9, pid: 7, role: 'parent', fn: 'accept' };
    expect(parseRecord(release, 8)).toBe(release);
    expect(() => parseRecord({ ...release, fn: '' }, 8)).toThrow(`line 8: "fn" must be a call the lab makes (${CALLS}) in a "release" event (got the string "")`);
  });

  it("accepts a call's waitsIn only as poll", () => {
    const call = { kind: 'call', seq: 1, t: 1, pid: 2, role: 'parent', fn: 'accept', args: { fd: 3 }, file: 'server.c', line: 9 };
    expect(parseRecord({ ...call, waitsIn: 'poll' }, 3)).toMatchObject({ waitsIn: 'poll' });
    expect(() => parseRecord({ ...call, waitsIn: 'select' }, 3)).toThrow('line 3: "waitsIn" must be one of "poll" in a "call" event (got the string "select")');
  });

  it("accepts a kernel process's syscall and wchan (a string or null), and the lab's own signal", () => {
    const proc = { pid: 2, ppid: 1, role: 'parent', state: 'S', place: 'kernel', blockedIn: 'accept', syscall: 'poll', wchan: 'poll_schedule_timeout' };
    const kernel = { kind: 'kernel', seq: 5, t: 5, step: 0, label: 'start', processes: [proc], sockets: [] };
    expect(parseRecord(kernel, 4)).toBe(kernel);
    expect(parseRecord({ ...kernel, processes: [{ ...proc, syscall: null, wchan: null }] }, 4)).toMatchObject({ kind: 'kernel' });
    expect(() => parseRecord({ ...kernel, processes: [{ ...proc, syscall: 7 }] }, 4)).toThrow('line 4: "processes[0].syscall" must be a string or null in a "kernel" event (got 7)');
    const lab = { kind: 'signal', seq: 6, t: 6, pid: 3, role: 'child#1', signal: 'SIGUSR2', from: 'lab' };
    expect(parseRecord(lab, 9)).toBe(lab);
  });
});

describe('captured packets (since 1.1)', () => {
  const packet = { kind: 'packet', seq: 7, t: 1000, from: '127.0.0.1:40112', to: '127.0.0.1:9877', flags: ['SYN'], tcpSeq: 3_000_000_000, tcpAck: null, len: 0, window: 65495 };

  it('reads a header that says whether packets were captured, and packet events', () => {
    const b = concurrentTrace();
    const withCapture = { ...b.head, capture: { packets: true } };
    const text = [withCapture, ...b.events.slice(0, 7), packet, ...b.events.slice(7).map((e) => ({ ...e, seq: e.seq + 1 }))].map((r) => JSON.stringify(r)).join('\n');
    const r = parseTrace(text);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.trace.header.capture).toEqual({ packets: true });
    expect(r.trace.events[7]).toEqual(packet);
    expect(parseRecord({ ...b.head, capture: { packets: false, reason: 'not permitted' } }, 1)).toMatchObject({ capture: { packets: false } });
  });

  it('keeps reading traces without them: no capture field, no packet events', () => {
    const r = parseTrace(good.jsonl());
    expect(r.ok && r.trace.header.capture).toBe(undefined);
  });

  it('refuses a bad capture field in the header', () => {
    expect(() => parseRecord({ ...header(), capture: true }, 1)).toThrow('line 1: "capture" must be an object in the header (got boolean true)');
    expect(() => parseRecord({ ...header(), capture: { packets: 'yes' } }, 1)).toThrow('line 1: "capture.packets" must be true or false in the header (got the string "yes")');
    expect(() => parseRecord({ ...header(), capture: { packets: false } }, 1)).toThrow('line 1: "capture.reason" must be a string in the header (got missing)');
  });

  it('refuses a broken packet line, naming its line number and field', () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ tcpSeq: -1 }, '"tcpSeq" must be a non-negative integer in a "packet" event (got -1)'],
      [{ tcpSeq: 2 ** 32 }, '"tcpSeq" must be a 32-bit sequence number in a "packet" event (got 4294967296)'],
      [{ tcpAck: 'x' }, '"tcpAck" must be an integer or null in a "packet" event (got the string "x")'],
      [{ flags: ['SYN', 'XMAS'] }, '"flags[1]" must be one of "FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR" in a "packet" event (got the string "XMAS")'],
      [{ from: 'lo' }, '"from" must be an address "a.b.c.d:port" in a "packet" event (got the string "lo")'],
      [{ len: 1.5 }, '"len" must be a non-negative integer in a "packet" event (got 1.5)'],
      [{ window: 70_000 }, '"window" must be a 16-bit window in a "packet" event (got 70000)'],
    ];
    for (const [change, message] of cases) expect(() => parseRecord({ ...packet, ...change }, 12)).toThrow(`line 12: ${message}`);
    const ls = lines();
    ls.splice(8, 0, JSON.stringify({ ...packet, seq: 6.5, tcpSeq: -1 }));
    const r = parseTrace(join(ls));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toEqual({ line: 9, message: 'line 9: "seq" must be a non-negative integer in a "packet" event (got 6.5)' });
  });
});

describe('calls and returns, typed per call (issue 7)', () => {
  const at = { seq: 1, t: 1, pid: 2, role: 'parent', file: 'server.c', line: 9 };
  const call = (fn: string, args: Record<string, unknown>) => ({ kind: 'call', ...at, fn, args });
  const ret = (fn: string, r: number, extra: Record<string, unknown> = {}, errno: string | null = null) => ({ kind: 'return', seq: 1, t: 1, pid: 2, role: 'parent', fn, ret: r, errno, ...extra });
  const linger = { fd: 4, level: 'SOL_SOCKET', optname: 'SO_LINGER', l_onoff: 1, l_linger: 0 };
  const reuse = { fd: 3, level: 'SOL_SOCKET', optname: 'SO_REUSEADDR', value: 1 };

  it('accepts every call with the arguments the lab writes', () => {
    const calls = [
      call('socket', { domain: 'AF_INET', type: 'SOCK_STREAM', protocol: 0 }),
      call('bind', { fd: 3, addr: '0.0.0.0:9877' }),
      call('listen', { fd: 3, backlog: 1024 }),
      call('accept', { fd: 3 }),
      call('connect', { fd: 3, addr: '127.0.0.1:9877' }),
      call('setsockopt', linger),
      call('setsockopt', reuse),
      call('setsockopt', { fd: 3, level: '?', optname: '?' }),
      call('shutdown', { fd: 4, how: 'SHUT_WR' }),
      call('fork', {}),
      call('close', { fd: 4 }),
      call('read', { fd: 4, count: 4096 }),
      call('write', { fd: 4, count: 5000, data: 'hello', truncated: true }),
      call('sigaction', { sig: 'SIGCHLD', handler: 'sig_chld', flags: 'SA_RESTART' }),
      call('waitpid', { pid: -1, options: 'WNOHANG' }),
      call('setrlimit', { resource: 'RLIMIT_NOFILE', soft: 5, hard: 1024 }),
      call('pause', {}),
      call('exit', { status: 0 }),
    ];
    for (const c of calls) expect(parseRecord(c, 3)).toBe(c);
    expect(new Set(calls.map((c) => c.fn))).toEqual(new Set(CALL_NAMES));
  });

  it('refuses a call the lab does not make', () => {
    for (const fn of ['dup', 'send', 'readline', 'signal', '']) {
      expect(() => parseRecord(call(fn, { fd: 3 }), 5)).toThrow(`line 5: "fn" must be a call the lab makes (${CALLS}) in a "call" event (got the string ${JSON.stringify(fn)})`);
    }
  });

  it('refuses a missing argument, naming the call and the argument', () => {
    expect(() => parseRecord(call('close', {}), 5)).toThrow('line 5: "args.fd" must be an integer in a "close" call (got missing)');
    expect(() => parseRecord(call('socket', {}), 5)).toThrow('line 5: "args.domain" must be one of "AF_INET", "AF_INET6", "AF_UNIX", "AF_?" in a "socket" call (got missing)');
    expect(() => parseRecord(call('write', { fd: 4, count: 5 }), 5)).toThrow('line 5: "args.data" must be a string in a "write" call (got missing)');
    expect(() => parseRecord(call('setsockopt', { ...linger, l_linger: undefined }), 5)).toThrow('line 5: "args.l_linger" must be an integer in a "setsockopt" call (got missing)');
    expect(() => parseRecord(call('setsockopt', { ...reuse, value: undefined }), 5)).toThrow('line 5: "args.value" must be an integer in a "setsockopt" call (got missing)');
    expect(() => parseRecord(call('waitpid', { pid: -1 }), 5)).toThrow('line 5: "args.options" must be one of "WNOHANG", "0", "?" in a "waitpid" call (got missing)');
  });

  it('refuses an argument of the wrong type', () => {
    expect(() => parseRecord(call('close', { fd: '4' }), 5)).toThrow('line 5: "args.fd" must be an integer in a "close" call (got the string "4")');
    expect(() => parseRecord(call('bind', { fd: 3, addr: 9877 }), 5)).toThrow('line 5: "args.addr" must be an address "a.b.c.d:port" in a "bind" call (got 9877)');
    expect(() => parseRecord(call('shutdown', { fd: 4, how: 1 }), 5)).toThrow('line 5: "args.how" must be one of "SHUT_RD", "SHUT_WR", "SHUT_RDWR", "?" in a "shutdown" call (got 1)');
    expect(() => parseRecord(call('sigaction', { sig: 17, handler: 'sig_chld', flags: '0' }), 5)).toThrow('line 5: "args.sig" must be a signal name ("SIGCHLD" …) in a "sigaction" call (got 17)');
    expect(() => parseRecord(call('sigaction', { sig: 'SIGCHLD', handler: 'sig_chld', flags: 'SA_RESTART|SA_NOCLDSTOP' }), 5)).toThrow('"args.flags" must be one of "SA_RESTART", "0" in a "sigaction" call');
    expect(() => parseRecord(call('setsockopt', { ...reuse, optname: 7 }), 5)).toThrow('line 5: "args.optname" must be one of "SO_LINGER", "SO_REUSEADDR", "SO_KEEPALIVE", "SO_RCVBUF", "SO_SNDBUF", "SO_?", "?" in a "setsockopt" call (got 7)');
    expect(() => parseRecord(call('setrlimit', { resource: 'RLIMIT_NOFILE', soft: -2, hard: 1024 }), 5)).toThrow('line 5: "args.soft" must be an integer ≥ -1 in a "setrlimit" call (got -2)');
    expect(parseRecord(call('setrlimit', { resource: 'RLIMIT_NOFILE', soft: -1, hard: -1 }), 5)).toMatchObject({ args: { soft: -1 } });
    expect(() => parseRecord(call('write', { fd: 4, count: 5, data: 'hello', truncated: false }), 5)).toThrow('line 5: "args.truncated" must be true when present in a "write" call (got boolean false)');
    expect(() => parseRecord({ ...call('close', { fd: 4 }), args: [4] }, 5)).toThrow('line 5: "args" must be an object in a "call" event (got an array)');
  });

  it('refuses an argument the call does not have (no aliases)', () => {
    expect(() => parseRecord(call('close', { sockfd: 4 }), 5)).toThrow('line 5: unknown argument "sockfd" in a "close" call (its arguments: fd)');
    expect(() => parseRecord(call('close', { fd: 4, how: 'SHUT_WR' }), 5)).toThrow('line 5: unknown argument "how" in a "close" call (its arguments: fd)');
    expect(() => parseRecord(call('fork', { flags: 0 }), 5)).toThrow('line 5: unknown argument "flags" in a "fork" call (its arguments: none)');
    expect(() => parseRecord(call('setsockopt', { ...linger, onoff: 1 }), 5)).toThrow('line 5: unknown argument "onoff" in a "setsockopt" call (its arguments: fd, level, optname, value, l_onoff, l_linger)');
    expect(() => parseRecord(call('setrlimit', { resource: 'RLIMIT_NOFILE', rlim_cur: 5, hard: 5 }), 5)).toThrow('line 5: unknown argument "rlim_cur" in a "setrlimit" call');
    expect(() => parseRecord(call('bind', { fd: 3, servaddr: '0.0.0.0:9877' }), 5)).toThrow('line 5: unknown argument "servaddr" in a "bind" call (its arguments: fd, addr)');
    // setsockopt's value fields go with the option.
    expect(() => parseRecord(call('setsockopt', { ...linger, value: 1 }), 5)).toThrow('line 5: "args.value" must be absent for SO_LINGER (its value is l_onoff and l_linger) in a "setsockopt" call (got 1)');
    expect(() => parseRecord(call('setsockopt', { ...reuse, l_onoff: 1 }), 5)).toThrow('line 5: "args.l_onoff" must be absent unless "optname" is "SO_LINGER" in a "setsockopt" call (got 1)');
    expect(() => parseRecord(call('setsockopt', { ...reuse, level: '?' }), 5)).toThrow('line 5: "args.optname" must be "?" when "level" is "?" in a "setsockopt" call (got the string "SO_REUSEADDR")');
  });

  it('refuses a trace with a wrong argument, with its line number', () => {
    const ls = lines();
    const i = ls.findIndex((l) => JSON.parse(l).kind === 'call' && JSON.parse(l).fn === 'bind');
    ls[i] = JSON.stringify({ ...JSON.parse(ls[i]!), args: { sockfd: 3, addr: '0.0.0.0:9877' } });
    const r = parseTrace(join(ls));
    expect(r).toEqual({ ok: false, errors: [{ line: i + 1, message: `line ${i + 1}: unknown argument "sockfd" in a "bind" call (its arguments: fd, addr)` }] });
  });

  it("checks each return's extra fields for its call and its result", () => {
    expect(parseRecord(ret('accept', 4, { local: '127.0.0.1:9877', peer: '127.0.0.1:40112' }), 6)).toMatchObject({ peer: '127.0.0.1:40112' });
    expect(parseRecord(ret('fork', 0, { ppid: 2 }), 6)).toMatchObject({ ppid: 2 });
    expect(parseRecord(ret('read', 0, { data: '' }), 6)).toMatchObject({ data: '' });
    expect(parseRecord(ret('read', -1, {}, 'ECONNRESET'), 6)).toMatchObject({ errno: 'ECONNRESET' });
    expect(() => parseRecord(ret('exit', 0), 6)).toThrow('line 6: "fn" must be a call that returns (exit never does) in a "return" event (got the string "exit")');
    expect(() => parseRecord(ret('dup', 5), 6)).toThrow(`line 6: "fn" must be a call the lab makes (${CALLS}) in a "return" event (got the string "dup")`);
    expect(() => parseRecord(ret('accept', 4, { ppid: 2 }), 6)).toThrow('line 6: "ppid" must be absent (accept does not return it) in an "accept" return (got 2)');
    expect(() => parseRecord(ret('write', 5, { data: 'hello' }), 6)).toThrow('line 6: "data" must be absent (write does not return it) in a "write" return (got the string "hello")');
    expect(() => parseRecord(ret('fork', 0), 6)).toThrow('line 6: "ppid" must be a non-negative integer in a "fork" return (got missing)');
    expect(() => parseRecord(ret('fork', 8, { ppid: 2 }), 6)).toThrow('line 6: "ppid" must be absent in the parent (only the child, ret 0, has it) in a "fork" return (got 2)');
    expect(() => parseRecord(ret('read', 5), 6)).toThrow('line 6: "data" must be a string in a "read" return (got missing)');
    expect(() => parseRecord(ret('accept', -1, { peer: '127.0.0.1:40112' }, 'EINTR'), 6)).toThrow('line 6: "peer" must be absent when accept failed in an "accept" return (got the string "127.0.0.1:40112")');
    expect(() => parseRecord(ret('close', 0, {}, 'EBADF'), 6)).toThrow('line 6: "ret" must be -1 when "errno" is set in a "return" event (got 0)');
    expect(() => parseRecord(ret('close', -1), 6)).toThrow('line 6: "ret" must be non-negative when "errno" is null in a "return" event (got -1)');
  });

  it('reads every recorded trace, and the recorded traces make every call the contract lists', () => {
    const dir = fileURLToPath(new URL('../../public/traces/', import.meta.url));
    const made = new Set<string>();
    const files = readdirSync(dir).filter((f) => f.endsWith('.jsonl'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const r = parseTrace(readFileSync(dir + file, 'utf8'));
      expect(r.ok ? [] : r.errors.slice(0, 3), file).toEqual([]);
      if (r.ok) for (const e of r.trace.events) if (e.kind === 'call') made.add(e.fn);
    }
    expect([...made].sort()).toEqual([...CALL_NAMES].sort());
  });
});

describe('parseTrace on a file that is not a trace', () => {
  it('lists the first thousand broken lines and says how many more there were', () => {
    const text = Array.from({ length: 1500 }, () => 'not json').join('\n');
    const r = parseTrace(text);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1001);
    expect(r.errors[0]!.message).toMatch(/^line 1: not valid JSON/);
    expect(r.errors.at(-1)).toEqual({ line: 1500, message: 'line 1500: … and 500 more broken lines not listed' });
  });
});
