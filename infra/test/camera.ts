import {
  AudioFrame,
  AudioSource,
  LocalAudioTrack,
  LocalVideoTrack,
  Room,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  VideoSource,
} from '@livekit/rtc-node';

/**
 * A host's camera and microphone without a browser: a moving I420 picture at `fps` and a
 * 440 Hz tone, published to LiveKit with the host's grant. For the recorder's tests and
 * benchmark; the browser tests use Chromium's fake camera.
 */
export const publishCamera = async (grant: { url: string; token: string }, p: { width: number; height: number; fps: number }) => {
  const room = new Room();
  await room.connect(grant.url, grant.token, { autoSubscribe: false, dynacast: false });
  const video = new VideoSource(p.width, p.height);
  const audio = new AudioSource(48_000, 1);
  const local = room.localParticipant!;
  await local.publishTrack(LocalVideoTrack.createVideoTrack('camera', video), new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA, simulcast: false }));
  await local.publishTrack(LocalAudioTrack.createAudioTrack('microphone', audio), new TrackPublishOptions({ source: TrackSource.SOURCE_MICROPHONE }));

  const lumaSize = p.width * p.height;
  const data = new Uint8Array(lumaSize + 2 * Math.ceil(p.width / 2) * Math.ceil(p.height / 2)).fill(128);
  let n = 0;
  const videoTimer = setInterval(() => {
    // A bright bar sweeping across a grey picture: every frame differs, as a camera's do.
    data.fill(90, 0, lumaSize);
    const x = (n * 8) % p.width;
    for (let y = 0; y < p.height; y++) data.fill(235, y * p.width + x, y * p.width + Math.min(p.width, x + 40));
    video.captureFrame(new VideoFrame(data, p.width, p.height, VideoBufferType.I420));
    n++;
  }, 1_000 / p.fps);
  let phase = 0;
  const audioTimer = setInterval(() => {
    const samples = new Int16Array(480);
    for (let i = 0; i < samples.length; i++) samples[i] = Math.round(3_000 * Math.sin((2 * Math.PI * 440 * phase++) / 48_000));
    void audio.captureFrame(new AudioFrame(samples, 48_000, 1, samples.length)).catch(() => {});
  }, 10);
  return {
    room,
    stop: async () => {
      clearInterval(videoTimer);
      clearInterval(audioTimer);
      await room.disconnect();
    },
  };
};
