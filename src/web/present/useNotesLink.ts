// Both ends of the notes channel (notesChannel.ts). The presenting window hosts it: it says
// what the room sees after every change and obeys the notes window's steps. The notes window
// listens, and sends steps.

import { useEffect, useRef, useState } from 'react';
import { encodeNotesMessage, notesChannelName, parseNotesMessage, type NotesMessage, type StepCommand } from './notesChannel.ts';

type StateMessage = Extract<NotesMessage, { type: 'state' }>;

export interface NotesHostInput {
  /** Host the channel (while presenting). */
  active: boolean;
  lesson: string;
  part: string;
  /** What the room sees now. */
  state: Omit<StateMessage, 'type'>;
  onCommand: (command: StepCommand) => void;
  onSeek: (step: number) => void;
}

export function useNotesHost({ active, lesson, part, state, onCommand, onSeek }: NotesHostInput): void {
  const channel = useRef<BroadcastChannel | null>(null);
  const latest = useRef({ state, onCommand, onSeek });
  latest.current = { state, onCommand, onSeek };

  useEffect(() => {
    if (!active || typeof BroadcastChannel === 'undefined') return;
    const ch = new BroadcastChannel(notesChannelName(lesson, part));
    channel.current = ch;
    const say = (m: NotesMessage) => ch.postMessage(encodeNotesMessage(m));
    ch.onmessage = (e: MessageEvent) => {
      const m = parseNotesMessage(e.data);
      if (!m) return;
      if (m.type === 'hello') say({ type: 'state', ...latest.current.state });
      else if (m.type === 'command') latest.current.onCommand(m.command);
      else if (m.type === 'seek') latest.current.onSeek(m.step);
    };
    say({ type: 'state', ...latest.current.state });
    const bye = () => say({ type: 'bye' });
    window.addEventListener('pagehide', bye);
    return () => {
      window.removeEventListener('pagehide', bye);
      bye();
      ch.close();
      channel.current = null;
    };
  }, [active, lesson, part]);

  const { shown, asking, total, title, narration } = state;
  useEffect(() => {
    channel.current?.postMessage(encodeNotesMessage({ type: 'state', shown, asking, total, title, narration }));
  }, [active, shown, asking, total, title, narration]);
}

export type NotesLink =
  | { status: 'waiting' }
  | { status: 'connected'; state: StateMessage }
  /** The presenting window said goodbye, or the window that opened this one has closed. */
  | { status: 'gone'; state: StateMessage | null };

export function useNotesClient(lesson: string, part: string): { link: NotesLink; send: (m: NotesMessage) => boolean } {
  const [link, setLink] = useState<NotesLink>({ status: 'waiting' });
  const channel = useRef<BroadcastChannel | null>(null);
  useEffect(() => {
    if (typeof BroadcastChannel === 'undefined') return;
    const ch = new BroadcastChannel(notesChannelName(lesson, part));
    channel.current = ch;
    ch.onmessage = (e: MessageEvent) => {
      const m = parseNotesMessage(e.data);
      if (m?.type === 'state') setLink({ status: 'connected', state: m });
      else if (m?.type === 'bye') setLink((l) => ({ status: 'gone', state: l.status === 'waiting' ? null : l.state }));
    };
    ch.postMessage(encodeNotesMessage({ type: 'hello' }));
    // A window closed without its pagehide said goodbye: the opener tells.
    const opener = window.opener as Window | null;
    const watch = opener
      ? window.setInterval(() => {
          if (opener.closed) setLink((l) => (l.status === 'gone' ? l : { status: 'gone', state: l.status === 'waiting' ? null : l.state }));
        }, 1000)
      : undefined;
    return () => {
      if (watch !== undefined) window.clearInterval(watch);
      ch.close();
      channel.current = null;
    };
  }, [lesson, part]);
  const send = (m: NotesMessage): boolean => {
    if (!channel.current) return false;
    channel.current.postMessage(encodeNotesMessage(m));
    return true;
  };
  return { link, send };
}
