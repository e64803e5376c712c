import { PROTOCOL_VERSION, type ClientToServerEvents, type ServerToClientEvents } from '@showcart/shared';
import { io, type Socket } from 'socket.io-client';
import { connectLeanClient, type TLeanClient } from './lean-client.ts';

export type TBenchSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** A full Socket.IO client, for the few a bench needs (a show's host); for many, connectMany. */
export const connectClient = (url: string, cookie: string): Promise<TBenchSocket> =>
  new Promise((resolve, reject) => {
    const socket: TBenchSocket = io(url, {
      transports: ['websocket'],
      extraHeaders: { cookie },
      auth: { protocolVersion: PROTOCOL_VERSION },
      reconnection: false,
      forceNew: true,
    });
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });

/** Many lean clients (lean-client.ts), `batch` connecting at a time. */
export const connectMany = async (url: (i: number) => string, cookies: string[], batch = 200) => {
  const clients: TLeanClient[] = [];
  for (let i = 0; i < cookies.length; i += batch) {
    clients.push(...(await Promise.all(cookies.slice(i, i + batch).map((c, j) => connectLeanClient(url(i + j), c)))));
  }
  return clients;
};

export const emitAck = <R>(socket: TBenchSocket, event: string, payload: unknown): Promise<R> =>
  (socket as unknown as { timeout: (ms: number) => { emitWithAck: (e: string, p: unknown) => Promise<R> } })
    .timeout(30_000)
    .emitWithAck(event, payload);

/** A client op id for a benchmark command: unique enough that retries never collide. */
export const benchOpId = () => `bench${Math.random().toString(36).slice(2, 14)}`;
