import { PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents } from '@showcart/shared';
import { io, type Socket } from 'socket.io-client';

export type TRealtimeSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

type TShared = { socket: TRealtimeSocket; users: number; closing?: ReturnType<typeof setTimeout> | undefined };
/** A socket nobody uses is closed after this: going to another page (a new bell) keeps it. */
const LINGER_MS = 2_000;
let shared: TShared | null = null;

/**
 * The page's one connection to the realtime service, shared by whatever needs it (the
 * bell, a show): one socket per tab, not one per component. Each user takes it with
 * `acquire` and gives it back with the function that returns; the last one closes it (a
 * moment later, so the next page's bell takes the same one). A
 * socket closed for good (the session ended) is not handed out again, nor one forgotten
 * because someone else signed in or out (the server knows a socket's user by the cookie it
 * connected with): the next user gets a new one.
 */
export const acquireSocket = (): { socket: TRealtimeSocket; release: () => void } => {
  if (!shared || !shared.socket.active) {
    shared = {
      socket: io({ path: '/socket.io', auth: { protocolVersion: PROTOCOL_VERSION }, withCredentials: true, transports: ['websocket'] }),
      users: 0,
    };
  }
  const entry = shared;
  clearTimeout(entry.closing);
  entry.users++;
  let released = false;
  return {
    socket: entry.socket,
    release: () => {
      if (released) return;
      released = true;
      if (--entry.users > 0) return;
      entry.closing = setTimeout(() => {
        if (entry.users > 0) return;
        entry.socket.disconnect();
        if (shared === entry) shared = null;
      }, LINGER_MS);
    },
  };
};

/** Someone else is signed in now (or no one): the socket made for the one before is not handed out again. */
export const forgetSocket = () => {
  const entry = shared;
  shared = null;
  if (entry && entry.users === 0) {
    clearTimeout(entry.closing);
    entry.socket.disconnect();
  }
};
