import path from 'node:path';
import type { TConfig } from './config.ts';
import { localObjects, s3Objects, type TObjectStore } from './object-store.ts';

/**
 * Where uploaded photos are kept, keyed `photos/<photoId>/<size>.webp`: where recordings
 * are, in the recordings directory or, with RECORDINGS_S3_BUCKET set, in that bucket
 * (written there directly: a photo is small and whole when it is stored).
 */
export type TPhotoStore = TObjectStore;

export const createPhotoStore = (recordings: TConfig['recordings']): TPhotoStore =>
  recordings.s3 ? s3Objects(recordings.s3) : localObjects(path.resolve(recordings.dir));
