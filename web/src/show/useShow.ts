import {
  emptyShowState,
  type ClientToServerEvents,
  type TErrorBody,
  type TShowEvent,
  type TShowCommand as TShowCommandPayload,
  type TShowState,
} from '@showcart/shared';
import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { newOpId, queryOf } from '../api.ts';
import { acquireSocket, type TRealtimeSocket } from '../realtime.ts';
import { hasGap, receive, type TSequenced } from './sequencer.ts';

type TSocket = TRealtimeSocket;

/** A gap in the seqs that stays open this long makes the client ask for what it missed. */
const GAP_WAIT_MS = 1_000;
/** How long a command waits for its ack before it is sent again (with the same op id). */
const ACK_TIMEOUT_MS = 5_000;
const COMMAND_TRIES = 3;

type TEvents = ClientToServerEvents;
type TPayloadOf<E extends keyof TEvents> = Parameters<TEvents[E]>[0];

/** The show's commands: the events that carry a client op id and are answered with an ack. */
export type TCommandName = {
  [E in keyof TEvents]: TPayloadOf<E> extends TShowCommandPayload ? (Parameters<TEvents[E]>[1] extends (reply: never) => void ? E : never) : never;
}[keyof TEvents];

/** Omit over each member of a union (`user:moderate` is one per action). */
type TOmitEach<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** What a page sends with a command: its payload without the show and op ids, which the hook adds. */
export type TCommandArgs<E extends TCommandName> = TOmitEach<TPayloadOf<E>, keyof TShowCommandPayload>;

/** The server's ack of a command. */
export type TCommandReply<E extends TCommandName> = Parameters<NonNullable<Parameters<TEvents[E]>[1]>>[0];

/** How often an ended show's settlement is looked at until it is settled. */
const SETTLEMENT_POLL_MS = 2_000;

/**
 * What became of an ended show after its live part: settling while its orders are
 * charged, then settled. The live engine knows only that it ended; Postgres knows the rest.
 */
const useSettlement = (showId: string, ended: boolean) => {
  const query = useQuery({
    ...queryOf('shows.get', { params: { id: showId } }),
    enabled: ended,
    refetchInterval: (q) => (q.state.data?.status === 'settled' ? false : SETTLEMENT_POLL_MS),
  });
  const status = query.data?.status;
  return ended && (status === 'settling' || status === 'settled') ? status : undefined;
};

/** The failure every ack may be, also given when no ack arrives. */
type TFailed = Extract<TCommandReply<TCommandName>, { ok: false }>;

/** A handshake refused for these codes will not pass by retrying: the person must sign in again. */
const SIGNED_OUT_CODES: readonly string[] = ['UNAUTHENTICATED', 'SESSION_EXPIRED'];


/**
 * A show's live state: a snapshot on join, then events in seq order. On reconnect or when
 * a gap stays open, it joins again from its last seq and ends in the server's state.
 */
