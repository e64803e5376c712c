import { LiveKitRoom, RoomAudioRenderer, StartAudio, useTracks, VideoTrack } from '@livekit/components-react';
import { isShowOver, type TLiveKitGrant, type TShowState } from '@showcart/shared';
import { useQuery } from '@tanstack/react-query';
import { Track } from 'livekit-client';
import type { ReactNode } from 'react';
import { messageOf, queryOf } from '../api.ts';
import { StatusBadge } from './StatusBadge.tsx';

/**
 * This user's LiveKit grant for a show: publish for its host, subscribe for everyone else.
 * One per visit, kept while the page is open: a new token would reconnect the room.
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
  children,
}: {
  showId: string;
  state: TShowState;
  /** How many are watching, once the server has said. */
  viewers: number | null;
  subtitle?: string;
  children?: ReactNode;
}) => {
  const over = isShowOver(state.status);
  const { grant, error } = useGrant(showId, !over);
  return (
    <section className="stage">
      {grant && !over ? (
        <Stage grant={grant} />
      ) : (
        <div className="video video-waiting">{over ? 'This show has ended.' : (error ?? 'Connecting…')}</div>
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
