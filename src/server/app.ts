// The companion: one loopback HTTP server that serves the web app and, at /ws, the
// WebSocket that runs live lessons. Upgrades are checked (Host, Origin, token) before ws sees them.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { MAX_PLAN_MESSAGE_BYTES, PROTOCOL_VERSION, type ServerMessage } from '../protocol/messages.ts';
import { SCENARIOS } from '../scenarios/index.ts';
import { sandboxAvailability } from './lab/availability.ts';
import { allowedHostNames, bindsAllInterfaces, checkHttpHost, checkUpgrade, checkUpgradePeer, type GuardConfig } from './guard.ts';
import { RunSlots, Session, type SessionLimits } from './session.ts';
import { createStaticHandler } from './static.ts';

export interface CompanionOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  distDir: string;
  /** Whether live runs work here; `sandbox`, whether plans do too (default: live, and the sandbox program built). */
  live: { live: boolean; reason: string | null; sandbox?: boolean };
  limits?: Partial<SessionLimits>;
  token?: string;
  /** Who may frame an embedded lesson (a CSP frame-ancestors source list; default `*`). */
  frameAncestors?: string;
}

export interface Companion {
  server: Server;
  url: string;
  port: number;
  token: string;
  /** End every session (killing its lab processes) and stop listening. */
  close(): Promise<void>;
}

/** Pages connected at once (each may have one live run; runs are capped separately). */
const MAX_CONNECTIONS = 16;

export class PortInUseError extends Error {
  constructor(readonly host: string, readonly port: number) {
    super(`port ${port} on ${host} is in use`);
  }
}

function refuse(socket: Duplex, status: number, reason: string): void {
  const text = status === 400 ? 'Bad Request' : 'Forbidden';
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${reason}\n`);
}

export async function startCompanion(options: CompanionOptions): Promise<Companion> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const limits: SessionLimits = { maxProcesses: 16, maxRuns: 4, ...options.limits };
  const slots = new RunSlots(limits.maxRuns);
  const sessions = new Set<Session>();
  const guard: GuardConfig = { port: options.port, hostNames: allowedHostNames(options.host), token };
  const serveStatic = createStaticHandler(options.distDir, token, { frameAncestors: options.frameAncestors });
  // On every interface, the machine's addresses are read again when a Host is not among them: an
  // interface may have come up (the classroom's network) after the start. Cheap, and only on a miss.
  const hostAllowed = (host: string | undefined): boolean => {
    if (checkHttpHost(host, guard)) return true;
    if (!bindsAllInterfaces(options.host)) return false;
    guard.hostNames = allowedHostNames(options.host);
    return checkHttpHost(host, guard);
  };

  const server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host)) {
      res.writeHead(403, { 'Content-Type': 'text/plain' }).end(`Host "${req.headers.host ?? ''}" is not this companion\n`);
      return;
    }
    serveStatic(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end(`server error: ${err instanceof Error ? err.message : String(err)}\n`);
    });
  });

  const live = { ...options.live, sandbox: options.live.sandbox ?? (options.live.live && sandboxAvailability().live) };
  // Room for a plan; parseClientMessage holds every other message to MAX_CLIENT_MESSAGE_BYTES.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PLAN_MESSAGE_BYTES });
  const hello: ServerMessage = {
    type: 'hello',
    protocol: PROTOCOL_VERSION,
    live: live.live,
    reason: live.reason,
    scenarios: SCENARIOS.map((s) => ({ id: s.id, title: s.title, steps: s.schedule.length + 1 })),
    sandbox: live.sandbox,
  };

  server.on('upgrade', (req, socket, head) => {
    socket.on('error', () => socket.destroy());
    try {
      // Another machine never gets a live run, token or not; its Host may not be known yet either.
      const peer = checkUpgradePeer(req.socket.remoteAddress);
      if (!peer.ok) {
        refuse(socket, peer.status, peer.reason);
        return;
      }
      hostAllowed(req.headers.host);
      const verdict = checkUpgrade(req.url, { host: req.headers.host, origin: req.headers.origin }, guard);
      if (!verdict.ok) {
        refuse(socket, verdict.status, verdict.reason);
        return;
      }
      if (sessions.size >= MAX_CONNECTIONS) {
        refuse(socket, 403, `the companion already has ${MAX_CONNECTIONS} pages connected; close some tabs`);
        return;
      }
      accept(req, socket, head);
    } catch (err) {
      refuse(socket, 400, `bad upgrade request: ${err instanceof Error ? err.message : String(err)}`);
    }
  });

  function accept(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    wss.handleUpgrade(req, socket, head, (ws) => {
      const session = new Session(ws, limits, slots, live);
      sessions.add(session);
      ws.on('error', () => ws.terminate());
      ws.on('message', (data, isBinary) => {
        if (isBinary) {
          ws.send(JSON.stringify({ type: 'error', code: 'bad-message', message: 'binary messages are not accepted' }));
          return;
        }
        session.receive(data.toString());
      });
      ws.on('close', () => {
        sessions.delete(session);
        session.close().catch((err: unknown) => console.error(`forkscope: ending a session: ${err instanceof Error ? err.message : String(err)}`));
      });
      ws.send(JSON.stringify(hello));
    });
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(err.code === 'EADDRINUSE' ? new PortInUseError(options.host, options.port) : err);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(options.port, options.host);
  });
  server.on('error', (err) => console.error(`forkscope: server error: ${err.message}`));

  const port = (server.address() as AddressInfo).port;
  guard.port = port;
  const hostForUrl = options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host;
  const url = `http://${hostForUrl.includes(':') ? `[${hostForUrl}]` : hostForUrl}:${port}/`;

  return {
    server,
    url,
    port,
    token,
    async close() {
      await Promise.all([...sessions].map((s) => s.close().catch(() => undefined)));
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
