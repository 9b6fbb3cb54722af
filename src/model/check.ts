// The kernel check: compare the model with one kernel snapshot and name, for people, every fact
// on which they differ. Pure. The kernel reports after the step has settled, so every fact
// compared here is a settled one: process presence and zombies, parents (re-parenting when a
// parent dies), the call each process waits at or sleeps in (the model's reading of the events
// against the system call the kernel shows it in), which descriptors name which socket
// (reference counts), and TCP states.

import type { KernelEvent, KernelProcess, KernelSocket } from '../trace/types.ts';
import { kernelCallText } from '../trace/syscalls.ts';
import { kernelCallsAt, type CallPlace } from '../trace/callFold.ts';
import type { Disagreement, ModelEndpoint, ModelProcess, ModelSnapshot } from './types.ts';

/** What the check reads from the model. */
export type CheckedModel = Pick<ModelSnapshot, 'processes' | 'openFiles' | 'endpoints'>;

export type DisagreementFact = 'refCount' | 'tcpState' | 'holders' | 'processState' | 'presence' | 'address' | 'ppid' | 'call';

/** The address a socket has before bind/connect, as /proc shows it. */
export const UNBOUND = '0.0.0.0:0';

function isUnspecified(address: string | null): boolean {
  return address === null || address === UNBOUND || address === '[::]:0' || address === '*:*';
}

/** "socket 127.0.0.1:9877 ↔ 127.0.0.1:40112", "socket 0.0.0.0:9877" for a listener, "socket (unbound)". */
export function socketSubject(local: string | null, remote: string | null): string {
  if (isUnspecified(local) && isUnspecified(remote)) return 'socket (unbound)';
  if (isUnspecified(remote)) return `socket ${local}`;
  return `socket ${local ?? '?'} ↔ ${remote}`;
}

const holderKey = (pid: number, fd: number): string => `${pid}:${fd}`;

/** Where a live process is, for people: "at the lab's gate before accept()", "in read()", "running". */
function modelPlace(p: ModelProcess): string {
  if (p.status === 'at-gate' && p.pendingCall) return `at the lab’s gate before ${p.pendingCall.fn}()`;
  if (p.pendingCall?.waitsIn) return `in ${p.pendingCall.fn}(), waiting in ${p.pendingCall.waitsIn}(2) first (the lab’s pause)`;
  if (p.pendingCall) return `in ${p.pendingCall.fn}()`;
  return 'running';
}

/** Where the call fold has a process of this status (src/trace/callFold.ts). */
const PLACE: Record<ModelProcess['status'], CallPlace> = { 'at-gate': 'gate', blocked: 'in-call', running: 'running', zombie: 'exited', exited: 'exited' };

/** The system calls the kernel may show the model's live process in; [] when it should be in none (running). */
function expectedSyscalls(p: ModelProcess): readonly string[] {
  return kernelCallsAt({ place: PLACE[p.status], pending: p.pendingCall });
}

/**
 * Does the model's live process stand where the kernel shows it? Since trace 1.1 the kernel
 * names the system call the process is in: the gate's, or one that stands for the model's call.
 */
function samePlace(p: ModelProcess, kp: KernelProcess): boolean {
  if (kp.syscall !== undefined) {
    const expected = expectedSyscalls(p);
    return kp.syscall === null ? expected.length === 0 : expected.includes(kp.syscall);
  }
  return samePlaceByEvents(p, kp);
}

/** A 1.0 trace: the runner's reading of the events. */
function kernelPlace(kp: KernelProcess): string {
  if (kp.syscall !== undefined) return kernelCallText(kp.syscall);
  if (kp.place === 'gate') return `at the gate before ${kp.blockedIn ?? '?'}`;
  if (kp.place === 'kernel') return kp.blockedIn === null ? 'asleep in the kernel' : `in ${kp.blockedIn}`;
  return kp.place;
}

