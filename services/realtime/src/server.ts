import { randomUUID } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import { appErrorFromDb, NOTIFICATIONS_CHANNEL, readShowLog, SESSION_ENDED_CHANNEL, showKeys } from '@showcart/common';
import {
  checkSession,
  claimItem,
  deleteChatMessage,
  endShow,
  featureEntry,
  moderateUser,
  openShow,
  resolveSocketSession,
  sendChat,
  SessionEndedError,
  sessionTokenFromCookieHeader,
  setChatSettings,
  setEntryPrice,
  startShow,
  updateShowEntry,
  ZSessionsEnded,
  type TSessionUser,
  type TSocketSession,
} from '@showcart/domain';
import {
  AppError,
  MAX_SOCKET_PAYLOAD_BYTES,
  MIN_PROTOCOL_VERSION,
  reduceShowEvents,
  SESSION_END_REASONS,
  ZChatDelete,
  ZChatSend,
  ZClaimVoid,
  ZChatSettings,
  ZEntryCommand,
  ZEntryUpdate,
  ZHandshakeAuth,
  ZPriceChange,
  ZQueueReorder,
  ZShowCommand,
  ZShowJoin,
  ZUserModerate,
  ZNotificationNew,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type TAck,
  type TErrorBody,
  type TSessionEndReason,
  type TShowEvent,
} from '@showcart/shared';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { Server, type Socket } from 'socket.io';
import { z } from 'zod';
import type { TRealtimeDeps } from './deps.ts';
import { createLogTailer } from './log-tailer.ts';
import { createOutbox } from './outbox.ts';
import { writeToRoom } from './room-writer.ts';

type TSocketData = { user: TSessionUser; session: TSocketSession };
type TIo = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, TSocketData>;
type TSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, TSocketData>;

/** A client this far behind reloads a snapshot instead of replaying events. */
const MAX_CATCH_UP_EVENTS = 500;
/** Commands a user may send per second on one node; bursts above it get RATE_LIMITED. */
const COMMANDS_PER_SECOND = 20;
/** Chat messages a user may send in a show per window, across all nodes. */
const CHAT_MESSAGES = 5;
const CHAT_WINDOW_SECONDS = 10;

/** How often a node reports its viewers of each show and sends everyone the total. */
const PRESENCE_INTERVAL_MS = 1_000;
/** A node's report older than this no longer counts (the node is gone). */
const PRESENCE_STALE_MS = 5_000;

/** How often a node looks for waitlist offers whose time is up, in the shows it follows. */
const OFFER_SWEEP_MS = 500;

/** How often a node closes the sockets of sessions that have expired: they close at most this late. */
const SESSION_EXPIRY_SWEEP_MS = 1_000;
/** Sessions checked at once when a node looks at all of its own again (after a lost subscription). */
const SESSION_RECHECK_BATCH = 100;

const roomOf = (showId: string) => `show:${showId}`;
/** Every socket is in its session's room, so that all of a session's sockets close at once. */
const sessionRoomOf = (sessionId: string) => `session:${sessionId}`;
/** Every socket of a signed-in user, on this node: where its notifications go. */
const userRoomOf = (userId: string) => `user:${userId}`;
/** What the worker publishes on NOTIFICATIONS_CHANNEL: a fan-out batch's new unread rows. */
const ZNotificationBatch = z.object({ items: z.array(ZNotificationNew.extend({ userId: z.string() })) });

/** `show:leave` takes no ack; a bad payload is ignored. */
const ZShowLeave = ZShowJoin.pick({ showId: true });

/** What a client is told of an error: ours, or a value the database refused; undefined for a fault of ours. */
const toErrorBody = (error: unknown): TErrorBody | undefined =>
  error instanceof AppError ? error.toBody() : appErrorFromDb(error)?.toBody();

/**
 * The live show engine over Socket.IO. Handlers parse, then call one domain function
 * (services/domain: the engine's commands, or a step around them), which appends each
 * accepted command's event to the show's log; every node follows the logs of its shows and
 * emits their events to its own sockets in seq order.
 */
