import { LiveKitRoom, RoomAudioRenderer, StartAudio, useTracks, VideoTrack } from '@livekit/components-react';
import type { TLiveKitGrant } from '@showcart/shared';
import { Track } from 'livekit-client';

/**
 * The LiveKit part of the stage, a chunk of its own: a page downloads LiveKit only once
 * its show is live and there is a room to join.
 */

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
export const LiveRoom = ({ grant }: { grant: TLiveKitGrant }) => {
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

