import { EgressClient, EgressStatus, S3Upload, SegmentedFileOutput, TrackType, type RoomServiceClient } from 'livekit-server-sdk';
import type { TConfig, TDb, TLogger } from '@showcart/common';
import type { TRecorderBackend } from './backend.ts';

/**
 * LiveKit Egress: a track composite of the host's camera and microphone, as HLS segments
 * in S3-compatible storage. For deployments that run the Egress service
 * (`docker compose --profile egress`). Egress stops on its own when the host's tracks end.
 */
export const createEgressBackend = (deps: {
  db: TDb;
  logger: TLogger;
  rooms: RoomServiceClient;
  livekit: TConfig['livekit'];
  recordings: TConfig['recordings'];
}): TRecorderBackend => {
  const s3 = deps.recordings.s3;
  const publicBaseUrl = deps.recordings.egressPublicBaseUrl;
  if (!s3 || !publicBaseUrl) throw new Error('RECORDER=egress needs RECORDINGS_S3_BUCKET and EGRESS_PUBLIC_BASE_URL');
  const egress = new EgressClient(deps.livekit.url.replace(/^ws/, 'http'), deps.livekit.apiKey, deps.livekit.apiSecret);

  return {
    name: 'egress',
    start: async (show) => {
      const { rows } = await deps.db.query<{ egressId: string }>(
        `select egress_id as "egressId" from recordings where show_id = $1 and status = 'recording'`,
        [show.showId],
      );
      const running = rows[0] && (await egress.listEgress({ egressId: rows[0].egressId }))[0];
      let egressId = running && running.status <= EgressStatus.EGRESS_ACTIVE ? running.egressId : undefined;
      if (!egressId) {
        const host = (await deps.rooms.listParticipants(show.room)).find((p) => p.identity.startsWith(show.hostIdentityPrefix));
        const video = host?.tracks.find((t) => t.type === TrackType.VIDEO)?.sid;
        const audio = host?.tracks.find((t) => t.type === TrackType.AUDIO)?.sid;
        if (!video) throw new Error('the host is not publishing a camera yet');
        const output = new SegmentedFileOutput({
          filenamePrefix: `${show.showId}/seg`,
          playlistName: `${show.showId}/index.m3u8`,
          segmentDuration: deps.recordings.segmentSeconds,
          output: {
            case: 's3',
            value: new S3Upload({
              bucket: s3.bucket, region: s3.region, endpoint: s3.endpoint ?? '', accessKey: s3.accessKey ?? '',
              secret: s3.secret ?? '', forcePathStyle: Boolean(s3.endpoint),
            }),
          },
        });
        const info = await egress.startTrackCompositeEgress(show.room, output, { videoTrackId: video, audioTrackId: audio });
        egressId = info.egressId;
        await deps.db.query(
          `insert into recordings (show_id, backend, started_at, egress_id, playlist_url)
           values ($1, 'egress', now(), $2, $3)
           on conflict (show_id) do update set egress_id = excluded.egress_id`,
          [show.showId, egressId, `${publicBaseUrl}/${show.showId}/index.m3u8`],
        );
        deps.logger.info({ showId: show.showId, egressId }, 'egress started');
      }
      const id = egressId;
      return {
        stop: async () => {
          await egress.stopEgress(id).catch((error: unknown) => deps.logger.warn({ err: error, egressId: id }, 'egress had stopped'));
        },
      };
    },
    finishOrphan: async () => true,
  };
};
