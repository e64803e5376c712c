import { z } from 'zod';
import { ZId } from './ids.ts';

/**
 * The sizes every uploaded photo is kept in, as WebP, by the most pixels on its long edge
 * (a smaller original is never enlarged): `thumb` for pickers and avatars, `card` for a
 * listing's card in a grid (two columns on a phone, at 2x), `full` for a listing's page.
 */
export const PHOTO_SIZES = { thumb: 160, card: 480, full: 1600 } as const;
export type TPhotoSize = keyof typeof PHOTO_SIZES;
export const ZPhotoSize = z.enum(Object.keys(PHOTO_SIZES) as [TPhotoSize, ...TPhotoSize[]]);

/** An upload is refused past this many bytes, before the rest of it is read. */
export const MAX_PHOTO_BYTES = 20 * 1024 * 1024;
/** An image with more pixels than this is refused before it is decoded (a decompression bomb). */
export const MAX_PHOTO_PIXELS = 50_000_000;
/** The multipart field that carries the file of `POST /api/photos`. */
export const PHOTO_FIELD = 'photo';

/**
 * Where a photo's size is served. A photo id's bytes never change, so the URL can be cached
 * forever; every page and the domain (a listing's `photo_url`) write it with this alone.
 */
export const photoUrl = (id: string, size: TPhotoSize) => `/api/photos/${id}/${size}`;

/** An uploaded photo: its `full` size's pixels, and where each size is served. */
export const ZPhoto = z.object({
  id: ZId,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  urls: z.object({ thumb: z.string(), card: z.string(), full: z.string() }),
});
export type TPhoto = z.infer<typeof ZPhoto>;

/** The photo with this id, as `POST /api/photos` answers it. */
export const photoOf = (p: { id: string; width: number; height: number }): TPhoto => ({
  id: p.id,
  width: p.width,
  height: p.height,
  urls: { thumb: photoUrl(p.id, 'thumb'), card: photoUrl(p.id, 'card'), full: photoUrl(p.id, 'full') },
});
