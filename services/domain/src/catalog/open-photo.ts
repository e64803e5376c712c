import { AppError, type TPhotoSize } from '@showcart/shared';
import type { TDomainDeps } from '../deps.ts';
import { photoKey } from './upload-photo.ts';

/**
 * A photo's size to send, read from the store alone: its files exist only for a photo
 * whose upload succeeded (or is finishing), and their bytes never change. NOT_FOUND else.
 */
export const openPhoto = async (deps: Pick<TDomainDeps, 'photos'>, p: { photoId: string; size: TPhotoSize }) => {
  const file = await deps.photos.open(photoKey(p.photoId, p.size));
  if (!file) throw new AppError('NOT_FOUND', 'No such photo.');
  return file;
};
