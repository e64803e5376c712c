import { API, AppError, isErrorCode, MAX_PHOTO_BYTES, PHOTO_FIELD, ZPhoto, type TPhoto } from '@showcart/shared';

/**
 * Uploads one photo (POST /api/photos, multipart) and resolves with what the server made
 * of it. XMLHttpRequest rather than fetch: only it reports the upload's progress, which
 * a phone on a slow network needs to see. A refusal rejects with the server's AppError
 * (its message says what was wrong with the file); a file over the limit is refused here,
 * before a byte is sent.
 */
export const uploadPhoto = (file: File, p: { onProgress?: (fraction: number) => void; signal?: AbortSignal } = {}): Promise<TPhoto> =>
  new Promise((resolve, reject) => {
    if (file.size > MAX_PHOTO_BYTES) {
      reject(new AppError('PAYLOAD_TOO_LARGE', `That file is ${(file.size / 1024 / 1024).toFixed(0)} MB: a photo may be at most ${MAX_PHOTO_BYTES / 1024 / 1024} MB.`));
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open(API['photos.upload'].method, API['photos.upload'].path);
    xhr.responseType = 'json';
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) p.onProgress?.(e.loaded / e.total);
    };
    xhr.onload = () => {
      const body: unknown = xhr.response;
      if (xhr.status === API['photos.upload'].status) {
        const parsed = ZPhoto.safeParse(body);
        if (parsed.success) resolve(parsed.data);
        else reject(new AppError('INTERNAL'));
        return;
      }
      const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
      reject(new AppError(isErrorCode(error?.code) ? error.code : 'INTERNAL', typeof error?.message === 'string' ? error.message : undefined));
    };
    xhr.onerror = () => reject(new AppError('UNAVAILABLE', 'The upload did not get through: check your connection and try again.'));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    p.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    const form = new FormData();
    form.append(PHOTO_FIELD, file);
    xhr.send(form);
  });
