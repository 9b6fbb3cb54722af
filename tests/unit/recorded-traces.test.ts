// Every recorded trace (public/traces/*.jsonl: real runs of the C lab on loopback) must replay
// through the model with zero disagreements with its kernel snapshots and nothing the model could
// not explain; and each scenario's defining facts must hold on the model's snapshots (which the
// panels and the packet sequence diagram read). A scenario whose recording is not in the tree
// skips its facts; the directory is enumerated, so a new recording is checked as soon as it lands.
//
// FORKSCOPE_TRACE_DIR=/some/dir npx vitest run --project unit tests/unit/recorded-traces.test.ts
// checks recordings elsewhere (fresh ones, before they are committed).

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createReplay, parseTrace, type Replay } from '../../src/model/index.ts';
import type { ModelEndpoint, ModelProcess, ModelSnapshot } from '../../src/model/types.ts';
import { findScenario } from '../../src/scenarios/index.ts';
import { releaseMismatch, type PendingCall } from '../../src/server/lab/schedule.ts';
import type { CallEvent, Trace } from '../../src/trace/types.ts';

const DIR = process.env.FORKSCOPE_TRACE_DIR ?? fileURLToPath(new URL('../../public/traces/', import.meta.url));
const FILES = existsSync(DIR)
  ? readdirSync(DIR)
      .filter((f) => f.endsWith('.jsonl'))
      .sort()
  : [];

const cache = new Map<string, { trace: Trace; replay: Replay }>();

function load(file: string): { trace: Trace; replay: Replay } {
  const hit = cache.get(file);
  if (hit) return hit;
  const parsed = parseTrace(readFileSync(`${DIR}/${file}`, 'utf8'));
  if (!parsed.ok) throw new Error(`${file} does not parse: ${parsed.errors.map((e) => e.message).join('; ')}`);
  const loaded = { trace: parsed.trace, replay: createReplay(parsed.trace) };
  cache.set(file, loaded);
  return loaded;
}

describe('every recorded trace replays with zero disagreements', () => {
  it(`finds the recordings (${DIR})`, () => {
    expect(FILES.length).toBeGreaterThan(0);
  });

  for (const file of FILES) {
    it(file, () => {
      const { trace, replay } = load(file);
      const scenario = findScenario(trace.header.scenario.id);
      if (scenario) {
        expect(file).toBe(`${scenario.id}.jsonl`);
        expect(replay.stepCount).toBe(scenario.schedule.length + 1);
        expect(Array.from({ length: replay.stepCount }, (_, s) => replay.atStep(s).label)).toEqual(['start', ...scenario.schedule.map((e) => e.id)]);
      }
      // Recorded as trace 1.1 or later: the kernel's own answer for every process, and the real packets,
      // which the check below holds against the model too.
      expect(trace.header.minor).toBeGreaterThanOrEqual(1);
      expect(trace.header.capture).toEqual({ packets: true });
      expect(trace.events.some((e) => e.kind === 'packet')).toBe(true);
      for (const k of trace.events) {
        if (k.kind !== 'kernel') continue;
        for (const p of k.processes) if (p.state !== 'Z') expect(p.syscall, `step ${k.step}: ${p.role}`).toEqual(expect.any(String));
      }
      const all = Array.from({ length: replay.stepCount }, (_, s) => replay.atStep(s).disagreements.map((d) => ({ step: s, ...d }))).flat();
      expect(all).toEqual([]);
      expect(replay.disagreementCount()).toBe(0);
      expect(replay.atEvent(trace.events.length - 1).notes ?? []).toEqual([]);
    });
  }
});

// Each release entry names the call it lets its process make; the runner refuses a release into
// another. The recordings were made before entries named calls: every step they hold must have
// released exactly the call its entry names (so each lesson step narrates the call that ran).
describe('every recorded release is into the call its schedule entry names', () => {
  for (const file of FILES) {
    const scenario = findScenario(file.replace(/\.jsonl$/, ''));
    it.runIf(scenario)(file, () => {
      const { trace } = load(file);
      const lastCall = new Map<number, Map<string, CallEvent>>();
      let step = 0;
      const found: string[] = [];
      for (const e of trace.events) {
        if (e.kind === 'call') lastCall.set(e.pid, (lastCall.get(e.pid) ?? new Map()).set(e.fn, e));
        if (e.kind === 'kernel') step = e.step;
        if (e.kind !== 'release') continue;
        const entry = scenario!.schedule[step]!; // released during step + 1, which carries out entry `step`
        expect(entry.do, `${file}: a release during "${entry.id}"`).toBe('release');
        if (entry.do !== 'release') continue;
        expect(e.role).toBe(entry.role);
        const call = lastCall.get(e.pid)?.get(e.fn);
        const pending: PendingCall | null = call ? { fn: call.fn, args: call.args } : null;
        expect(releaseMismatch(entry, pending), `${file}: "${entry.id}"`).toBeNull();
        found.push(entry.id);
      }
      expect(found).toEqual(scenario!.schedule.filter((x) => x.do === 'release').map((x) => x.id));
    });
  }
});

