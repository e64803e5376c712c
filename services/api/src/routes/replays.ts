import { pipeline } from 'node:stream/promises';
import { buyFromReplay, deleteReplay, getReplay, openReplaySegment, replayPlaylist, setReplayListed, waitForReplayItem } from '@showcart/domain';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';

type TReplayEndpoints = 'replays.get' | 'replays.setListed' | 'replays.delete' | 'replays.buy' | 'replays.waitlist'
  | 'recordings.playlist' | 'recordings.segment';

/** Replays: the timeline, the media (always through the api, so an unlisted link works and a deleted one stops), buying, the host's unlist and delete. */
export const replayHandlers = (deps: TApiDeps): Pick<THandlers, TReplayEndpoints> => ({
  'replays.get': ({ params }) => getReplay(deps, params.id),
  'replays.setListed': ({ user, params, body }) => setReplayListed(deps, { showId: params.id, hostId: user.id, listed: body.listed }),
  'replays.delete': ({ user, params }) => deleteReplay(deps, { showId: params.id, hostId: user.id }),
  'replays.buy': ({ user, params, body }) =>
    buyFromReplay(deps, { showId: params.id, entryId: params.entryId, attemptId: body.attemptId, buyer: user }),
  'replays.waitlist': ({ user, params }) => waitForReplayItem(deps, { showId: params.id, entryId: params.entryId, userId: user.id }),
  'recordings.playlist': async ({ params, res }) => {
    const playlist = await replayPlaylist(deps, params.id);
    res.type('application/vnd.apple.mpegurl').set('cache-control', 'no-cache').send(playlist);
  },
  'recordings.segment': async ({ params, res }) => {
    const segment = await openReplaySegment(deps, { recordingId: params.id, part: params.part, file: params.file });
    res.type('video/mp2t').set({ 'content-length': String(segment.size), 'cache-control': 'private, max-age=86400' });
    // A viewer who seeks away closes the request: the store's stream is closed with it.
    await pipeline(segment.body, res).catch((error: unknown) => {
      if (!res.destroyed) deps.logger.warn({ err: error, recordingId: params.id }, 'segment send failed');
    });
  },
});
