import { z } from 'zod';

export const ZId = z.uuid();
export type TId = z.infer<typeof ZId>;

/** A client-made operation id: retrying with the same id is safe. */
export const ZClientOpId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/);
export type TClientOpId = z.infer<typeof ZClientOpId>;
