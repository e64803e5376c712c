import { pipeline } from 'node:stream/promises';
import { createPhotoUploads, openPhoto } from '@showcart/domain';
import { MAX_PHOTO_BYTES, PHOTO_FIELD } from '@showcart/shared';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';
import { readOneFile } from '../multipart.ts';

/** A photo id's bytes never change: a browser or CDN may keep them for a year without asking. */
const FOREVER = 'public, max-age=31536000, immutable';

/** Photos: an upload (multipart, by the signed-in owner) and its sizes, served to anyone. */
export const photoHandlers = (deps: TApiDeps): Pick<THandlers, 'photos.upload' | 'photos.get'> => {
  const uploads = createPhotoUploads(deps);
  return {
    'photos.upload': async ({ user, req, res }) => {
      const photo = await uploads.uploadPhoto({ ownerId: user.id, read: () => readOneFile(req, res, { field: PHOTO_FIELD, maxBytes: MAX_PHOTO_BYTES }) });
      res.status(201).json(photo);
    },
    'photos.get': async ({ params, req, res }) => {
      const headers = { 'cache-control': FOREVER, etag: `"${params.id}-${params.size}"`, 'x-content-type-options': 'nosniff' };
      // A browser that holds these bytes keeps them: they never change, so there is nothing to look up.
      const held = (req.headers['if-none-match'] ?? '').split(',').some((tag) => tag.trim().replace(/^W\//, '') === headers.etag);
      if (held) {
        res.set(headers).status(304).end();
        return;
      }
      const file = await openPhoto(deps, { photoId: params.id, size: params.size });
      res.set(headers).type('image/webp').set('content-length', String(file.size));
      await pipeline(file.body, res).catch((error: unknown) => {
        if (!res.destroyed) deps.logger.warn({ err: error, photoId: params.id }, 'photo send failed');
      });
    },
  };
};
