import { describe, expect, it } from 'vitest';
import { Ownership, type OwnershipFacts } from '../../src/server/lab/ownership.ts';

// One run: the server binds 127.0.0.1:9877 and listens; a client connects from 127.0.0.1:40001.
const SERV = '127.0.0.1:9877';
const CLI = '127.0.0.1:40001';
const PARENT = 100;
const CLIENT = 200;

const call = (pid: number, fn: string, args: Record<string, string | number> = {}): OwnershipFacts => ({ kind: 'call', pid, fn, args });
const ret = (pid: number, fn: string, r: number, extra: Partial<OwnershipFacts> = {}): OwnershipFacts => ({ kind: 'return', pid, fn, ret: r, ...extra });
const sock = (inode: number, local: string, remote: string) => ({ inode, local, remote });

function run(...events: OwnershipFacts[]): Ownership {
  const o = new Ownership();
  for (const e of events) o.note(e);
  return o;
}

const serverUp = [call(PARENT, 'bind', { fd: 3, addr: SERV }), ret(PARENT, 'bind', 0)];
const clientConnected = [call(CLIENT, 'connect', { fd: 3, addr: SERV }), ret(CLIENT, 'connect', 0, { local: CLI })];

describe('which sockets are the run’s', () => {
  it('takes every socket a lab process holds, whatever its addresses (listener, a socket not yet bound)', () => {
    const o = run();
    const listener = sock(11, SERV, '0.0.0.0:0');
    const unbound = sock(12, '0.0.0.0:0', '0.0.0.0:0');
    expect(o.select([listener, unbound, sock(13, SERV, '0.0.0.0:0')], new Set([11, 12]))).toEqual([listener, unbound]);
  });

  it('knows a connection in the accept queue from its client’s connect, reversed, before any accept names it', () => {
    const o = run(...serverUp, ...clientConnected);
    const queued = sock(0, SERV, CLI);
    expect(o.select([queued], new Set())).toEqual([queued]);
  });

  it('keeps both ends once no descriptor names them: TIME_WAIT, orphaned FIN_WAIT_2', () => {
    const o = run(...serverUp, ...clientConnected, call(PARENT, 'accept', { fd: 3 }), ret(PARENT, 'accept', 4, { local: SERV, peer: CLI }));
    const ends = [sock(0, CLI, SERV), sock(0, SERV, CLI)];
    expect(o.select(ends, new Set())).toEqual(ends);
  });

  it('leaves out an unrelated socket that reuses a lab port number on another address, or another peer', () => {
    const o = run(...serverUp, ...clientConnected);
    const unrelated = [
      sock(0, '127.0.0.3:40001', '127.0.0.2:9877'), // a client's port as its local port, the server's as its remote
      sock(0, '127.0.0.2:9877', '127.0.0.3:40001'),
      sock(0, CLI, '127.0.0.1:5000'), // the client's own address and port, to somewhere else
      sock(77, CLI, SERV), // the run's tuple, but named by a descriptor no lab process holds
    ];
    expect(o.select(unrelated, new Set([11]))).toEqual([]);
  });

  it('leaves out a TIME_WAIT an earlier run left on the same server port', () => {
    const o = run(...serverUp, ...clientConnected);
    expect(o.select([sock(0, '127.0.0.1:39999', SERV), sock(0, SERV, '127.0.0.1:39999')], new Set())).toEqual([]);
  });

  it('takes the server end of an outside program’s connection once the lab accepts it, never the outside end', () => {
    const OUT = '127.0.0.1:45555';
    const before = run(...serverUp);
    expect(before.select([sock(0, SERV, OUT)], new Set())).toEqual([]); // queued: not known to be the run's
    const o = run(...serverUp, call(PARENT, 'accept', { fd: 3 }), ret(PARENT, 'accept', 4, { local: SERV, peer: OUT }));
    expect(o.select([sock(0, SERV, OUT), sock(0, OUT, SERV)], new Set())).toEqual([sock(0, SERV, OUT)]);
  });

  it('takes only the client’s end of a connection to an address no lab process bound', () => {
    const ELSEWHERE = '127.0.0.1:5000';
    const o = run(...serverUp, call(CLIENT, 'connect', { fd: 3, addr: ELSEWHERE }), ret(CLIENT, 'connect', 0, { local: CLI }));
    expect(o.select([sock(0, CLI, ELSEWHERE), sock(0, ELSEWHERE, CLI)], new Set())).toEqual([sock(0, CLI, ELSEWHERE)]);
  });

  it('counts a connection to a wildcard bind as the server’s', () => {
    const o = run(call(PARENT, 'bind', { fd: 3, addr: '0.0.0.0:9877' }), ret(PARENT, 'bind', 0), ...clientConnected);
    expect(o.select([sock(0, SERV, CLI)], new Set())).toEqual([sock(0, SERV, CLI)]);
  });

  it('learns nothing from calls that failed (a bind with EADDRINUSE, a refused connect)', () => {
    const o = run(
      call(PARENT, 'bind', { fd: 3, addr: SERV }),
      ret(PARENT, 'bind', -1),
      call(CLIENT, 'connect', { fd: 3, addr: SERV }),
      ret(CLIENT, 'connect', -1),
      call(CLIENT + 1, 'connect', { fd: 3, addr: SERV }),
      ret(CLIENT + 1, 'connect', 0, { local: CLI }),
    );
    // The second client's connect succeeded, but to an address no lab process bound: its end only.
    expect(o.select([sock(0, SERV, CLI), sock(0, CLI, SERV)], new Set())).toEqual([sock(0, CLI, SERV)]);
  });

  it('pairs a return with its own call when a signal handler’s call comes between', () => {
    const o = run(
      ...serverUp,
      call(CLIENT, 'connect', { fd: 3, addr: SERV }),
      call(CLIENT, 'waitpid', { pid: -1 }),
      ret(CLIENT, 'waitpid', 0),
      ret(CLIENT, 'connect', 0, { local: CLI }),
    );
    expect(o.isEnd(SERV, CLI) && o.isEnd(CLI, SERV)).toBe(true);
  });
});