export const useShow = (showId: string) => {
  const [sequenced, setSequenced] = useState<TSequenced>({ state: emptyShowState(), ahead: [] });
  const [connected, setConnected] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [viewers, setViewers] = useState<number | null>(null);
  const socketRef = useRef<TSocket | null>(null);
  /** Set once the server ended the session: commands are refused here and nothing reconnects. */
  const endedRef = useRef<TErrorBody | null>(null);
  /** The same, for the page: it offers to sign in again and turns its controls off. */
  const [signedOut, setSignedOut] = useState(false);

  useEffect(() => {
    // The tab's one socket, shared with the bell: this show's handlers come off it on leaving.
    const { socket, release } = acquireSocket();
    socketRef.current = socket;
    let current: TSequenced = { state: emptyShowState(), ahead: [] };
    let gapTimer: ReturnType<typeof setTimeout> | undefined;
    const update = (next: TSequenced) => {
      current = next;
      setSequenced(next);
      if (hasGap(next) && !gapTimer) {
        gapTimer = setTimeout(() => {
          gapTimer = undefined;
          if (hasGap(current)) void join();
        }, GAP_WAIT_MS);
      }
    };
    const join = async () => {
      const since = current.state.seq;
      try {
        const ack = await socket
          .timeout(ACK_TIMEOUT_MS)
          .emitWithAck('show:join', since > 0 ? { showId, sinceSeq: since } : { showId });
        if (!ack.ok) {
          setError(ack.message);
          return;
        }
        setError(null);
        if (ack.mode === 'snapshot') {
          update(receive({ state: ack.state, ahead: current.ahead.filter((e) => e.seq > ack.state.seq) }, []));
        } else {
          update(receive(current, ack.events));
        }
      } catch {
        setError('Could not reach the show; retrying…');
      }
    };
    const onConnect = () => {
      setConnected(true);
      void join();
    };
    const onDisconnect = () => setConnected(false);
    const onConnectError = (e: Error & { data?: { code?: string } }) => {
      if (e.data?.code && SIGNED_OUT_CODES.includes(e.data.code)) {
        endedRef.current = { code: e.data.code as TErrorBody['code'], message: e.message };
        setError(e.message);
        setSignedOut(true);
      } else {
        setError(e.message);
      }
    };
    // Signed out in another tab, expired, or ended everywhere: the server says why, then closes.
    const onSessionEnded = (ended: { code: TErrorBody['code']; message: string }) => {
      endedRef.current = { code: ended.code, message: ended.message };
      setError(ended.message);
      setSignedOut(true);
      socket.disconnect();
    };
    const onEvents = (events: TShowEvent[]) => update(receive(current, events));
    const onViewers = (p: { showId: string; count: number }) => {
      if (p.showId === showId) setViewers(p.count);
    };
    socket.on('connect', onConnect);
    socket.on('disconnect', onDisconnect);
    socket.on('connect_error', onConnectError);
    socket.on('session:ended', onSessionEnded);
    socket.on('show:events', onEvents);
    socket.on('show:viewers', onViewers);
    // The bell may have connected it already.
    if (socket.connected) onConnect();
    return () => {
      clearTimeout(gapTimer);
      socket.off('connect', onConnect);
      socket.off('disconnect', onDisconnect);
      socket.off('connect_error', onConnectError);
      socket.off('session:ended', onSessionEnded);
      socket.off('show:events', onEvents);
      socket.off('show:viewers', onViewers);
      if (socket.connected) socket.emit('show:leave', { showId });
      release();
      socketRef.current = null;
    };
  }, [showId]);

  /** Sends a command; a lost ack is retried with the same op id, so it happens once. */
  const command = useCallback(
    async <E extends TCommandName>(event: E, args: TCommandArgs<E>): Promise<TCommandReply<E> | TFailed> => {
      const socket = socketRef.current;
      if (endedRef.current) return { ok: false, ...endedRef.current };
      if (!socket) return { ok: false, code: 'UNAVAILABLE', message: 'Not connected.' };
      const payload = { showId, clientOpId: newOpId(), ...args } as TPayloadOf<E>;
      for (let attempt = 1; ; attempt++) {
        try {
          const timed = socket.timeout(ACK_TIMEOUT_MS) as unknown as {
            emitWithAck: (e: E, p: TPayloadOf<E>) => Promise<TCommandReply<E>>;
          };
          return await timed.emitWithAck(event, payload);
        } catch {
          if (attempt >= COMMAND_TRIES) {
            return { ok: false, code: 'UNAVAILABLE', message: 'No answer from the show; check your connection.' };
          }
        }
      }
    },
    [showId],
  );

  const settlement = useSettlement(showId, sequenced.state.status === 'ended');
  const state: TShowState = settlement ? { ...sequenced.state, status: settlement } : sequenced.state;
  return { state, connected, error, signedOut, command, viewers };
};

export type TShowCommand = ReturnType<typeof useShow>['command'];

