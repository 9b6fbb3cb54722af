// The dropper (src/lab/dropper.c, docs/drops.md) on this kernel, without the runner: a one-shot
// eBPF socket filter attached from outside the process (pidfd_getfd) loses exactly one segment of
// its kind at one socket, the socket is held in the state the lost segment would have ended, and
// the sender's retransmission ends the hold. Sockets are Node's own (the dropper takes their
// descriptors from this test's process); the states are what sock_diag reports.

import net from 'node:net';
import { spawnSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { labAvailability, labPath } from '../../src/server/lab/availability.ts';
import { armDrop, dropperPath, type ArmedDrop } from '../../src/server/lab/dropper.ts';
import { socketFds } from '../../src/server/lab/procfs.ts';
import { ResilientObserver, type ObservedSocket } from '../../src/server/lab/sockets.ts';
import type { DropSegment } from '../../src/plan/types.ts';

const ROOT = process.getuid?.() === 0;
const labDir = labAvailability().labDir;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const fdOf = (s: net.Socket | net.Server) => (s as unknown as { _handle: { fd: number } })._handle.fd;
/** The inode of the socket this process's descriptor `fd` names (as the runner finds it). */
const inodeOf = (fd: number) => socketFds(process.pid).find((s) => s.fd === fd)!.inode;

interface Pair {
  server: net.Server;
  port: number;
  client: net.Socket;
  conn: net.Socket;
}

const opened: { close(): void }[] = [];
afterEach(() => {
  while (opened.length) opened.pop()!.close();
});

async function listen(): Promise<{ server: net.Server; port: number; accepted: Promise<net.Socket> }> {
  const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
  let take!: (s: net.Socket) => void;
  const accepted = new Promise<net.Socket>((r) => (take = r));
  server.on('connection', (s) => take(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  opened.push({ close: () => server.close() });
  return { server, port: (server.address() as net.AddressInfo).port, accepted };
}

async function pair(): Promise<Pair> {
  const { server, port, accepted } = await listen();
  const client = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  client.on('error', () => undefined);
  await new Promise<void>((r) => client.on('connect', () => r()));
  const conn = await accepted;
  conn.on('error', () => undefined);
  opened.push({ close: () => (client.destroy(), conn.destroy()) });
  return { server, port, client, conn };
}

async function observer(): Promise<ResilientObserver> {
  const o = await ResilientObserver.open(labPath('sockdiag', labDir));
  opened.push(o);
  return o;
}

/** The states of the connection on `port` (not the listener), sorted, each with its local port. */
async function states(o: ResilientObserver, port: number): Promise<string[]> {
  const all: ObservedSocket[] = await o.sample([port]);
  return all
    .filter((s) => s.state !== 'LISTEN')
    .map((s) => `${s.local.endsWith(`:${port}`) ? 'server' : 'client'} ${s.state}`)
    .sort();
}

/** Sample until `want` is seen (the hold), then until the drop's retransmission got through. */
async function holdThenRelease(o: ResilientObserver, port: number, drop: ArmedDrop, want: string[]): Promise<{ held: string[]; after: string[] }> {
  let held: string[] = [];
  for (let i = 0; i < 400 && drop.state !== 'passed'; i++) {
    held = await states(o, port);
    if (want.every((w) => held.includes(w))) break;
    await sleep(2);
  }
  const times = await drop.passed;
  expect(times).not.toBeNull();
  expect(times!.passedAt).toBeGreaterThan(times!.droppedAt);
  await sleep(20);
  return { held, after: await states(o, port) };
}

async function arm(s: net.Socket | net.Server, segment: DropSegment): Promise<ArmedDrop> {
  const drop = await armDrop(labDir, process.pid, fdOf(s), inodeOf(fdOf(s)), segment);
  opened.push(drop);
  return drop;
}

describe.runIf(ROOT)('a drop armed on a socket as root', () => {
  it('on a listener, loses the handshake\'s last ACK: the server end is held in SYN_RECEIVED until the SYN-ACK comes again', async () => {
    const o = await observer();
    const { server, port } = await listen();
    const drop = await arm(server, 'ACK');
    const client = net.connect({ port, host: '127.0.0.1' });
    client.on('error', () => undefined);
    opened.push({ close: () => client.destroy() });
    const { held, after } = await holdThenRelease(o, port, drop, ['client ESTABLISHED', 'server SYN_RECEIVED']);
    expect(held).toEqual(['client ESTABLISHED', 'server SYN_RECEIVED']);
    expect(after).toEqual(['client ESTABLISHED', 'server ESTABLISHED']);
  });

  it('on the closer, loses the ACK of its FIN: FIN_WAIT_1 is held after close, until the FIN comes again', async () => {
    const o = await observer();
    const { port, client } = await pair();
    const drop = await arm(client, 'ACK');
    client.destroy(); // close(2): the socket is an orphan now, and the filter stays on it
    const { held, after } = await holdThenRelease(o, port, drop, ['client FIN_WAIT_1', 'server CLOSE_WAIT']);
    expect(held).toEqual(['client FIN_WAIT_1', 'server CLOSE_WAIT']);
    expect(after).toEqual(['client FIN_WAIT_2', 'server CLOSE_WAIT']);
  });

  it('on the passive closer, loses the last ACK: LAST_ACK is held until its FIN comes again and TIME_WAIT answers it', async () => {
    const o = await observer();
    const { port, client, conn } = await pair();
    client.destroy();
    while (!(await states(o, port)).includes('server CLOSE_WAIT')) await sleep(2);
    const drop = await arm(conn, 'ACK');
    conn.destroy();
    const { held, after } = await holdThenRelease(o, port, drop, ['client TIME_WAIT', 'server LAST_ACK']);
    expect(held).toEqual(['client TIME_WAIT', 'server LAST_ACK']);
    expect(after).toEqual(['client TIME_WAIT']);
  });

  it('losing one FIN, and both ends shutting down before its retransmission, holds CLOSING', async () => {
    const o = await observer();
    const { port, client, conn } = await pair();
    const drop = await arm(conn, 'FIN');
    client.end(); // shutdown(SHUT_WR): its FIN is lost
    while (drop.state === 'armed') await sleep(1);
    conn.end(); // the server's FIN does not acknowledge the client's
    const { held, after } = await holdThenRelease(o, port, drop, ['client CLOSING', 'server FIN_WAIT_2']);
    expect(held).toEqual(['client CLOSING', 'server FIN_WAIT_2']);
    expect(after).toEqual(['client TIME_WAIT', 'server TIME_WAIT']);
  });

  it('refuses a descriptor that names another socket than the inode it was given (a reused pid), and attaches nothing', async () => {
    const { client, conn } = await pair();
    const other = inodeOf(fdOf(client));
    await expect(armDrop(labDir, process.pid, fdOf(conn), other, 'data')).rejects.toMatchObject({
      code: 'lab-failed',
      message: `the dropper refused to drop at pid ${process.pid} fd ${fdOf(conn)}: pid ${process.pid} fd ${fdOf(conn)} is socket inode ${inodeOf(fdOf(conn))}, not the expected socket inode ${other}: the process that held it has ended or closed it (a reused pid?); nothing attached`,
    });
    const r = spawnSync(dropperPath(labDir), [String(process.pid), String(fdOf(conn)), String(other), 'data'], { encoding: 'utf8' });
    expect(r.status).toBe(3);
    expect(JSON.parse(r.stdout.trim())).toMatchObject({ kind: 'refused' });
    // no filter on conn: the first data segment arrives
    conn.resume();
    const got = new Promise<string>((r) => conn.once('data', (b: Buffer) => r(b.toString())));
    client.write('hello\n');
    expect(await got).toBe('hello\n');
  });

  it('loses one data segment, and only one: its retransmission is read', async () => {
    const { client, conn } = await pair();
    const drop = await arm(conn, 'data');
    client.write('hello\n');
    const times = await drop.passed;
    expect(times).not.toBeNull();
    conn.resume();
    const got = await new Promise<string>((r) => conn.once('data', (b: Buffer) => r(b.toString())));
    expect(got).toBe('hello\n');
    expect(drop.state).toBe('passed');
  });
});

describe.runIf(ROOT && spawnSync('setpriv', ['--version']).status === 0)('a drop without privilege', () => {
  it('is refused by the runner with the reason and what it needs', async () => {
    const { server } = await listen();
    const nobody = ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups'];
    await expect(armDrop(labDir, process.pid, fdOf(server), inodeOf(fdOf(server)), 'ACK', nobody)).rejects.toMatchObject({
      code: 'lab-unavailable',
      message: expect.stringMatching(/^cannot drop segments here \(bpf\(BPF_MAP_CREATE\): Operation not permitted\): a drop step needs root/),
    });
  });

  it('is refused when the dropper is not built', async () => {
    await expect(armDrop('/nonexistent', process.pid, 0, 1, 'ACK')).rejects.toMatchObject({ code: 'lab-unavailable', message: expect.stringContaining('not built') });
  });

  it('is refused with the reason, and the socket is left as it was', () => {
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', dropperPath(labDir), String(process.pid), '0', '1', 'ACK'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const line = JSON.parse(r.stdout.trim()) as { kind: string; errno: string; error: string };
    expect(line.kind).toBe('unavailable');
    expect(line.errno).toBe('EPERM');
    expect(line.error).toMatch(/^bpf\(/);
  });
});

describe('the dropper\'s arguments', () => {
  it.each([
    ['a pid that is not a number', ['12x', '3', '1', 'ACK']],
    ['a negative descriptor', ['1', '-3', '1', 'ACK']],
    ['an inode out of range', ['1', '3', '99999999999999999999', 'ACK']],
    ['no inode', ['1', '3', 'ACK']],
  ])('refuses %s with its usage, exit 2', (_, args) => {
    const r = spawnSync(dropperPath(labDir), args, { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('usage: dropper PID FD INODE SYN-ACK|ACK|FIN|data');
    expect(r.stdout).toBe('');
  });
});