// ───────── reading the model at a schedule entry ─────────

interface Recording {
  trace: Trace;
  replay: Replay;
  /** The model at the end of the schedule entry with this id (step N carries out entry N − 1). */
  at(id: string): ModelSnapshot;
  /** The model after the first event that matches. */
  after(match: (e: Trace['events'][number]) => boolean): ModelSnapshot;
}

function recording(id: string): Recording {
  const { trace, replay } = load(`${id}.jsonl`);
  const schedule = findScenario(id)!.schedule;
  return {
    trace,
    replay,
    at(entry) {
      const step = schedule.findIndex((e) => e.id === entry) + 1;
      if (step === 0) throw new Error(`${id} has no schedule entry ${entry}`);
      const m = replay.atStep(step);
      expect(m.label).toBe(entry);
      return m;
    },
    after(match) {
      const i = trace.events.findIndex(match);
      if (i < 0) throw new Error(`${id}: no such event`);
      return replay.atEvent(i);
    },
  };
}

const recorded = (id: string): boolean => FILES.includes(`${id}.jsonl`);

const byRole = (m: ModelSnapshot, role: string): ModelProcess => {
  const p = m.processes.filter((q) => q.role === role).at(-1);
  if (!p) throw new Error(`no process ${role} at step ${m.step}`);
  return p;
};
const fileOf = (m: ModelSnapshot, role: string, fd: number) => {
  const id = byRole(m, role).fds.find((f) => f.fd === fd)?.fileId;
  return m.openFiles.find((f) => f.id === id);
};
const endpointOf = (m: ModelSnapshot, role: string, fd: number): ModelEndpoint | undefined =>
  m.endpoints.find((e) => e.id === fileOf(m, role, fd)?.endpointId);
const endpoint = (m: ModelSnapshot, id: string | null | undefined): ModelEndpoint | undefined => m.endpoints.find((e) => e.id === id);
/** The server's end of the connection whose client end has local address `local`. */
const serverEndOf = (m: ModelSnapshot, clientLocal: string | null | undefined) => m.endpoints.find((e) => e.kind === 'server-conn' && e.remote === clientLocal);
const flagsIn = (m: ModelSnapshot, step = m.step) => m.segments.filter((s) => s.step === step).map((s) => s.flags.join('+'));
const kernelProc = (m: ModelSnapshot, pid: number) => m.kernel?.processes.find((p) => p.pid === pid);

// ───────── each scenario's defining facts ─────────

describe.runIf(recorded('iterative'))('iterative (recorded)', () => {
  it('no fork: while the parent serves client 1, client 2 waits in the accept queue with its line, held by no descriptor', () => {
    const r = recording('iterative');
    const m = r.at('client2-write-queued');
    const listener = endpointOf(m, 'parent', 3)!;
    const queued = serverEndOf(m, endpointOf(m, 'client#2', 3)?.local)!;
    expect(queued).toMatchObject({ state: 'ESTABLISHED', fileId: null, queuedOn: listener.id, unread: 14 });
    expect(m.kernel?.sockets.find((s) => s.local === queued.local && s.remote === queued.remote)).toMatchObject({ inode: 0, holders: [] });
    expect(endpointOf(m, 'parent', 4)?.remote).toBe(endpointOf(m, 'client#1', 3)?.local);
    for (let s = 0; s < r.replay.stepCount; s++) expect(r.replay.atStep(s).processes.some((p) => p.role.startsWith('child'))).toBe(false);
  });

  it('the next accept takes it: fd 4 again, with the line already there', () => {
    const r = recording('iterative');
    const m = r.at('parent-accept-returns-2');
    expect(endpointOf(m, 'parent', 4)).toMatchObject({ remote: endpointOf(m, 'client#2', 3)?.local, queuedOn: null, unread: 14 });
    expect(endpointOf(r.at('parent-read-2'), 'parent', 4)?.unread).toBe(0);
  });
});

