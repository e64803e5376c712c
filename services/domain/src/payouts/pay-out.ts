import { enqueue, JOBS, jobIds, queryRows } from '@showcart/common';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { transferOrder } from './transfer-order.ts';

/**
 * Pays out a paid order (transferOrder), then has every refund made before this payout
 * take its part back from it: the refund job reverses what it finds sent.
 */
export const payOutOrder = async (deps: Pick<TDomainDeps, 'db' | 'stripe' | 'logger' | 'queue'>, orderId: string) => {
  const result = await transferOrder(deps, orderId);
  if (result.sent.length > 0) {
    const refunds = await queryRows(deps.db, z.object({ id: z.string() }), `select id from refunds where order_id = $1 and status = 'succeeded'`, [orderId]);
    for (const { id } of refunds) {
      await enqueue(deps.queue, JOBS.refundOrder.name, { refundId: id }, jobIds.refundOrder(id, `payout-${result.sent.join('-')}`));
    }
  }
  return result;
};

/** Payouts that waited for a user's Connect account go now (`reason` makes the job ids new). */
export const sendWaitingPayouts = async (deps: Pick<TDomainDeps, 'db' | 'queue'>, userId: string, reason: string) => {
  const orders = await queryRows(deps.db, z.object({ orderId: z.string() }),
    `select distinct order_id as "orderId" from transfers where destination_user_id = $1 and status = 'waiting'`,
    [userId],
  );
  for (const { orderId } of orders) {
    await enqueue(deps.queue, JOBS.transferOrder.name, { orderId }, jobIds.transferOrder(orderId, reason));
  }
};
