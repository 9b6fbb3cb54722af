// A run's kernel snapshots show the run's sockets and nothing else, though other programs on the
// machine use the same port numbers: a listener and connections on other loopback addresses with
// the lab server's port and a client's ephemeral port as their own, an orphaned FIN_WAIT_2 and a
// TIME_WAIT among them, and a TIME_WAIT an earlier run left towards the same server port.

import { createServer, connect, type Server, type Socket } from 'node:net';
import { beforeAll, describe, expect, it } from 'vitest';
import { concurrent } from '../../src/scenarios/concurrent.ts';
import { readProcNetTcp, type ObservedSocket } from '../../src/server/lab/sockets.ts';
import type { KernelEvent, KernelSocket } from '../../src/trace/types.ts';
import { clientPort, kernels, Recorder, returns, runScenario, startRun, stepThrough } from './helpers.ts';

/** Unrelated sockets: servers and connections of this test process, not of any lab process. */
class Outsiders {
  private readonly servers: Server[] = [];
  private readonly sockets: Socket[] = [];

  async listen(host: string, port: number): Promise<void> {
    const server = createServer({ allowHalfOpen: true }, (s) => this.sockets.push(s));
    this.servers.push(server);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, exclusive: true }, resolve);
    });
  }

  /** Connect, and resolve once the server's side has been accepted too. */
  async connect(opts: { host: string; port: number; localAddress?: string; localPort?: number }): Promise<Socket> {
    const accepted = this.sockets.length;
    const s = connect({ ...opts, allowHalfOpen: true });
    this.sockets.push(s);
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.once('connect', resolve);
    });
    while (this.sockets.length < accepted + 2) await new Promise((r) => setImmediate(r));
    return s;
  }

  /** The server's side of a connection, by the client's local port. */
  accepted(client: Socket): Socket {
    const s = this.sockets.find((x) => x !== client && x.remotePort === client.localPort && x.remoteAddress === client.localAddress);
    if (!s) throw new Error('no accepted side');
    return s;
  }

  close(): void {
    for (const s of this.sockets) s.destroy();
    for (const server of this.servers) server.close();
  }
}

const closed = (s: Socket) => new Promise<void>((resolve) => (s.destroyed ? resolve() : s.once('close', () => resolve())));
const ended = (s: Socket) => new Promise<void>((resolve) => s.once('end', () => resolve()));

/** The lab's programs use only these addresses; the outsiders use 127.0.0.2 and 127.0.0.3 too. */
const LAB = /^(127\.0\.0\.1|0\.0\.0\.0):\d+$/;
const tuple = (s: { local: string; remote: string }) => `${s.local} ${s.remote}`;
const notLab = (s: ObservedSocket) => !LAB.test(s.local) || !LAB.test(s.remote);