/**
 * For a 1.0 trace, which has no syscall: at a gate, the same call, and the model has it at the
 * gate. Asleep in the kernel: inside the same call (a process that has not said anything yet,
 * blockedIn null, may be anywhere). Running: no call pending.
 */
function samePlaceByEvents(p: ModelProcess, kp: KernelProcess): boolean {
  switch (kp.place) {
    case 'gate':
      return p.status === 'at-gate' && p.pendingCall?.fn === kp.blockedIn;
    case 'kernel':
      return kp.blockedIn === null ? p.pendingCall === null || p.status === 'blocked' : p.pendingCall?.fn === kp.blockedIn;
    case 'running':
      return p.pendingCall === null;
    case 'zombie':
      return true; // compared as processState
  }
}

export function checkKernel(model: CheckedModel, kernel: KernelEvent): Disagreement[] {
  const out: Disagreement[] = [];
  const push = (subject: string, fact: DisagreementFact, modelValue: string, kernelValue: string): void => {
    out.push({ subject, fact, model: modelValue, kernel: kernelValue });
  };

  // ── processes: zombie ↔ Z, exited ↔ absent, any other status ↔ present and not Z ──
  const roles = new Map<number, string>();
  for (const kp of kernel.processes) roles.set(kp.pid, kp.role);
  for (const p of model.processes) roles.set(p.pid, p.role);
  const kernelProcs = new Map(kernel.processes.map((kp) => [kp.pid, kp]));
  const procSubject = (pid: number): string => `pid ${pid} (${roles.get(pid) ?? 'unknown'})`;
  const holderSubject = (pid: number, fd: number): string => `${roles.get(pid) ?? `pid ${pid}`} fd ${fd}`;

  for (const p of model.processes) {
    const kp = kernelProcs.get(p.pid);
    const kernelSays = kp === undefined ? 'absent' : kp.state === 'Z' ? 'zombie' : `alive (${kp.state})`;
    if (p.status === 'exited') {
      if (kp === undefined) continue;
      push(procSubject(p.pid), kp.state === 'Z' ? 'processState' : 'presence', 'exited', kernelSays);
    } else if (p.status === 'zombie') {
      if (kp?.state === 'Z') continue;
      push(procSubject(p.pid), kp === undefined ? 'presence' : 'processState', 'zombie', kernelSays);
    } else {
      if (kp !== undefined && kp.state !== 'Z') {
        if (!samePlace(p, kp)) push(procSubject(p.pid), 'call', modelPlace(p), kernelPlace(kp));
        continue;
      }
      push(procSubject(p.pid), kp === undefined ? 'presence' : 'processState', p.status, kernelSays);
    }
  }
  // Parents: a child's parent is the process that forked it until that one dies; then the
  // subreaper that launched the program (re-parenting).
  for (const p of model.processes) {
    const kp = kernelProcs.get(p.pid);
    if (kp === undefined || p.status === 'exited' || kp.ppid === p.ppid) continue;
    push(procSubject(p.pid), 'ppid', String(p.ppid), String(kp.ppid));
  }
  const modelPids = new Set(model.processes.map((p) => p.pid));
  for (const kp of kernel.processes) {
    if (!modelPids.has(kp.pid)) push(procSubject(kp.pid), 'presence', 'absent', kp.state === 'Z' ? 'zombie' : `alive (${kp.state})`);
  }

  // ── sockets ──
  const fileOfHolder = new Map<string, string>();
  for (const p of model.processes) for (const { fd, fileId } of p.fds) fileOfHolder.set(holderKey(p.pid, fd), fileId);
  const files = new Map(model.openFiles.map((f) => [f.id, f]));
  const endpoints = new Map(model.endpoints.map((e) => [e.id, e]));
  const matched = new Set<string>();

  const subjectOf = (ks: KernelSocket | null, ep: ModelEndpoint | null): string => {
    if (ks && !(isUnspecified(ks.local) && isUnspecified(ks.remote))) return socketSubject(ks.local, ks.remote);
    if (ep) return socketSubject(ep.local, ep.remote);
    return 'socket (unbound)';
  };
  const modelHolderText = (ep: ModelEndpoint): string => {
    const file = ep.fileId === null ? undefined : files.get(ep.fileId);
    if (!file || file.holders.length === 0) return 'no descriptor';
    return file.holders.map((h) => holderSubject(h.pid, h.fd)).join(', ');
  };

  const compareSocket = (ks: KernelSocket, ep: ModelEndpoint): void => {
    const subject = subjectOf(ks, ep);
    const fresh = ks.state === 'CLOSED' && isUnspecified(ks.local) && isUnspecified(ks.remote);
    if (ep.state !== ks.state) push(subject, 'tcpState', ep.state, fresh ? 'CLOSED (fresh or bound socket)' : ks.state);
    if (!fresh) {
      if (!isUnspecified(ks.local) && ep.local !== null && !isUnspecified(ep.local) && ep.local !== ks.local) {
        push(subject, 'address', `local ${ep.local}`, `local ${ks.local}`);
      }
      if (!isUnspecified(ks.remote) && ep.remote !== null && ep.remote !== ks.remote) {
        push(subject, 'address', `remote ${ep.remote}`, `remote ${ks.remote}`);
      }
    }
  };

  for (const ks of kernel.sockets) {
    if (ks.holders.length > 0) {
      const kernelHolders = new Set(ks.holders.map((h) => holderKey(h.pid, h.fd)));
      const fileIds: string[] = [];
      for (const h of ks.holders) {
        const fileId = fileOfHolder.get(holderKey(h.pid, h.fd));
        if (fileId === undefined) {
          push(holderSubject(h.pid, h.fd), 'holders', 'not open', `names ${subjectOf(ks, null)}`);
        } else if (!fileIds.includes(fileId)) {
          fileIds.push(fileId);
        }
      }
      for (const fileId of fileIds) {
        const file = files.get(fileId);
        const ep = file ? endpoints.get(file.endpointId) : undefined;
        if (!file || !ep) continue;
        matched.add(ep.id);
        const first = file.holders[0] ?? ks.holders[0]!;
        if (file.refCount !== ks.holders.length) {
          push(holderSubject(first.pid, first.fd), 'refCount', String(file.refCount), String(ks.holders.length));
        }
        for (const h of file.holders) {
          if (!kernelHolders.has(holderKey(h.pid, h.fd))) {
            push(holderSubject(h.pid, h.fd), 'holders', `names ${subjectOf(ks, ep)}`, 'does not name it');
          }
        }
        compareSocket(ks, ep);
      }
      continue;
    }
    // No descriptor names it: in an accept queue, orphaned while closing, or in TIME_WAIT.
    const sameAddresses = (e: ModelEndpoint): boolean => !matched.has(e.id) && e.local === ks.local && e.remote === ks.remote;
    // A connection that closed in this step may share its addresses with the one that replaced it
    // (a TIME_WAIT ended by a new SYN): the kernel lists only the live one.
    const unheld =
      model.endpoints.find((e) => e.fileId === null && e.state !== 'CLOSED' && sameAddresses(e)) ??
      model.endpoints.find((e) => e.fileId === null && sameAddresses(e));
    if (unheld) {
      matched.add(unheld.id);
      compareSocket(ks, unheld);
      continue;
    }
    const held = model.endpoints.find(sameAddresses);
    if (held) {
      matched.add(held.id);
      push(subjectOf(ks, held), 'holders', modelHolderText(held), 'no descriptor');
      compareSocket(ks, held);
      continue;
    }
    push(subjectOf(ks, null), 'presence', 'absent', ks.state);
  }

  for (const ep of model.endpoints) {
    if (matched.has(ep.id)) continue;
    if (ep.state === 'CLOSED' && ep.fileId === null) continue; // gone from the kernel, as expected
    push(subjectOf(null, ep), 'presence', ep.fileId === null ? ep.state : `${ep.state}, ${modelHolderText(ep)}`, 'absent');
  }
  return out;
}
