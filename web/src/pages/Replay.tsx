import { AppError, chapterAt, formatMoney, type TOrder, type TReplayChapter } from '@showcart/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type Hls from 'hls.js';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { call, invalidate, messageOf, queryOf } from '../api.ts';
import { ShipsTo, useDefaultAddress } from '../components/Address.tsx';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { Layout } from '../components/Layout.tsx';
import { pageForError } from './ErrorPage.tsx';
import { useSession } from '../session.tsx';

const clock = (ms: number) => {
  const s = Math.floor(ms / 1_000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** hls.js, the largest thing on this page: fetched once, by this page alone. */
let hlsLoading: Promise<typeof import('hls.js')> | undefined;
const loadHls = () => (hlsLoading ??= import('hls.js'));

/** Plays an HLS playlist in a <video>: hls.js where the browser has MSE, natively on Safari. */
const useHls = (video: HTMLVideoElement | null, url: string | undefined) => {
  const [failed, setFailed] = useState<string | null>(null);
  // Fetched while the replay is asked for, not after it answers.
  useEffect(() => void loadHls().catch(() => undefined), []);
  useEffect(() => {
    if (!video || !url) return;
    let left = false;
    let hls: Hls | undefined;
    loadHls().then(
      ({ default: Player }) => {
        if (left) return;
        if (Player.isSupported()) {
          hls = new Player({ maxBufferLength: 20 });
          hls.on(Player.Events.ERROR, (_event, data) => {
            if (data.fatal) setFailed('The recording could not be played. Reload the page to try again.');
          });
          hls.loadSource(url);
          hls.attachMedia(video);
        } else if (video.canPlayType('application/vnd.apple.mpegurl')) video.src = url;
        else setFailed('This browser cannot play replays.');
      },
      () => left || setFailed('The player could not be loaded. Reload the page to try again.'),
    );
    return () => {
      left = true;
      hls?.destroy();
    };
  }, [video, url]);
  return failed;
};

/** What Buy now charges: the item and its shipping, less what the platform pays of it for a new seller's first order. */
const buyNowTotal = (c: TReplayChapter) => c.priceMinor + c.shippingMinor - c.firstSaleBoostMinor;

type TBuyState = { entryId: string; ok: boolean; text: string; order?: TOrder; code?: string };

/** A replay still being prepared is ready within seconds of the show's end: the page asks again this often. */
const NOT_READY_POLL_MS = 2_000;
const notReady = (error: unknown) => error instanceof AppError && error.code === 'REPLAY_NOT_READY';

/**
 * A recorded show as a storefront: the video with the items as chapters under it, the
 * card of the item the playhead is in (buy it, or wait for one), and the chat in step.
 */
export const ReplayPage = () => {
  const showId = useParams().id!;
  const { me } = useSession();
  const navigate = useNavigate();
  const client = useQueryClient();
  const replayOptions = queryOf('replays.get', { params: { id: showId } });
  const replayQuery = useQuery({
    ...replayOptions,
    refetchInterval: (query) => (notReady(query.state.error) ? NOT_READY_POLL_MS : false),
  });
  const replay = replayQuery.data;
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [nowMs, setNowMs] = useState(0);
  const [buy, setBuy] = useState<TBuyState | null>(null);
  // Buy now charges the saved card at once: first the total, with shipping, and the card.
  const [confirming, setConfirming] = useState<TReplayChapter | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const payment = useQuery({ ...queryOf('payments.get'), enabled: confirming !== null });
  const card = payment.data?.card;
  const address = useDefaultAddress();
  const mountedAt = useRef(performance.now());
  const [firstFrameMs, setFirstFrameMs] = useState<number | null>(null);
  const reload = () => invalidate(client, 'replays.get');

  const playError = useHls(video, replay?.playlistUrl);
  useEffect(() => {
    if (!video) return;
    const onTime = () => setNowMs(video.currentTime * 1_000);
    const onFrame = () => setFirstFrameMs((f) => f ?? Math.round(performance.now() - mountedAt.current));
    video.addEventListener('timeupdate', onTime);
    video.addEventListener('seeked', onTime);
    video.addEventListener('loadeddata', onFrame);
    return () => {
      video.removeEventListener('timeupdate', onTime);
      video.removeEventListener('seeked', onTime);
      video.removeEventListener('loadeddata', onFrame);
    };
  }, [video]);

  const seek = (ms: number) => {
    if (!video || !replay) return;
    // Never past the end: the last frame stays on screen.
    const end = Number.isFinite(video.duration) && video.duration > 0 ? video.duration * 1_000 : replay.durationMs;
    video.currentTime = Math.max(0, Math.min(ms, end - 250)) / 1_000;
    setNowMs(video.currentTime * 1_000);
    void video.play().catch(() => {});
  };

  const buyNow = useMutation({
    mutationFn: (chapter: TReplayChapter) =>
      call('replays.buy', { params: { id: showId, entryId: chapter.entryId }, body: { attemptId: crypto.randomUUID() } }),
    onSuccess: ({ order }, chapter) => {
      // The boost is the order's: another buyer may have taken it since the dialog showed it.
      const boost = order.boostMinor > 0 ? ` First-sale boost: shipping on us (${formatMoney(order.boostMinor, order.currency)} off).` : '';
      setBuy({ entryId: chapter.entryId, ok: true, text: `Bought!${boost} We are charging ${formatMoney(order.totalMinor, order.currency)} to your saved card now.`, order });
      void reload();
      void invalidate(client, 'orders.list');
    },
    onError: (e, chapter) => {
      setBuy({ entryId: chapter.entryId, ok: false, text: messageOf(e), code: e instanceof AppError ? e.code : undefined });
      if (e instanceof AppError && e.code === 'SOLD_OUT') void reload();
    },
  });

  const joinWaitlist = useMutation({
    mutationFn: (chapter: TReplayChapter) => call('replays.waitlist', { params: { id: showId, entryId: chapter.entryId } }),
    onSuccess: (_, chapter) =>
      setBuy({ entryId: chapter.entryId, ok: true, text: "You're on the waitlist: if a unit frees up, it is offered to you on your orders page." }),
    onError: (e, chapter) => setBuy({ entryId: chapter.entryId, ok: false, text: messageOf(e) }),
  });

  const setListed = useMutation({
    mutationFn: (listed: boolean) => call('replays.setListed', { params: { id: showId }, body: { listed } }),
    onSuccess: () => Promise.all([reload(), invalidate(client, 'shows.list')]),
  });
  const remove = useMutation({
    mutationFn: () => call('replays.delete', { params: { id: showId } }),
    onSuccess: () => {
      navigate('/');
      client.removeQueries({ queryKey: replayOptions.queryKey });
      void invalidate(client, 'shows.list');
    },
  });

  if (!replay) {
    const error = replayQuery.error;
    const refused = notReady(error) ? undefined : pageForError(error);
    if (refused) return refused;
    return (
      <Layout>
        {error ? (
          <div className="card" data-testid="replay-error">
            <p className={notReady(error) ? 'muted' : 'error'}>{messageOf(error)}</p>
            <Link to="/">Back to shows</Link>
          </div>
        ) : (
          <p className="muted">Loading the replay…</p>
        )}
      </Layout>
    );
  }

  const current = chapterAt(replay.chapters, nowMs);
  const chat = replay.moments.filter((m) => m.offsetMs <= nowMs && m.kind !== 'price').slice(-40);
  const isHost = me?.id === replay.hostId;
  const hostError = setListed.error ?? remove.error;

  return (
    <Layout wide>
      <div className="watch replay" data-testid="replay" data-first-frame-ms={firstFrameMs ?? undefined}>
        <section className="stage">
          <video ref={setVideo} className="video" data-testid="replay-video" controls playsInline muted autoPlay />
          {playError && <p className="error">{playError}</p>}
          <div className="replay-head">
            <h1 className="replay-title">{replay.title}</h1>
            <p className="muted">
              {replay.hostName} · replay, {clock(replay.durationMs)}
              {!replay.listed && <> <span className="badge">Unlisted</span></>}
            </p>
          </div>
          <ol className="chapters" data-testid="chapters">
            {replay.chapters.map((c) => (
              <li key={c.entryId}>
                <button
                  className={current?.entryId === c.entryId ? 'chapter chapter-current' : 'chapter'}
                  data-testid="chapter"
                  data-start-ms={c.startMs}
                  onClick={() => seek(c.startMs)}
                >
                  <img src={c.photoUrl} alt="" loading="lazy" />
                  <span>{c.title}</span>
                  <span className="muted">{clock(c.startMs)}</span>
                </button>
              </li>
            ))}
          </ol>
        </section>

        <section className="panel">
          {current ? (
            <article className="item item-featured" data-testid="replay-current" data-entry-id={current.entryId}>
              <img src={current.photoUrl} alt="" className="item-photo" />
              <div className="item-body">
                <h3 className="item-title" data-testid="replay-current-title">{current.title}</h3>
                <p className="item-meta">
                  Size {current.variantLabel} · {current.sellerName}
                  {current.cohosted && <span className="badge badge-cohost">Co-host</span>}
                </p>
                <p className="item-price">
                  <span>{formatMoney(current.priceMinor, current.currency)}</span>
                  <span className={current.available > 0 ? 'stock' : 'stock stock-out'}>
                    {current.available > 0 ? `${current.available} left` : 'Sold out'}
                  </span>
                </p>
                {isHost ? null : current.available > 0 ? (
                  <button className="button primary claim" data-testid="replay-buy" disabled={buyNow.isPending} onClick={() => setConfirming(current)}>
                    {buyNow.isPending ? 'Buying…' : 'Buy now'}
                  </button>
                ) : (
                  <button className="button claim" data-testid="replay-waitlist" onClick={() => joinWaitlist.mutate(current)}>
                    Join the waitlist
                  </button>
                )}
                {buy?.entryId === current.entryId && (
                  <p className={buy.ok ? 'notice' : 'error'} data-testid="replay-buy-result">
                    {buy.text}{' '}
                    {buy.ok && buy.order && <Link to="/orders">See your orders</Link>}
                    {(buy.code === 'NO_PAYMENT_METHOD' || buy.code === 'NO_ADDRESS') && <Link to={`/wallet?back=/replays/${showId}`}>Add a card and address</Link>}
                  </p>
                )}
              </div>
            </article>
          ) : (
            <p className="muted">The first item comes up at {clock(replay.chapters[0]?.startMs ?? 0)}.</p>
          )}
          <ConfirmDialog
            open={confirming !== null && !payment.isPending}
            title={confirming ? `Buy ${confirming.title}?` : 'Buy it?'}
            confirmLabel={card && address ? `Pay ${confirming ? formatMoney(buyNowTotal(confirming), confirming.currency) : ''}` : 'Add a card and address'}
            onCancel={() => setConfirming(null)}
            onConfirm={() => {
              const chapter = confirming;
              setConfirming(null);
              if (!card || !address) navigate(`/wallet?back=/replays/${showId}`);
              else if (chapter) buyNow.mutate(chapter);
            }}
            testId="replay-buy-dialog"
          >
            {confirming && (
              <p data-testid="replay-buy-total">
                {formatMoney(confirming.priceMinor, confirming.currency)} + {formatMoney(confirming.shippingMinor, confirming.currency)} shipping
                {confirming.firstSaleBoostMinor > 0 && (
                  <> − <span data-testid="replay-buy-boost">{formatMoney(confirming.firstSaleBoostMinor, confirming.currency)} first-sale boost (shipping on us)</span></>
                )}
                {' = '}<strong>{formatMoney(buyNowTotal(confirming), confirming.currency)}</strong>,{' '}
                {card ? <>charged now to your {/^\d{4}$/.test(card.last4) ? `${card.brand} ···· ${card.last4}` : 'saved card'}.</> : <>but you have no saved card yet: add one first.</>}
              </p>
            )}
            {confirming && <ShipsTo back={`/replays/${showId}`} />}
          </ConfirmDialog>

          <section className="chat" aria-label="Chat replay">
            <h2 className="section-title">Chat</h2>
            <ol className="chat-list" data-testid="replay-chat">
              {chat.length === 0 && <li className="muted">The chat replays here as the video plays.</li>}
              {chat.map((m, i) =>
                m.kind === 'chat' ? (
                  <li key={i} className="chat-message"><strong>{m.displayName}</strong> <span className="chat-text">{m.text}</span></li>
                ) : m.kind === 'claim' ? (
                  <li key={i} className="chat-message muted">{m.displayName} claimed #{m.position}</li>
                ) : null,
              )}
            </ol>
          </section>

          {isHost && (
            <div className="card host-tools" data-testid="replay-host-tools">
              <button className="button small" onClick={() => setListed.mutate(!replay.listed)}>
                {replay.listed ? 'Unlist replay' : 'List replay'}
              </button>{' '}
              <button
                className="button small danger"
                data-testid="replay-delete"
                onClick={() => setConfirmDelete(true)}
              >
                Delete replay
              </button>
              <ConfirmDialog
                open={confirmDelete}
                title="Delete this replay for good?"
                confirmLabel="Delete replay"
                danger
                onCancel={() => setConfirmDelete(false)}
                onConfirm={() => {
                  setConfirmDelete(false);
                  remove.mutate();
                }}
                testId="replay-delete-dialog"
              >
                <p>Its video is removed and nobody can watch it or buy from it again. Orders already made stay.</p>
              </ConfirmDialog>
              {hostError && <p className="error" role="alert">{messageOf(hostError)}</p>}
            </div>
          )}
        </section>
      </div>
    </Layout>
  );
};