/** Wait (bounded) until the kernel shows what the test arranged: a closing socket passes FIN_WAIT_1 and LAST_ACK. */
async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; !ok(); i++) {
    if (i > 500) throw new Error(`the kernel never showed ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

let earlier: { rec: Recorder; port: number };
let rec: Recorder;
let port: number;
let client: number;
let earlierTimeWait: ObservedSocket | undefined;
/** What a selection by port number would have found, besides the run's own sockets. */
const byPort: ObservedSocket[] = [];
const outsiders = new Outsiders();

beforeAll(async () => {
  // An earlier run on the same port: its client (who closed first) leaves a TIME_WAIT towards it.
  earlier = await runScenario(concurrent);
  const started = await startRun({ scenario: concurrent, port: earlier.port });
  const run = started.run;
  rec = started.rec;
  port = run.port;
  try {
    earlierTimeWait = readProcNetTcp([port]).find((s) => s.state === 'TIME_WAIT' && s.local === `127.0.0.1:${clientPort(earlier.rec, 'client#1')}`);

    await stepThrough(run, rec, 'client-connect');
    client = clientPort(rec, 'client#1');
    // Other programs on the machine reuse both port numbers: the server's and the client's.
    await outsiders.listen('127.0.0.2', port);
    await outsiders.listen('127.0.0.2', client);
    const fromClientPort = await outsiders.connect({ host: '127.0.0.2', port, localAddress: '127.0.0.3', localPort: client });
    await outsiders.connect({ host: '127.0.0.2', port: client, localAddress: '127.0.0.3', localPort: port });
    const toServerPort = await outsiders.connect({ host: '127.0.0.2', port });
    byPort.push(...readProcNetTcp([port, client]).filter(notLab));

    await stepThrough(run, rec, 'child-read-blocks');
    // A TIME_WAIT on the client's port number (the outsider closes first) …
    const peer = outsiders.accepted(fromClientPort);
    fromClientPort.end();
    await ended(peer);
    peer.end();
    await Promise.all([closed(fromClientPort), closed(peer)]);
    // … and an orphaned FIN_WAIT_2 on the server's port number (its peer never closes).
    const orphan = outsiders.accepted(toServerPort);
    orphan.end();
    await ended(toServerPort);
    orphan.destroy();
    await closed(orphan);
    const unrelated = () => readProcNetTcp([port, client]).filter(notLab);
    await until('the orphaned FIN_WAIT_2 and the TIME_WAIT', () => {
      const states = unrelated().map((s) => s.state);
      return states.includes('FIN_WAIT_2') && states.includes('TIME_WAIT') && !states.includes('FIN_WAIT_1') && !states.includes('LAST_ACK');
    });
    byPort.push(...unrelated());

    while (!run.done) await run.next();
    await run.stop('completed');
  } finally {
    await run.stop();
    outsiders.close();
  }
});

describe('the sockets of a run', () => {
  it('are what the run owns, and the header says so', () => {
    expect(rec.records[0]).toMatchObject({ kind: 'header', sockets: 'owned', network: 'host' });
  });

  it('had company: unrelated sockets with the lab’s port numbers, in every state the test made', () => {
    // Had the run selected sockets by port number, these would be in its snapshots.
    const states = (p: number) => new Set(byPort.filter((s) => s.local.endsWith(`:${p}`)).map((s) => `${s.state} ${s.inode === 0 ? 'orphan' : 'held'}`));
    expect([...states(port)]).toEqual(expect.arrayContaining(['ESTABLISHED held', 'FIN_WAIT_2 orphan', 'LISTEN held']));
    expect([...states(client)]).toEqual(expect.arrayContaining(['ESTABLISHED held', 'LISTEN held', 'TIME_WAIT orphan']));
    expect(earlierTimeWait).toMatchObject({ remote: `127.0.0.1:${port}`, inode: 0 });
  });

  it('never include an unrelated socket in a snapshot', () => {
    const runEnds = new Set<string>();
    for (const r of returns(rec, 'connect', 'client#1')) {
      runEnds.add(`${r.local} 127.0.0.1:${port}`);
      runEnds.add(`127.0.0.1:${port} ${r.local}`);
    }
    const strays: string[] = [];
    for (const k of kernels(rec)) {
      for (const s of k.sockets) {
        const ours = s.holders.length > 0 || (s.inode === 0 && runEnds.has(tuple(s)));
        if (!ours || !LAB.test(s.local)) strays.push(`${k.label}: ${s.state} ${tuple(s)} inode ${s.inode}`);
      }
    }
    expect(strays).toEqual([]);
    const earlierEnd = earlierTimeWait && tuple(earlierTimeWait);
    if (earlierEnd && !runEnds.has(earlierEnd)) expect(kernels(rec).flatMap((k) => k.sockets.filter((s) => tuple(s) === earlierEnd))).toEqual([]);
  });

  it('still include all of the run’s own: the connection in the accept queue, both ends held, the client’s TIME_WAIT', () => {
    const at = (label: string): KernelSocket[] => rec.kernel(label).sockets;
    const server = `127.0.0.1:${port}`;
    const cli = `127.0.0.1:${client}`;
    expect(at('client-connect').find((s) => tuple(s) === `${server} ${cli}`)).toMatchObject({ state: 'ESTABLISHED', inode: 0, holders: [] });
    const served = at('client-write');
    expect(served.map((s) => `${s.state} ${tuple(s)}`).sort()).toEqual(
      [`ESTABLISHED ${cli} ${server}`, `ESTABLISHED ${server} ${cli}`, `LISTEN ${server} 0.0.0.0:0`].sort(),
    );
    const last: KernelEvent = kernels(rec).at(-1)!;
    expect(last.sockets.find((s) => tuple(s) === `${cli} ${server}`)).toMatchObject({ state: 'TIME_WAIT', inode: 0 });
  });
});
