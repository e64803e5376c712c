import { isShowOver, type TShowState } from '@showcart/shared';
import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useRef, useState, type ReactNode } from 'react';
import { messageOf, queryOf } from '../api.ts';
import { StatusBadge } from './StatusBadge.tsx';

/**
 * This user's LiveKit grant for a show: publish for its host, subscribe for everyone else,
 * given only while the show is live. One per visit, kept while the page is open: a new
 * token would reconnect the room.
 */
const LiveRoom = lazy(async () => ({ default: (await import('./LiveRoom.tsx')).LiveRoom }));

const useGrant = (showId: string, enabled = true) => {
  const query = useQuery({ ...queryOf('shows.livekit', { params: { id: showId } }), enabled, staleTime: Infinity, gcTime: 0 });
  return { grant: query.data ?? null, error: query.error ? messageOf(query.error) : null };
};

/**
 * The host's camera before Go live: shown on this page only, never sent anywhere (there is
 * no room to send it to: grants wait for the show to be live).
 */
const CameraPreview = () => {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stream: MediaStream | undefined;
    let cancelled = false;
    navigator.mediaDevices
      .getUserMedia({ video: true, audio: false })
      .then((got) => {
        stream = got;
        if (cancelled) return stream.getTracks().forEach((t) => t.stop());
        if (video.current) video.current.srcObject = got;
      })
      .catch((e: unknown) => setError(`Your camera did not start: ${e instanceof Error ? e.message : 'no camera'}. Allow it in the browser to preview.`));
    return () => {
      cancelled = true;
      stream?.getTracks().forEach((t) => t.stop());
    };
  }, []);
  return (
    <div className="stage-preview">
      {error ? (
        <div className="video video-waiting" role="alert">{error}</div>
      ) : (
        <video ref={video} className="video video-mirror" data-testid="studio-preview" aria-label="Your camera preview" muted playsInline autoPlay />
      )}
      <p className="preview-note" data-testid="preview-note">Preview: only you see this. Viewers see and hear you once you go live.</p>
    </div>
  );
};

/**
 * The video column of the studio and of the viewer page: the room while the show can
 * still be watched, then the show's status, title and whatever controls the page adds.
 */
export const ShowStage = ({
  showId,
  state,
  viewers,
  subtitle,
  host,
  children,
}: {
  showId: string;
  state: TShowState;
  /** The studio: a local preview before Go live. */
  host?: boolean;
  /** How many are watching, once the server has said. */
  viewers: number | null;
  subtitle?: string;
  children?: ReactNode;
}) => {
  const over = isShowOver(state.status);
  const live = state.status === 'live';
  const { grant, error } = useGrant(showId, live);
  return (
    <section className="stage" aria-label="Video">
      {live && grant ? (
        <Suspense fallback={<div className="video video-waiting" role="status">Connecting…</div>}>
          <LiveRoom grant={grant} />
        </Suspense>
      ) : host && state.status === 'scheduled' ? (
        <CameraPreview />
      ) : (
        <div className={over ? 'video video-waiting video-over' : 'video video-waiting'} role="status">
          {over ? 'This show has ended.' : live ? (error ?? 'Connecting…') : 'The show starts soon: the video begins when the host goes live.'}
        </div>
      )}
      <div className="stage-bar">
        <StatusBadge status={state.status} testId="show-status" />
        <span className="muted">{subtitle ?? state.title}</span>
        {viewers !== null && state.status === 'live' && (
          <span className="viewers" data-testid="viewer-count">{viewers} watching</span>
        )}
        {children}
      </div>
    </section>
  );
};
