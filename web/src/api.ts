import { AppError, isErrorCode } from '@showcart/shared';

/** Calls the api with the session cookie; a failure becomes an AppError with its message. */
export const api = async <T>(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> => {
  const res = await fetch(`/api${path}`, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return undefined as T;
  const data: unknown = await res.json().catch(() => undefined);
  if (!res.ok) {
    const error = (data as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const code = isErrorCode(error?.code) ? error.code : 'INTERNAL';
    throw new AppError(code, typeof error?.message === 'string' ? error.message : undefined);
  }
  return data as T;
};

export const messageOf = (error: unknown) =>
  error instanceof AppError ? error.message : 'Something went wrong; please try again.';

/** A client-made operation id: a retried tap sends the same one. */
export const newOpId = () => crypto.randomUUID().replaceAll('-', '');
