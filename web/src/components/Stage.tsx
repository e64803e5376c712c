import { LiveKitRoom, RoomAudioRenderer, StartAudio, useTracks, VideoTrack } from '@livekit/components-react';
import { isShowOver, type TLiveKitGrant, type TShowState } from '@showcart/shared';
import { useQuery } from '@tanstack/react-query';
import { createLocalVideoTrack, Track, type LocalVideoTrack } from 'livekit-client';
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { messageOf, queryOf } from '../api.ts';
import { StatusBadge } from './StatusBadge.tsx';

/**
 * This user's LiveKit grant for a show: publish for its host, subscribe for everyone else,
 * given only while the show is live. One per visit, kept while the page is open: a new
 * token would reconnect the room.
 */
const useGrant = (showId: string, enabled = true) => {
  const query = useQuery({ ...queryOf('shows.livekit', { params: { id: showId } }), enabled, staleTime: Infinity, gcTime: 0 });
  return { grant: query.data ?? null, error: query.error ? messageOf(query.error) : null };
};

const CameraTrack = ({ local }: { local: boolean }) => {
  const tracks = useTracks([Track.Source.Camera], { onlySubscribed: !local });
  const track = tracks.find((t) => t.participant.isLocal === local);
  if (!track) {
    return <div className="video video-waiting">{local ? 'Starting your camera…' : 'Waiting for the host’s camera…'}</div>;
  }
  return (
    <VideoTrack
      trackRef={track}
      className={local ? 'video video-mirror' : 'video'}
      data-testid={local ? 'studio-video' : 'show-video'}
      playsInline
      muted
    />
  );
};

/**
 * The host's camera before Go live: shown on this page only, never sent anywhere (there is
 * no room to send it to: grants wait for the show to be live).
 */
const CameraPreview = () => {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let track: LocalVideoTrack | undefined;
    let cancelled = false;
    createLocalVideoTrack()
      .then((created) => {
        if (cancelled) return created.stop();
        track = created;
        if (video.current) created.attach(video.current);
      })
      .catch((e: unknown) => setError(`Your camera did not start: ${e instanceof Error ? e.message : 'no camera'}. Allow it in the browser to preview.`));
    return () => {
      cancelled = true;
      track?.stop();
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
 * The show's video. The host publishes its camera and microphone (and sees itself);
 * a viewer only subscribes: its token could not publish if it tried.
 */
const Stage = ({ grant }: { grant: TLiveKitGrant }) => {
  const host = grant.role === 'host';
  return (
    <LiveKitRoom serverUrl={grant.url} token={grant.token} connect video={host} audio={host} className="stage-room">
      <CameraTrack local={host} />
      {!host && (
        <>
          <RoomAudioRenderer />
          <StartAudio label="Tap for sound" className="button sound-button" />
        </>
      )}
    </LiveKitRoom>
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
        <Stage grant={grant} />
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
