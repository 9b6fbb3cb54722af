// The companion's WebSocket as an XState callback actor. It turns socket happenings into
// events for the session machine and sends the machine's ClientMessages. Tests replace it
// through machine.provide({ actors: { socket } }).

import { fromCallback } from 'xstate';
import { parseServerMessage, type ClientMessage, type ServerMessage } from '../../protocol/messages.ts';

export type SocketEvent =
  | { type: 'socket.message'; message: ServerMessage }
  /** The socket could not be opened or failed. */
  | { type: 'socket.failed'; reason: string }
  /** The socket closed (cleanly or not) after it had opened. */
  | { type: 'socket.closed'; reason: string };

export type SocketCommand = { type: 'send'; message: ClientMessage };

export interface SocketInput {
  url: string;
}

export const webSocketActor = fromCallback<SocketCommand, SocketInput, SocketEvent>(({ input, sendBack, receive }) => {
  let opened = false;
  let finished = false;
  let ws: WebSocket;
  try {
    ws = new WebSocket(input.url);
  } catch (err) {
    sendBack({ type: 'socket.failed', reason: err instanceof Error ? err.message : String(err) });
    return () => undefined;
  }
  const finish = (event: SocketEvent) => {
    if (finished) return;
    finished = true;
    sendBack(event);
  };
  ws.addEventListener('open', () => {
    opened = true;
  });
  ws.addEventListener('message', (e: MessageEvent) => {
    const message = parseServerMessage(e.data);
    if (message) sendBack({ type: 'socket.message', message });
  });
  ws.addEventListener('error', () => {
    if (!opened) finish({ type: 'socket.failed', reason: 'the companion could not be reached' });
  });
  ws.addEventListener('close', (e: CloseEvent) => {
    const why = e.reason ? `: ${e.reason}` : '';
    if (opened) finish({ type: 'socket.closed', reason: `the connection to the companion closed${why}` });
    else finish({ type: 'socket.failed', reason: `the companion could not be reached${why}` });
  });
  receive((cmd) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(cmd.message));
  });
  return () => {
    finished = true;
    if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(1000, 'page left the lesson');
  };
});
