import { z } from 'zod';

/** The queue of everything that happens after a show: persisting, settling, charging. */
export const SETTLEMENT_QUEUE = 'settlement';

/** Jobs as data: a name and the schema of its payload. Payloads carry ids, never secrets. */
export const JOBS = {
  settleShow: { name: 'settle-show', schema: z.strictObject({ showId: z.uuid() }) },
  chargeOrder: { name: 'charge-order', schema: z.strictObject({ orderId: z.uuid() }) },
} as const;

export type TSettleShowJob = z.infer<typeof JOBS.settleShow.schema>;
export type TChargeOrderJob = z.infer<typeof JOBS.chargeOrder.schema>;

/** Job ids derived from our own ids: adding the same job twice is a no-op. */
export const jobIds = {
  settleShow: (showId: string) => `settle-show-${showId}`,
  chargeOrder: (orderId: string) => `charge-order-${orderId}`,
};