describe.runIf(recorded('shutdown'))('shutdown (recorded)', () => {
  it('shutdown(SHUT_WR) sends the FIN with the count still 2: server FIN_WAIT_2, client CLOSE_WAIT', () => {
    const m = recording('shutdown').at('parent-shutdown-connfd');
    expect(fileOf(m, 'parent', 4)?.refCount).toBe(2);
    expect(fileOf(m, 'parent', 4)).toBe(fileOf(m, 'child#1', 4));
    const server = endpointOf(m, 'parent', 4)!;
    expect(server).toMatchObject({ state: 'FIN_WAIT_2', shutWr: true });
    expect(flagsIn(m)).toEqual(['FIN+ACK', 'ACK']);
    expect(m.segments.find((s) => s.step === m.step)?.from).toBe(server.id);
    expect(endpointOf(m, 'client#1', 3)).toMatchObject({ state: 'CLOSE_WAIT', eof: true });
  });

  it("the client's read returns 0 although the child never closed; the child's write fails EPIPE and SIGPIPE ends it", () => {
    const r = recording('shutdown');
    expect(byRole(r.at('client-read-eof'), 'client#1').lastResult).toMatchObject({ fn: 'read', ret: 0 });
    const m = r.at('child-write-epipe');
    expect(byRole(m, 'child#1')).toMatchObject({ status: 'zombie', exitSignal: 'SIGPIPE' });
    expect(fileOf(m, 'parent', 4)?.refCount).toBe(1);
  });

  it("the client's FIN: the connection's TIME_WAIT is a socket no descriptor names, the parent's fd 4 a CLOSED socket", () => {
    const m = recording('shutdown').at('client-close');
    const held = endpointOf(m, 'parent', 4)!;
    expect(held.state).toBe('CLOSED');
    expect(endpoint(m, held.timeWaitId)).toMatchObject({ state: 'TIME_WAIT', fileId: null, kind: 'server-conn' });
    expect(m.endpoints.find((e) => e.kind === 'client')?.path).toEqual(['CLOSE_WAIT', 'LAST_ACK', 'CLOSED']);
  });
});

describe.runIf(recorded('server-closes-first'))('server-closes-first (recorded)', () => {
  it('the server end goes FIN_WAIT_2 then TIME_WAIT; the client end CLOSE_WAIT, then LAST_ACK and gone', () => {
    const r = recording('server-closes-first');
    const half = r.at('child-close-connfd');
    const client = endpointOf(half, 'client#1', 3)!;
    const server = serverEndOf(half, client.local)!;
    expect(server).toMatchObject({ state: 'FIN_WAIT_2', fileId: null });
    expect(client).toMatchObject({ state: 'CLOSE_WAIT', eof: true });
    const done = r.at('client-close');
    expect(endpoint(done, server.id)).toMatchObject({ state: 'TIME_WAIT', path: ['FIN_WAIT_2', 'TIME_WAIT'] });
    expect(endpoint(done, client.id)).toMatchObject({ state: 'CLOSED', path: ['CLOSE_WAIT', 'LAST_ACK', 'CLOSED'] });
    expect(done.endpoints.filter((e) => e.state === 'TIME_WAIT').map((e) => e.kind)).toEqual(['server-conn']);
  });
});

