import { AppError, MAX_PHOTO_PIXELS, PHOTO_SIZES, type TPhotoSize } from '@showcart/shared';
import sharp from 'sharp';

/**
 * What an upload may be, by its content (sharp reads the bytes, never the name). HEIC is
 * absent: sharp's prebuilt libvips decodes AVIF (AV1) but not HEVC, and phones' browsers
 * send a JPEG of it when a page asks for `image/*`. SVG (a document, with scripts) and
 * everything else sharp knows (TIFF, raw pixels) are refused.
 */
const ACCEPTED = new Set(['jpeg', 'png', 'webp', 'gif', 'heif']);

/** WebP quality: at 80 a 480 px card of a 12 MP photo is 10-30 kB and no artefact shows on a phone. */
const WEBP_QUALITY = 80;
/**
 * libwebp's effort (0-6) per size. Thumbs and cards are served on every grid, so they get
 * the default search for the smallest bytes (cheap at their size); the `full` size is
 * seen on a listing's own page, and effort 2 encodes it in half the time for ~3 % more
 * bytes (bench/photos.ts: a 12 MP photo's processing went from ~370 to ~230 ms).
 */
const WEBP_EFFORT: Record<TPhotoSize, number> = { thumb: 4, card: 4, full: 2 };

export type TProcessedPhoto = {
  /** The `full` size's pixels, upright. */
  width: number;
  height: number;
  /** Each size's WebP bytes, with no metadata at all. */
  sizes: Record<TPhotoSize, Buffer>;
};

const notAPhoto = (cause: unknown, message?: string) => new AppError('NOT_A_PHOTO', message, { cause });

/**
 * An upload's bytes into the sizes of PHOTO_SIZES as WebP: NOT_A_PHOTO for anything but a
 * JPEG, PNG, WebP, AVIF or GIF (its first frame) that decodes whole (a truncated file
 * fails), PHOTO_TOO_BIG past MAX_PHOTO_PIXELS, decided from the header before anything is
 * decoded. The photo is turned upright by its EXIF orientation, converted to sRGB, and
 * every metadata block (EXIF with its GPS position, XMP, IPTC, the ICC profile) is left
 * behind. The original is decoded once, to the `full` size; the smaller sizes are made
 * from those pixels.
 */
export const processPhoto = async (input: Buffer): Promise<TProcessedPhoto> => {
  // `failOn: 'error'`: a truncated or corrupt file is refused rather than padded with grey.
  const open = (limitInputPixels: number | false) => sharp(input, { limitInputPixels, failOn: 'error', pages: 1 });
  // sharp refuses an empty buffer as it is built, before any promise.
  if (input.length === 0) throw notAPhoto(new Error('empty file'), 'That file is empty: choose a photo.');
  // The header alone, so that a bomb is refused with its size; decoding keeps sharp's own limit.
  const meta = await open(false).metadata().catch((error: unknown) => { throw notAPhoto(error); });
  if (!ACCEPTED.has(meta.format) || (meta.format === 'heif' && meta.compression !== 'av1')) {
    throw notAPhoto(new Error(`format ${meta.format}/${meta.compression ?? ''}`), meta.format === 'heif'
      ? 'HEIC photos cannot be read here yet: share it as a JPEG (your phone does when a page asks for a photo).'
      : undefined);
  }
  if (meta.width * meta.height > MAX_PHOTO_PIXELS) {
    throw new AppError('PHOTO_TOO_BIG', `That photo is ${meta.width}×${meta.height} pixels: the most is ${MAX_PHOTO_PIXELS / 1_000_000} megapixels.`);
  }
  const long = (edge: number) => ({ width: edge, height: edge, fit: 'inside', withoutEnlargement: true }) as const;
  const full = await open(MAX_PHOTO_PIXELS)
    .autoOrient()
    .resize(long(PHOTO_SIZES.full))
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true })
    .catch((error: unknown) => { throw notAPhoto(error, 'That photo is damaged or incomplete: upload it again, or another one.'); });
  const { width, height, channels } = full.info;
  const encode = (size: TPhotoSize) =>
    sharp(full.data, { raw: { width, height, channels } }).resize(long(PHOTO_SIZES[size])).webp({ quality: WEBP_QUALITY, effort: WEBP_EFFORT[size] }).toBuffer();
  const [thumb, card, large] = await Promise.all([encode('thumb'), encode('card'), encode('full')]);
  return { width, height, sizes: { thumb, card, full: large } };
};
