// shutdown(SHUT_WR) instead of close, on the real kernel: the FIN goes out though parent and
// child still share the open file.

import { beforeAll, describe, expect, it } from 'vitest';
import { shutdown } from '../../src/scenarios/shutdown.ts';
import { calls, clientSock, exitOf, Recorder, returns, runScenario, serverConn } from './helpers.ts';

let rec: Recorder;
let port: number;
let left: number[];

beforeAll(async () => {
  ({ rec, port, left } = await runScenario(shutdown));
});

describe('shutdown(connfd, SHUT_WR) in the parent', () => {
  it('is a shutdown call on descriptor 4 that succeeds', () => {
    expect(calls(rec, 'shutdown', 'parent').map((c) => c.args)).toEqual([{ fd: 4, how: 'SHUT_WR' }]);
    expect(returns(rec, 'shutdown', 'parent')).toEqual([expect.objectContaining({ ret: 0, errno: null })]);
    expect(calls(rec, 'close', 'parent')).toEqual([]);
  });

  it('puts the client in CLOSE_WAIT while the server’s open file still has count 2', () => {
    const k = rec.kernel('parent-shutdown-connfd');
    expect(clientSock(k, port)?.state).toBe('CLOSE_WAIT');
    expect(serverConn(k, port)?.state).toBe('FIN_WAIT_2');
    expect(rec.holders(serverConn(k, port))).toEqual(['child#1/4', 'parent/4']);
  });

  it('still lets the child read what the client writes (only the sending half is shut)', () => {
    expect(returns(rec, 'read', 'child#1')[0]).toMatchObject({ ret: 13, data: 'hello, world\n' });
    expect(rec.holders(serverConn(rec.kernel('client-write'), port))).toEqual(['child#1/4', 'parent/4']);
  });

  it('gives the client end-of-file although the child never closed the connection', () => {
    const eof = returns(rec, 'read', 'client#1')[0];
    expect(eof).toMatchObject({ ret: 0, errno: null });
    const childCloses = calls(rec, 'close', 'child#1').filter((c) => c.seq < eof!.seq);
    expect(childCloses.map((c) => c.args.fd)).toEqual([3]);
    expect(rec.events.find((e) => e.kind === 'output' && e.role === 'client#1')).toMatchObject({ stream: 'stderr', text: 'str_cli: server terminated prematurely\n' });
  });

  it('makes the child’s write fail: SIGPIPE kills it, and the parent alone holds the socket', () => {
    expect(calls(rec, 'write', 'child#1')).toHaveLength(1);
    expect(returns(rec, 'write', 'child#1')).toEqual([]);
    expect(exitOf(rec, 'child#1')).toMatchObject({ status: null, signal: 'SIGPIPE' });
    expect(rec.holders(serverConn(rec.kernel('child-write-epipe'), port))).toEqual(['parent/4']);
  });

  it('leaves no lab process after the run', () => {
    expect(left).toEqual([]);
    expect(rec.records.at(-1)).toMatchObject({ kind: 'end', reason: 'completed' });
  });
});