describe.runIf(recorded('restart-reuseaddr'))('restart-reuseaddr (recorded)', () => {
  it("the runner's SIGTERM ends the server: its listener goes, the TIME_WAIT stays, its zombie is reaped by the subreaper", () => {
    const r = recording('restart-reuseaddr');
    const beforeExit = r.after((e) => e.kind === 'signal');
    expect(byRole(beforeExit, 'parent').pendingSignal).toBe('SIGTERM');
    const m = r.at('parent-killed');
    expect(byRole(m, 'parent')).toMatchObject({ status: 'exited', exitSignal: 'SIGTERM', exitStatus: null });
    expect(byRole(m, 'child#1').status).toBe('exited');
    expect(m.endpoints.filter((e) => e.state !== 'CLOSED').map((e) => [e.kind, e.state])).toEqual([['server-conn', 'TIME_WAIT']]);
  });

  it('without SO_REUSEADDR bind fails EADDRINUSE, because of the TIME_WAIT; with it bind and listen succeed beside it', () => {
    const r = recording('restart-reuseaddr');
    const failed = r.at('parent2-bind-eaddrinuse');
    const tw = failed.endpoints.find((e) => e.state === 'TIME_WAIT')!;
    expect(byRole(failed, 'parent#2')).toMatchObject({ status: 'exited', exitStatus: 1, lastResult: { fn: 'bind', ret: -1, errno: 'EADDRINUSE', conflicts: [tw.id] } });
    expect(endpointOf(r.at('parent3-setsockopt-reuseaddr'), 'parent#3', 3)?.reuseAddr).toBe(true);
    const ok = r.at('parent3-listen');
    expect(endpointOf(ok, 'parent#3', 3)).toMatchObject({ state: 'LISTEN', reuseAddr: true });
    expect(endpoint(ok, tw.id)?.state).toBe('TIME_WAIT');
  });
});

describe.runIf(recorded('never-close'))('never-close (recorded)', () => {
  it('the child blocks in pause: client FIN_WAIT_2, server CLOSE_WAIT held by the child, no second FIN', () => {
    const m = recording('never-close').at('client-exit');
    expect(byRole(m, 'child#1')).toMatchObject({ status: 'blocked', pendingCall: { fn: 'pause' } });
    const server = endpointOf(m, 'child#1', 4)!;
    expect(server).toMatchObject({ state: 'CLOSE_WAIT', eof: true });
    expect(endpoint(m, server.peerId)).toMatchObject({ state: 'FIN_WAIT_2', fileId: null });
    expect(m.segments.filter((s) => s.flags.includes('FIN'))).toHaveLength(1);
  });
});

describe.runIf(recorded('parent-keeps-connfd'))('parent-keeps-connfd (recorded)', () => {
  it("the child's close and exit send no FIN: the connection stays ESTABLISHED, held by the parent", () => {
    const r = recording('parent-keeps-connfd');
    expect(byRole(r.at('parent-setrlimit'), 'parent').fdLimit).toBe(5);
    const m = r.at('child-exit');
    expect(fileOf(m, 'parent', 4)).toMatchObject({ refCount: 1 });
    expect(endpointOf(m, 'parent', 4)?.state).toBe('ESTABLISHED');
    expect(byRole(m, 'child#1').status).toBe('zombie');
    expect(m.segments.some((s) => s.flags.includes('FIN'))).toBe(false);
  });

  it('accept fails EMFILE and the server exits: only now the FIN to client 1, and client 2 reset with the listener', () => {
    const r = recording('parent-keeps-connfd');
    const failed = r.after((e) => e.kind === 'return' && e.errno === 'EMFILE');
    expect(byRole(failed, 'parent').lastResult).toEqual({ fn: 'accept', ret: -1, errno: 'EMFILE' });
    const queued = serverEndOf(failed, endpointOf(failed, 'client#2', 3)?.local);
    expect(queued).toMatchObject({ fileId: null, queuedOn: endpointOf(failed, 'parent', 3)!.id });
    const m = r.at('parent-accept-emfile');
    expect(byRole(m, 'parent')).toMatchObject({ status: 'exited', exitStatus: 1 });
    // Sockets are released in descending fd order at exit (connfd 4's FIN, then listenfd 3's RST);
    // client 1's ACK of the FIN waits for its delayed-ACK timer (as captured on lo).
    expect(flagsIn(m)).toEqual(['FIN+ACK', 'RST+ACK', 'ACK']);
    expect(endpointOf(m, 'client#2', 3)).toMatchObject({ state: 'CLOSED', error: 'reset' });
    expect(endpointOf(m, 'client#1', 3)).toMatchObject({ state: 'CLOSE_WAIT', eof: true });
    expect(byRole(r.at('client2-write-econnreset'), 'client#2').lastResult).toMatchObject({ fn: 'write', errno: 'ECONNRESET' });
  });
});