export const createRealtime = (
  httpServer: HttpServer,
  deps: TRealtimeDeps,
  opts: {
    /**
     * Leaves out the session check of each command; only `npm run bench:session` sets it
     * (BENCH_SKIP_SESSION_CHECK in main.ts), to measure what the check costs a claim.
     */
    skipCommandSessionCheck?: boolean;
  } = {},
) => {
  const { db, redis, logger, engine } = deps;
  const limiter = new RateLimiterMemory({ points: COMMANDS_PER_SECOND, duration: 1 });
  const chatLimiter = new RateLimiterRedis({
    storeClient: redis,
    keyPrefix: 'rl:chat',
    points: CHAT_MESSAGES,
    duration: CHAT_WINDOW_SECONDS,
  });
  const io: TIo = new Server(httpServer, {
    maxHttpBufferSize: MAX_SOCKET_PAYLOAD_BYTES,
    cors: { origin: new URL(deps.config.publicUrl).origin, credentials: true },
    adapter: createAdapter(deps.adapterRedis),
    serveClient: false,
  });

  io.use(async (socket, next) => {
    try {
      const auth = ZHandshakeAuth.safeParse(socket.handshake.auth);
      if (!auth.success) throw new AppError('INVALID_INPUT', 'The handshake must carry protocolVersion.');
      if (auth.data.protocolVersion < MIN_PROTOCOL_VERSION) throw new AppError('PROTOCOL_TOO_OLD');
      const { user, session } = await resolveSocketSession(db, sessionTokenFromCookieHeader(socket.handshake.headers.cookie));
      socket.data.user = user;
      socket.data.session = session;
      next();
    } catch (error) {
      const body = toErrorBody(error) ?? { code: 'INTERNAL', message: 'Could not connect.' };
      if (!(error instanceof AppError)) logger.error({ err: error }, 'socket handshake failed');
      next(Object.assign(new Error(body.message), { data: body }));
    }
  });

  // Events reach this node's sockets only through the show's log, in log order; the
  // command handlers never emit them themselves.
  const tailer = createLogTailer({ blocking: deps.tailRedis, control: redis, logger });
  // The log's entries are the events' JSON: they go out as they are, never parsed here.
  const outbox = createOutbox<string>((showId, jsons) =>
    writeToRoom(io as unknown as Server, roomOf(showId), 'show:events', `[${jsons.join(',')}]`));
  const follow = (showId: string) => tailer.follow(showId, (jsons) => outbox.push(showId, jsons));
  // Viewer counts: each node writes its own count per show and reads the others'.
  const nodeId = randomUUID();
  const lastCount = new Map<string, number>();
  const presence = setInterval(() => {
    for (const showId of tailer.followed()) {
      void (async () => {
        const key = showKeys(showId).presence;
        const local = io.of('/').adapter.rooms.get(roomOf(showId))?.size ?? 0;
        const now = Date.now();
        await redis.hset(key, nodeId, `${local}:${now}`);
        await redis.pexpire(key, PRESENCE_STALE_MS * 2);
        let count = 0;
        for (const value of Object.values(await redis.hgetall(key))) {
          const [viewers, at] = value.split(':').map(Number) as [number, number];
          if (now - at < PRESENCE_STALE_MS) count += viewers;
        }
        if (lastCount.get(showId) !== count) {
          lastCount.set(showId, count);
          io.local.to(roomOf(showId)).emit('show:viewers', { showId, count });
        }
      })().catch((error: unknown) => logger.error({ err: error, showId }, 'presence update failed'));
    }
  }, PRESENCE_INTERVAL_MS);

  // Any node may expire an offer: the script re-checks the deadline, so doing it twice is harmless.
  const sweeper = setInterval(() => {
    for (const showId of tailer.followed()) {
      engine.expireOffers(showId).catch((error: unknown) => logger.error({ err: error, showId }, 'expiring offers failed'));
    }
  }, OFFER_SWEEP_MS);
  io.of('/').adapter.on('delete-room', (room: string) => {
    if (!room.startsWith('show:')) return;
    const showId = room.slice('show:'.length);
    outbox.drop(showId);
    lastCount.delete(showId);
    void redis.hdel(showKeys(showId).presence, nodeId).catch(() => {});
    void tailer.unfollow(showId);
  });

  // A session ends on every socket that carries it, on every node: the api (or any process
  // that ends sessions) publishes their ids, and each node closes its own sockets of them,
  // telling them why first. A node that missed a notice (its subscription was down) checks
  // its sessions again when it is back; every command checks its session anyway.
  /** The sessions this node has sockets of, with when each expires (ms). */
  const sessionExpiries = new Map<string, number>();
  const endSessionHere = (sessionId: string, reason: TSessionEndReason) => {
    const room = sessionRoomOf(sessionId);
    if (!io.of('/').adapter.rooms.has(room)) return;
    io.local.to(room).emit('session:ended', { reason, ...SESSION_END_REASONS[reason] });
    io.local.in(room).disconnectSockets(true);
  };
  const recheck = async (sessionId: string) => {
    const expiresAtMs = sessionExpiries.get(sessionId);
    if (expiresAtMs === undefined) return;
    try {
      await checkSession(deps, { id: sessionId, expiresAtMs });
    } catch (error) {
      if (error instanceof SessionEndedError) endSessionHere(sessionId, error.reason);
      else logger.error({ err: error }, 'session check failed');
    }
  };
  // A user's notifications reach every socket of it: the worker publishes each batch's new
  // rows once, and every node emits those whose user has a socket here (a user room).
  const deliverNotifications = (message: string) => {
    let batch;
    try {
      batch = ZNotificationBatch.parse(JSON.parse(message));
    } catch (error) {
      logger.error({ err: error }, 'unreadable notification batch');
      return;
    }
    const rooms = io.of('/').adapter.rooms;
    for (const { userId, ...item } of batch.items) {
      if (rooms.has(userRoomOf(userId))) io.local.to(userRoomOf(userId)).emit('notification:new', item);
    }
  };
  const subscriber = redis.duplicate();
  subscriber.on('message', (channel: string, message: string) => {
    if (channel === NOTIFICATIONS_CHANNEL) {
      deliverNotifications(message);
      return;
    }
    let ended;
    try {
      ended = ZSessionsEnded.parse(JSON.parse(message));
    } catch (error) {
      logger.error({ err: error }, 'unreadable session notice');
      return;
    }
    for (const sessionId of ended.sessionIds) endSessionHere(sessionId, ended.reason);
  });
  let subscribedBefore = false;
  subscriber.on('ready', () => {
    if (subscribedBefore) {
      void (async () => {
        const ids = [...sessionExpiries.keys()];
        for (let i = 0; i < ids.length; i += SESSION_RECHECK_BATCH) await Promise.all(ids.slice(i, i + SESSION_RECHECK_BATCH).map(recheck));
      })();
    }
    subscribedBefore = true;
  });
  subscriber.subscribe(SESSION_ENDED_CHANNEL, NOTIFICATIONS_CHANNEL).catch((error: unknown) => logger.error({ err: error }, 'subscribing to session notices failed'));
  const expirySweep = setInterval(() => {
    const now = Date.now();
    for (const [sessionId, expiresAtMs] of sessionExpiries) {
      if (expiresAtMs <= now) {
        sessionExpiries.delete(sessionId);
        endSessionHere(sessionId, 'expired');
      }
    }
  }, SESSION_EXPIRY_SWEEP_MS);
  io.of('/').adapter.on('delete-room', (room: string) => {
    if (room.startsWith('session:')) sessionExpiries.delete(room.slice('session:'.length));
  });

  const ensureOpen = (showId: string) => openShow(deps, showId);

  /** What a command's handler gets besides its payload: the socket it came on and its user. */
  type TContext = { socket: TSocket; user: TSessionUser };
  type TCommand = { schema: z.ZodType; handle: (payload: never, context: TContext) => Promise<object> };
  /**
   * The commands a client may send, registered once for all sockets: each socket carries
   * one listener (below) rather than a closure per command, which a node holding
   * thousands of viewers pays for in memory and in every full garbage collection.
   */
  const commands = new Map<string, TCommand>();
  const on = <S extends z.ZodType, R extends object>(
    event: keyof ClientToServerEvents,
    schema: S,
    handle: (payload: z.infer<S>, context: TContext) => Promise<R>,
  ) => {
    commands.set(event, { schema, handle: handle as TCommand['handle'] });
  };

  on('show:join', ZShowJoin, async ({ showId, sinceSeq }, { socket }) => {
    await ensureOpen(showId);
    // Follow the log, join, then read: an event appended in between arrives twice
    // (clients drop a seq they have), never zero times.
    await follow(showId);
    await socket.join(roomOf(showId));
    const events: TShowEvent[] = await readShowLog(redis, showId, sinceSeq ?? 0, MAX_CATCH_UP_EVENTS + 1);
    if (sinceSeq !== undefined && events.length <= MAX_CATCH_UP_EVENTS) {
      return { mode: 'events' as const, events };
    }
    const state = reduceShowEvents(await readShowLog(redis, showId));
    return { mode: 'snapshot' as const, seq: state.seq, state };
  });

  on('show:start', ZShowCommand, async ({ showId, clientOpId }, { user }) => {
    const applied = await startShow(deps, { showId, actorId: user.id, clientOpId });
    return { seq: applied.seq };
  });

  on('show:end', ZShowCommand, async ({ showId, clientOpId }, { user }) => {
    const applied = await endShow(deps, { showId, actorId: user.id, clientOpId });
    return { seq: applied.seq };
  });

  on('queue:feature', ZEntryCommand, async ({ showId, entryId, clientOpId }, { user }) => {
    const applied = await featureEntry(deps, { showId, actorId: user.id, clientOpId, entryId });
    return { seq: applied.seq };
  });

  on('queue:price', ZPriceChange, async ({ showId, entryId, priceMinor, clientOpId }, { user }) => {
    const applied = await setEntryPrice(deps, { showId, actorId: user.id, clientOpId, entryId, priceMinor });
    return { seq: applied.seq };
  });

  on('claim:create', ZEntryCommand, async ({ showId, entryId, clientOpId }, { user }) => {
    const claim = await claimItem(deps, { showId, clientOpId, entryId, buyer: user });
    // A claim needs a saved card and an address: the session knows it has them from now on.
    user.hasPaymentMethod = true;
    user.hasShippingAddress = true;
    return { claimId: claim.claimId, position: claim.position, seq: claim.seq };
  });

  on('queue:reorder', ZQueueReorder, async ({ showId, clientOpId, entryIds }, { user }) => {
    const applied = await engine.reorder({ showId, actorId: user.id, clientOpId, entryIds });
    return { seq: applied.seq };
  });

  on('queue:update', ZEntryUpdate, async ({ showId, clientOpId, entryId, quantity, perBuyerLimit }, { user }) => {
    await ensureOpen(showId);
    const applied = await updateShowEntry(deps, { showId, actorId: user.id, clientOpId, entryId, quantity, perBuyerLimit });
    return { seq: applied.seq };
  });

  on('queue:remove', ZEntryCommand, async ({ showId, clientOpId, entryId }, { user }) => {
    const applied = await engine.removeEntry({ showId, actorId: user.id, clientOpId, entryId });
    return { seq: applied.seq };
  });

  on('claim:void', ZClaimVoid, async ({ showId, clientOpId, entryId, claimId, reason }, { user }) => {
    const applied = await engine.voidClaim({ showId, actorId: user.id, clientOpId, entryId, claimId, reason });
    return { seq: applied.seq };
  });

  on('waitlist:join', ZEntryCommand, async ({ showId, clientOpId, entryId }, { user }) => {
    const applied = await engine.joinWaitlist({ showId, actorId: user.id, clientOpId, entryId });
    return { seq: applied.seq };
  });

  on('waitlist:leave', ZEntryCommand, async ({ showId, clientOpId, entryId }, { user }) => {
    const applied = await engine.leaveWaitlist({ showId, actorId: user.id, clientOpId, entryId });
    return { seq: applied.seq };
  });

  on('offer:accept', ZEntryCommand, async ({ showId, clientOpId, entryId }, { user }) => {
    const claim = await engine.acceptOffer({ showId, actorId: user.id, displayName: user.displayName, clientOpId, entryId });
    return { claimId: claim.claimId, position: claim.position, seq: claim.seq };
  });

  on('chat:send', ZChatSend, async ({ showId, clientOpId, text }, { user }) => {
    await chatLimiter.consume(`${showId}:${user.id}`).catch((rejection: unknown) => {
      throw rejection instanceof Error ? rejection : new AppError('RATE_LIMITED', 'You are sending messages too fast.');
    });
    const applied = await sendChat(deps, { showId, clientOpId, text, actorId: user.id, displayName: user.displayName });
    return { seq: applied.seq };
  });

  on('chat:delete', ZChatDelete, async ({ showId, clientOpId, messageId }, { user }) => {
    const applied = await deleteChatMessage(deps, { showId, actorId: user.id, clientOpId, messageId });
    return { seq: applied.seq };
  });

  on('user:moderate', ZUserModerate, async (command, { user }) => {
    const applied = await moderateUser(deps, { ...command, actorId: user.id });
    return { seq: applied.seq };
  });

  on('chat:settings', ZChatSettings, (settings, { user }) => setChatSettings(deps, { ...settings, actorId: user.id }));

  /**
   * Every event a socket sends: parsed and authorized by its command, its ack always
   * answered. Unknown events get INVALID_INPUT, if they asked for an ack.
   */
  const dispatch = async (socket: TSocket, event: unknown, args: unknown[]) => {
    const last = args.at(-1);
    const ack = typeof last === 'function' ? (last as (r: TAck<object>) => void) : undefined;
    const payload = ack && args.length === 1 ? undefined : args[0];
    if (event === 'show:leave') {
      const parsed = ZShowLeave.safeParse(payload);
      if (parsed.success) void socket.leave(roomOf(parsed.data.showId));
      return;
    }
    if (!ack) return;
    const command = typeof event === 'string' ? commands.get(event) : undefined;
    if (!command) return ack({ ok: false, code: 'INVALID_INPUT', message: 'Unknown event.' });
    const { user, session } = socket.data;
    try {
      await limiter.consume(user.id).catch((rejection: unknown) => {
        throw rejection instanceof Error ? rejection : new AppError('RATE_LIMITED');
      });
      if (!opts.skipCommandSessionCheck) await checkSession(deps, session);
      const parsed = command.schema.safeParse(payload);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new AppError('INVALID_INPUT', `${issue?.path.join('.') || 'payload'}: ${issue?.message ?? 'invalid'}`);
      }
      ack({ ok: true, ...(await command.handle(parsed.data as never, { socket, user })) });
    } catch (error) {
      const body = toErrorBody(error);
      if (!body) logger.error({ err: error, event, userId: user.id }, 'socket handler failed');
      ack({ ok: false, ...(body ?? new AppError('INTERNAL').toBody()) });
      // Refused, then closed: every socket of the session, on this node.
      if (error instanceof SessionEndedError) endSessionHere(session.id, error.reason);
    }
  };
  io.on('connection', (socket: TSocket) => {
    socket.onAny((event: unknown, ...args: unknown[]) => void dispatch(socket, event, args));
    const { session } = socket.data;
    void socket.join(sessionRoomOf(session.id));
    void socket.join(userRoomOf(socket.data.user.id));
    sessionExpiries.set(session.id, session.expiresAtMs);
    // A session that ended between the handshake's read and this join sent its notice
    // before the socket was there to hear it; this also mirrors one that has no mirror yet.
    void recheck(session.id);
  });

  return {
    io,
    close: async () => {
      clearInterval(sweeper);
      clearInterval(presence);
      clearInterval(expirySweep);
      subscriber.disconnect();
      await tailer.close();
      outbox.close();
      await new Promise<void>((resolve) => void io.close(() => resolve()));
    },
  };
};
