import { AppError, chapterAt, formatMoney, type TOrder, type TReplay, type TReplayChapter } from '@showcart/shared';
import Hls from 'hls.js';
import { useCallback, useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { api, messageOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { useSession } from '../session.tsx';

const clock = (ms: number) => {
  const s = Math.floor(ms / 1_000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
};

/** Plays an HLS playlist in a <video>: hls.js where the browser has MSE, natively on Safari. */
const useHls = (video: HTMLVideoElement | null, url: string | undefined) => {
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    if (!video || !url) return;
    if (Hls.isSupported()) {
      const hls = new Hls({ maxBufferLength: 20 });
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (data.fatal) setFailed('The recording could not be played. Reload the page to try again.');
      });
      hls.loadSource(url);
      hls.attachMedia(video);
      return () => hls.destroy();
    }
    if (video.canPlayType('application/vnd.apple.mpegurl')) video.src = url;
    else setFailed('This browser cannot play replays.');
    return undefined;
  }, [video, url]);
  return failed;
};

type TBuyState = { entryId: string; ok: boolean; text: string; order?: TOrder; code?: string };

/**
 * A recorded show as a storefront: the video with the items as chapters under it, the
 * card of the item the playhead is in (buy it, or wait for one), and the chat in step.
 */
export const ReplayPage = () => {
  const showId = useParams().id!;
  const { me } = useSession();
  const navigate = useNavigate();
  const [replay, setReplay] = useState<TReplay | null>(null);
  const [error, setError] = useState<{ text: string; retry: boolean } | null>(null);
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [nowMs, setNowMs] = useState(0);
  const [buy, setBuy] = useState<TBuyState | null>(null);
  const [busy, setBusy] = useState(false);
  const mountedAt = useRef(performance.now());
  const [firstFrameMs, setFirstFrameMs] = useState<number | null>(null);

  const load = useCallback(() => {
    api<TReplay>('GET', `/replays/${showId}`).then(
      (r) => { setReplay(r); setError(null); },
      (e: unknown) => setError({ text: messageOf(e), retry: e instanceof AppError && e.code === 'REPLAY_NOT_READY' }),
    );
  }, [showId]);
  useEffect(load, [load]);
  // A replay still being prepared is ready within seconds of the show's end.
  useEffect(() => {
    if (!error?.retry) return;
    const timer = setTimeout(load, 2_000);
    return () => clearTimeout(timer);
  }, [error, load]);

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

  const buyNow = async (chapter: TReplayChapter) => {
    setBusy(true);
    try {
      const { order } = await api<{ order: TOrder }>('POST', `/replays/${showId}/entries/${chapter.entryId}/buy`, { attemptId: crypto.randomUUID() });
      setBuy({ entryId: chapter.entryId, ok: true, text: 'Bought! We are charging your saved card now.', order });
      load();
    } catch (e) {
      setBuy({ entryId: chapter.entryId, ok: false, text: messageOf(e), code: e instanceof AppError ? e.code : undefined });
      if (e instanceof AppError && e.code === 'SOLD_OUT') load();
    } finally {
      setBusy(false);
    }
  };

  const joinWaitlist = async (chapter: TReplayChapter) => {
    try {
      await api('POST', `/replays/${showId}/entries/${chapter.entryId}/waitlist`, {});
      setBuy({ entryId: chapter.entryId, ok: true, text: "You're on the waitlist: if a unit frees up, it is offered to you on your orders page." });
    } catch (e) {
      setBuy({ entryId: chapter.entryId, ok: false, text: messageOf(e) });
    }
  };

  if (!replay) {
    return (
      <Layout>
        {error ? (
          <div className="card" data-testid="replay-error">
            <p className={error.retry ? 'muted' : 'error'}>{error.text}</p>
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
                  <button className="button primary claim" data-testid="replay-buy" disabled={busy} onClick={() => void buyNow(current)}>
                    {busy ? 'Buying…' : 'Buy now'}
                  </button>
                ) : (
                  <button className="button claim" data-testid="replay-waitlist" onClick={() => void joinWaitlist(current)}>
                    Join the waitlist
                  </button>
                )}
                {buy?.entryId === current.entryId && (
                  <p className={buy.ok ? 'notice' : 'error'} data-testid="replay-buy-result">
                    {buy.text}{' '}
                    {buy.ok && buy.order && <Link to="/orders">See your orders</Link>}
                    {buy.code === 'NO_PAYMENT_METHOD' && <Link to={`/wallet?back=/replays/${showId}`}>Add a card</Link>}
                  </p>
                )}
              </div>
            </article>
          ) : (
            <p className="muted">The first item comes up at {clock(replay.chapters[0]?.startMs ?? 0)}.</p>
          )}

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
              <button
                className="button small"
                onClick={() => void api('PATCH', `/replays/${showId}`, { listed: !replay.listed }).then(load, (e) => setError({ text: messageOf(e), retry: false }))}
              >
                {replay.listed ? 'Unlist replay' : 'List replay'}
              </button>{' '}
              <button
                className="button small danger"
                data-testid="replay-delete"
                onClick={() => {
                  if (!window.confirm('Delete this replay for good? Its video is removed.')) return;
                  void api('DELETE', `/replays/${showId}`).then(() => navigate('/'), (e) => setError({ text: messageOf(e), retry: false }));
                }}
              >
                Delete replay
              </button>
            </div>
          )}
        </section>
      </div>
    </Layout>
  );
};