describe.runIf(recorded('child-keeps-listenfd'))('child-keeps-listenfd (recorded)', () => {
  it('the killed parent: its child is re-parented to the subreaper and alone holds the LISTEN socket', () => {
    const r = recording('child-keeps-listenfd');
    const m = r.at('parent-killed');
    const parent = byRole(m, 'parent');
    expect(parent).toMatchObject({ status: 'exited', exitSignal: 'SIGTERM' });
    const child = byRole(m, 'child#1');
    // The subreaper that launched the server (the spawn's ppid) inherits the orphan.
    const spawn = r.trace.events.find((e) => e.kind === 'spawn' && e.role === 'parent');
    expect(spawn?.kind === 'spawn' && child.ppid === spawn.ppid).toBe(true);
    expect(kernelProc(m, child.pid)?.ppid).toBe(child.ppid);
    expect(fileOf(m, 'child#1', 3)).toMatchObject({ refCount: 1 });
    expect(endpointOf(m, 'child#1', 3)?.state).toBe('LISTEN');
  });

  it('a new connection queues on a listener no one accepts on; a restarted server cannot bind (EADDRINUSE)', () => {
    const r = recording('child-keeps-listenfd');
    const m = r.at('client2-connect-queued');
    const listener = endpointOf(m, 'child#1', 3)!;
    expect(serverEndOf(m, endpointOf(m, 'client#2', 3)?.local)).toMatchObject({ state: 'ESTABLISHED', fileId: null, queuedOn: listener.id });
    const failed = r.at('parent2-bind-eaddrinuse');
    expect(byRole(failed, 'parent#2').lastResult).toMatchObject({ fn: 'bind', errno: 'EADDRINUSE' });
    expect(byRole(failed, 'parent#2').lastResult?.conflicts).toContain(listener.id);
  });
});

describe.runIf(recorded('zombies'))('zombies (recorded)', () => {
  it('with SIGCHLD at its default and no wait, every child stays a zombie whose parent is the server', () => {
    const r = recording('zombies');
    const m = r.replay.atStep(r.replay.stepCount - 1);
    const parent = byRole(m, 'parent');
    const zombies = m.processes.filter((p) => p.status === 'zombie');
    expect(zombies.map((p) => p.role)).toEqual(['child#1', 'child#2', 'child#3']);
    for (const z of zombies) {
      expect(z.ppid).toBe(parent.pid);
      expect(kernelProc(m, z.pid)).toMatchObject({ state: 'Z', ppid: parent.pid });
    }
    expect(parent.sigchld).toBe('default');
  });
});

describe.runIf(recorded('sigchld-ignore'))('sigchld-ignore (recorded)', () => {
  it('SIG_IGN: no child is ever a zombie, in the model or the kernel', () => {
    const r = recording('sigchld-ignore');
    expect(byRole(r.at('parent-sigaction-ignore'), 'parent').sigchld).toBe('ignore');
    let exited = 0;
    for (let s = 0; s < r.replay.stepCount; s++) {
      const m = r.replay.atStep(s);
      expect(m.processes.some((p) => p.status === 'zombie')).toBe(false);
      expect(m.kernel?.processes.some((p) => p.state === 'Z')).toBe(false);
      exited += m.processes.filter((p) => p.role.startsWith('child') && p.status === 'exited').length;
    }
    expect(exited).toBeGreaterThanOrEqual(2);
  });
});

describe.runIf(recorded('sigchld-waitpid'))('sigchld-waitpid (recorded)', () => {
  it('the handler runs inside accept: waitpid at its gate, accept underneath; a second SIGCHLD waits', () => {
    const r = recording('sigchld-waitpid');
    const m = r.at('child1-exit');
    expect(byRole(m, 'parent')).toMatchObject({ status: 'at-gate', pendingCall: { fn: 'waitpid' }, sigchld: 'handler', sigchldRestart: true });
    expect(byRole(m, 'parent').interrupted?.map((c) => c.fn)).toEqual(['accept']);
    expect(r.at('child2-exit').processes.filter((p) => p.status === 'zombie').map((p) => p.role)).toEqual(['child#1', 'child#2']);
  });

  it('each waitpid that returns a pid reaps that zombie; then ECHILD, and accept goes on (SA_RESTART)', () => {
    const r = recording('sigchld-waitpid');
    const one = r.at('parent-waitpid-reaps-1');
    expect(byRole(one, 'parent').lastResult).toMatchObject({ fn: 'waitpid', ret: byRole(one, 'child#1').pid });
    expect(byRole(one, 'child#1').status).toBe('exited');
    expect(byRole(one, 'child#2').status).toBe('zombie');
    expect(byRole(r.at('parent-waitpid-reaps-2'), 'child#2').status).toBe('exited');
    expect(byRole(r.at('parent-waitpid-echild'), 'parent').lastResult).toMatchObject({ fn: 'waitpid', ret: -1, errno: 'ECHILD' });
    const end = r.at('parent-waitpid-echild-again');
    expect(byRole(end, 'parent')).toMatchObject({ status: 'blocked', pendingCall: { fn: 'accept' }, interrupted: [] });
    expect(end.processes.some((p) => p.status === 'zombie')).toBe(false);
  });
});

