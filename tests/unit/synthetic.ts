// A long synthetic trace: the concurrent server serving one client after another (with a SIGCHLD
// handler that reaps each child), with kernel snapshots that say what Linux would show — so a
// replay of it must agree with every snapshot. Used by tests/unit/replay.test.ts and
// bench/model.bench.ts.

import type { KernelProcess, KernelSocket, Trace } from '../../src/trace/types.ts';
import { TIME_WAIT_NS } from '../../src/model/apply.ts';
import { ANY, SERV, TraceBuilder, header, kproc, ksock } from './builder.ts';

const PARENT = 100;
const RUNNER = 50;
const UNB = '0.0.0.0:0';
/** Trace time between two clients: TIME_WAIT (60 s) outlives several of them. */
const CLIENT_GAP_NS = 10_000_000_000;

export interface SyntheticTrace {
  trace: Trace;
  clients: number;
}

/** About `targetEvents` events (≈ 40 per client). */
export function syntheticTrace(targetEvents: number): SyntheticTrace {
  const b = new TraceBuilder(header({ id: 'synthetic', knobs: { sigchld: 'handler' } }));
  const P = (place: KernelProcess['place'], call: string | null) => kproc(PARENT, 'parent', 'S', place, call, RUNNER);
  const listen = (...holders: [number, number][]) => ksock('LISTEN', ANY, UNB, holders, 1);
  const timeWaits: { local: string; since: number }[] = [];
  /** TIME_WAIT sockets still there at the next event's time (the builder advances t by 1 µs). */
  const tw = (): KernelSocket[] => {
    const now = b.t + 1000;
    while (timeWaits.length > 0 && now >= timeWaits[0]!.since + TIME_WAIT_NS) timeWaits.shift();
    return timeWaits.map((w) => ksock('TIME_WAIT', w.local, SERV, []));
  };

  b.spawn(PARENT, 'parent', 'server', RUNNER);
  b.sys(PARENT, 'sigaction', { sig: 'SIGCHLD', handler: 'sig_chld', flags: 'SA_RESTART' }, 0);
  b.sys(PARENT, 'socket', { domain: 'AF_INET', type: 'SOCK_STREAM', protocol: 0 }, 3);
  b.sys(PARENT, 'bind', { fd: 3, addr: ANY }, 0);
  b.sys(PARENT, 'listen', { fd: 3, backlog: 1024 }, 0);
  b.call(PARENT, 'accept', { fd: 3 });
  b.kernel([P('kernel', 'accept')], [listen([PARENT, 3])], 'start');

  let i = 0;
  while (b.events.length < targetEvents) {
    const client = 1000 + 2 * i;
    const child = client + 1;
    const role = `client#${i + 1}`;
    const childRole = `child#${i + 1}`;
    const cli = `127.0.0.1:${20000 + (i % 40000)}`;
    const C = (place: KernelProcess['place'], call: string | null) => kproc(client, role, 'S', place, call, RUNNER);
    const K = (place: KernelProcess['place'], call: string | null) => kproc(child, childRole, 'S', place, call, PARENT);
    const clientSock = (state: KernelSocket['state'], holders: [number, number][]) => ksock(state, cli, SERV, holders, 3);
    const conn = (state: KernelSocket['state'], ...holders: [number, number][]) => ksock(state, SERV, cli, holders, 4);
    b.t += CLIENT_GAP_NS;

    // Connect: the connection waits in the accept queue (Figure 4.14).
    b.spawn(client, role, 'client', RUNNER);
    b.sys(client, 'socket', { domain: 'AF_INET', type: 'SOCK_STREAM', protocol: 0 }, 3);
    b.call(client, 'connect', { fd: 3, addr: SERV }).ret(client, 'connect', 0, { local: cli });
    b.ready(PARENT, 'accept', 3);
    b.call(client, 'write', { fd: 3, count: 6, data: 'hello\n' });
    b.kernel([P('gate', 'accept'), C('gate', 'write')], [listen([PARENT, 3]), clientSock('ESTABLISHED', [[client, 3]]), conn('ESTABLISHED'), ...tw()]);

    // Accept and fork (Figure 4.16). The fork's two halves arrive in either order.
    b.ret(PARENT, 'accept', 4, { local: SERV, peer: cli }).call(PARENT, 'fork');
    if (i % 2 === 0) b.ret(PARENT, 'fork', child).forkChild(child, childRole, PARENT);
    else b.forkChild(child, childRole, PARENT).ret(PARENT, 'fork', child);
    b.call(PARENT, 'close', { fd: 4 }).call(child, 'close', { fd: 3 });
    b.kernel(
      [P('gate', 'close'), C('gate', 'write'), K('gate', 'close')],
      [listen([PARENT, 3], [child, 3]), clientSock('ESTABLISHED', [[client, 3]]), conn('ESTABLISHED', [PARENT, 4], [child, 4]), ...tw()],
    );

    // The closes (Figure 4.17); the parent blocks in accept again.
    b.ret(PARENT, 'close', 0).call(PARENT, 'accept', { fd: 3 });
    b.ret(child, 'close', 0).call(child, 'read', { fd: 4, count: 4096 });
    b.kernel(
      [P('kernel', 'accept'), C('gate', 'write'), K('gate', 'read')],
      [listen([PARENT, 3]), clientSock('ESTABLISHED', [[client, 3]]), conn('ESTABLISHED', [child, 4]), ...tw()],
    );

    // Echo, then the client closes first.
    b.ret(client, 'write', 6).call(client, 'read', { fd: 3, count: 4096 });
    b.ret(child, 'read', 6, { data: 'hello\n' }).call(child, 'write', { fd: 4, count: 6, data: 'HELLO\n' });
    b.ret(child, 'write', 6).call(child, 'read', { fd: 4, count: 4096 });
    b.ret(client, 'read', 6, { data: 'HELLO\n' }).call(client, 'close', { fd: 3 });
    b.ret(client, 'close', 0).ret(child, 'read', 0, { data: '' }).call(child, 'close', { fd: 4 });
    b.call(client, 'exit', { status: 0 });
    b.kernel(
      [P('kernel', 'accept'), C('gate', 'exit'), K('gate', 'close')],
      [listen([PARENT, 3]), clientSock('FIN_WAIT_2', []), conn('CLOSE_WAIT', [child, 4]), ...tw()],
    );

    // The child closes (the client enters TIME_WAIT), both exit; the SIGCHLD handler interrupts
    // accept and reaps the child with a waitpid loop, and accept is restarted (SA_RESTART).
    b.ret(child, 'close', 0);
    timeWaits.push({ local: cli, since: b.t });
    b.call(child, 'exit', { status: 0 }).exit(child, 0).exit(client, 0);
    b.call(PARENT, 'waitpid', { pid: -1, options: 'WNOHANG' }).ret(PARENT, 'waitpid', child, { status: 0 });
    b.call(PARENT, 'waitpid', { pid: -1, options: 'WNOHANG' }).ret(PARENT, 'waitpid', -1, {}, 'ECHILD');
    b.kernel([P('kernel', 'accept')], [listen([PARENT, 3]), ...tw()]);
    i++;
  }
  b.end();
  return { trace: b.trace(), clients: i };
}
