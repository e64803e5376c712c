import { randomUUID } from 'node:crypto';
import { execute } from '@showcart/common';
import { AppError, photoOf, type TPhoto, type TPhotoSize } from '@showcart/shared';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { TDomainDeps } from '../deps.ts';
import { processPhoto } from './process-photo.ts';

/**
 * Uploads one account may make per hour. A seller listing a busy closet (20 items of 8
 * photos, with retakes) stays under it; a script filling the disk stops at a few hundred MB.
 */
export const PHOTO_UPLOADS_PER_HOUR = 300;

/** Where a photo's size is kept in the photo store. */
export const photoKey = (photoId: string, size: TPhotoSize) => `photos/${photoId}/${size}.webp`;
export const photoPrefix = (photoId: string) => `photos/${photoId}`;

type TDeps = Pick<TDomainDeps, 'db' | 'redis' | 'config' | 'photos' | 'logger'>;

export const createPhotoUploads = (deps: TDeps) => {
  const limiter = new RateLimiterRedis({
    storeClient: deps.redis, keyPrefix: `${deps.config.queuePrefix}:rl:photos`, points: PHOTO_UPLOADS_PER_HOUR, duration: 3_600,
  });

  /**
   * An account uploads a photo: counted first (RATE_LIMITED once over, before its bytes
   * are read), then `read` gives the bytes, which are processed (processPhoto: refused by
   * content) and stored in every size; the `photos` row is written only once all are.
   * Whatever fails after the first size is stored removes what was: a refused or failed
   * upload leaves no file and no row. The photo is the owner's, used by nothing yet.
   */
  const uploadPhoto = async (p: { ownerId: string; read: () => Promise<Buffer> }): Promise<TPhoto> => {
    try {
      await limiter.consume(p.ownerId);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const seconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1_000));
      throw new AppError('RATE_LIMITED', `You uploaded many photos this hour; try again in ${Math.ceil(seconds / 60)} min.`, { retryAfterSeconds: seconds });
    }
    const processed = await processPhoto(await p.read());
    const id = randomUUID();
    const sizes = Object.entries(processed.sizes) as [TPhotoSize, Buffer][];
    try {
      // Each put is over before anything is removed: one still writing would outlive the clean-up.
      const puts = await Promise.allSettled(sizes.map(([size, bytes]) => deps.photos.put(photoKey(id, size), bytes, 'image/webp')));
      const failed = puts.find((put) => put.status === 'rejected');
      if (failed) throw failed.reason;
      await execute(deps.db, 'insert into photos (id, owner_id, width, height, bytes) values ($1, $2, $3, $4, $5)',
        [id, p.ownerId, processed.width, processed.height, sizes.reduce((sum, [, bytes]) => sum + bytes.length, 0)]);
    } catch (error) {
      // The upload's own failure is the one to answer; a leftover is for the log.
      await deps.photos.remove(photoPrefix(id)).catch((leftover: unknown) => {
        deps.logger.error({ err: leftover, photoId: id }, 'a failed upload left files behind');
      });
      throw error;
    }
    return photoOf({ id, width: processed.width, height: processed.height });
  };

  return { uploadPhoto };
};