describe.runIf(recorded('accept-eintr'))('accept-eintr (recorded)', () => {
  it('without SA_RESTART, the interrupted accept fails EINTR once the handler returns, and err_sys ends the server', () => {
    const r = recording('accept-eintr');
    const inHandler = r.at('child-exit');
    expect(byRole(inHandler, 'parent')).toMatchObject({ status: 'at-gate', pendingCall: { fn: 'waitpid' }, sigchld: 'handler', sigchldRestart: false });
    expect(byRole(inHandler, 'parent').interrupted?.map((c) => c.fn)).toEqual(['accept']);
    expect(byRole(r.at('parent-waitpid-reaps'), 'child#1').status).toBe('exited');
    const eintr = r.after((e) => e.kind === 'return' && e.fn === 'accept' && e.errno === 'EINTR');
    expect(byRole(eintr, 'parent')).toMatchObject({ pendingCall: null, interrupted: [], lastResult: { fn: 'accept', ret: -1, errno: 'EINTR' } });
    const m = r.at('parent-waitpid-echild-accept-eintr');
    expect(byRole(m, 'parent')).toMatchObject({ status: 'exited', exitStatus: 1 });
    expect(m.endpoints.find((e) => e.kind === 'listener')?.state ?? 'CLOSED').toBe('CLOSED');
  });
});

describe.runIf(recorded('linger-rst'))('linger-rst (recorded)', () => {
  it('SO_LINGER 0: close sends RST, not FIN; no TIME_WAIT anywhere; the child read fails ECONNRESET', () => {
    const r = recording('linger-rst');
    expect(endpointOf(r.at('client-setsockopt-linger'), 'client#1', 3)?.lingerZero).toBe(true);
    const m = r.at('client-close-rst');
    expect(flagsIn(m)).toEqual(['RST+ACK']);
    expect(m.segments.some((s) => s.flags.includes('FIN'))).toBe(false);
    expect(byRole(m, 'child#1')).toMatchObject({ status: 'zombie', exitStatus: 1, lastResult: { fn: 'read', ret: -1, errno: 'ECONNRESET' } });
    expect(m.endpoints.find((e) => e.kind === 'server-conn')).toMatchObject({ state: 'CLOSED', error: 'reset' });
    for (let s = 0; s < r.replay.stepCount; s++) {
      const at = r.replay.atStep(s);
      expect(at.endpoints.some((e) => e.state === 'TIME_WAIT')).toBe(false);
      expect(at.kernel?.sockets.some((k) => k.state === 'TIME_WAIT')).toBe(false);
    }
  });
});

describe.runIf(recorded('many-clients'))('many-clients (recorded)', () => {
  it('five connections wait in the queue; five children serve them; five zombies at the end', () => {
    const r = recording('many-clients');
    const queued = r.at('client5-connect');
    expect(queued.endpoints.filter((e) => e.queuedOn !== null && e.fileId === null)).toHaveLength(5);
    const served = r.at('parent-accept-again-5');
    const parent = byRole(served, 'parent');
    const children = served.processes.filter((p) => p.role.startsWith('child#'));
    expect(children.map((p) => [p.role, p.ppid])).toEqual([1, 2, 3, 4, 5].map((n) => [`child#${n}`, parent.pid]));
    for (const n of [1, 2, 3, 4, 5]) {
      expect(fileOf(served, `child#${n}`, 4)?.refCount).toBe(1);
      expect(endpointOf(served, `child#${n}`, 4)?.remote).toBe(endpointOf(served, `client#${n}`, 3)?.local);
    }
    const end = r.replay.atStep(r.replay.stepCount - 1);
    expect(end.processes.filter((p) => p.status === 'zombie')).toHaveLength(5);
  });
});
