import { CHAT_MAX_LENGTH, isShowOver, type TShowState } from '@showcart/shared';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { TCommandArgs, TShowCommand } from '../show/useShow.ts';
import { chatBlockOf } from '../show/viewer.ts';

/** Minutes a moderator's one-tap mute lasts. */
const QUICK_MUTE_MINUTES = 5;

/**
 * The show's chat. Everyone reads and writes; the host and its moderators can delete
 * messages and mute or ban their authors, and the host can make a viewer a moderator.
 * Messages are rendered as text, never as markup.
 */
export const ChatPanel = ({ state, meId, command, signedOut }: { state: TShowState; meId: string; command: TShowCommand; signedOut?: boolean }) => {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const list = useRef<HTMLOListElement>(null);
  const isHost = state.hostId === meId;
  const isStaff = isHost || state.moderatorIds.includes(meId);
  const over = isShowOver(state.status);
  const mutedUntil = state.mutedUntil[meId] ?? 0;
  // A mute ends by itself: the page looks again when it does.
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const left = mutedUntil - Date.now();
    if (left <= 0) return;
    const timer = setTimeout(() => setNow(Date.now()), Math.min(left + 50, 60_000));
    return () => clearTimeout(timer);
  }, [mutedUntil, now]);
  const blocked = signedOut ? 'Sign in again to chat.' : chatBlockOf(state, meId, now);
  const banned = state.bannedUserIds.includes(meId);

  useEffect(() => {
    list.current?.scrollTo({ top: list.current.scrollHeight });
  }, [state.chat.length]);

  const act = async (reply: ReturnType<TShowCommand>) => {
    const r = await reply;
    setError(r.ok ? null : r.message);
    return r.ok;
  };

  const send = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) return;
    setSending(true);
    if (await act(command('chat:send', { text }))) setText('');
    setSending(false);
  };

  return (
    <section className="chat" aria-label="Chat">
      <h2 className="section-title">
        Chat {state.slowModeSeconds > 0 && <span className="muted">· slow mode {state.slowModeSeconds} s</span>}
      </h2>
      <ol className="chat-list" ref={list} data-testid="chat-list" aria-live="polite" aria-relevant="additions">
        {state.chat.map((m) => (
          <li key={m.messageId} className="chat-message" data-testid="chat-message">
            <strong className={m.userId === state.hostId ? 'chat-host' : undefined}>
              {m.displayName}
              {state.moderatorIds.includes(m.userId) && <span className="badge badge-mod">mod</span>}
            </strong>{' '}
            <span className="chat-text">{m.text}</span>
            {isStaff && m.userId !== meId && m.userId !== state.hostId && !over && (
              <span className="chat-tools">
                <button className="link-button" onClick={() => void act(command('chat:delete', { messageId: m.messageId }))}>Delete</button>
                <button className="link-button" onClick={() => void act(command('user:moderate', { action: 'mute', userId: m.userId, minutes: QUICK_MUTE_MINUTES }))}>
                  Mute {QUICK_MUTE_MINUTES} min
                </button>
                <button className="link-button" onClick={() => void act(command('user:moderate', { action: 'ban', userId: m.userId }))}>Ban</button>
                {isHost && !state.moderatorIds.includes(m.userId) && (
                  <button className="link-button" onClick={() => void act(command('user:moderate', { action: 'moderator', userId: m.userId, on: true }))}>
                    Make moderator
                  </button>
                )}
              </span>
            )}
          </li>
        ))}
        {state.chat.length === 0 && <li className="muted">No messages yet. Say hi!</li>}
      </ol>
      {banned ? (
        <p className="muted" role="status" data-testid="chat-blocked">{blocked}</p>
      ) : over ? (
        <p className="muted">Chat is closed.</p>
      ) : (
        <form className="chat-form" onSubmit={send}>
          <input
            data-testid="chat-input"
            value={text}
            maxLength={CHAT_MAX_LENGTH}
            onChange={(e) => setText(e.target.value)}
            placeholder={blocked ? 'You are muted for now' : 'Ask about sizes, say hi…'}
            aria-label="Chat message"
            disabled={!!blocked}
            aria-describedby={blocked ? 'chat-blocked' : undefined}
          />
          <button data-testid="chat-send" className="button" disabled={sending || !text.trim() || !!blocked}>
            Send
          </button>
        </form>
      )}
      {blocked && !banned && !over && <p className="muted" id="chat-blocked" role="status" data-testid="chat-blocked">{blocked}</p>}
      {error && <p className="error" role="alert">{error}</p>}
    </section>
  );
};

/** The host's chat settings: slow mode and the words the chat refuses. */
export const ChatSettings = ({ state, command }: { state: TShowState; command: TShowCommand }) => {
  const [words, setWords] = useState('');
  const [note, setNote] = useState<string | null>(null);
  const save = async (args: TCommandArgs<'chat:settings'>) => {
    const reply = await command('chat:settings', args);
    setNote(reply.ok ? (reply.bannedWords?.length ? `Blocking: ${reply.bannedWords.join(', ')}` : 'Saved.') : reply.message);
  };
  return (
    <div className="chat-settings">
      <label>
        Slow mode
        <select value={state.slowModeSeconds} onChange={(e) => void save({ slowModeSeconds: Number(e.target.value) })}>
          {[0, 5, 15, 30, 60].map((s) => (
            <option key={s} value={s}>{s === 0 ? 'Off' : `${s} s`}</option>
          ))}
        </select>
      </label>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save({ bannedWords: words.split(',').map((w) => w.trim()).filter((w) => w.length >= 2) });
        }}
      >
        <label>
          Banned words
          <input value={words} onChange={(e) => setWords(e.target.value)} placeholder="comma, separated" />
        </label>
        <button className="button small">Save words</button>
      </form>
      {note && <p className="muted">{note}</p>}
    </div>
  );
};
