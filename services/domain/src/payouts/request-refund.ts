import { enqueue, JOBS, jobIds, queryRow, withTransaction } from '@showcart/common';
import { AppError, ZRefund, type TRefund, type TRefundBody } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';

/**
 * The seller gives back part or all of a paid order, never more than is left of it. The
 * attempt id is the refund's id, so a retried request is the same refund; the refund job
 * carries it out (Stripe, then reversals of payouts made).
 */
export const requestRefund = async (
  deps: Pick<TDomainDeps, 'db' | 'queue'>,
  p: { orderId: string; sellerId: string; refund: TRefundBody },
): Promise<TRefund> => {
  const refund = await withTransaction(deps.db, async (tx) => {
    const order = await queryRow(tx, z.object({ sellerId: z.string(), status: z.string(), left: z.number() }),
      `select o.seller_id as "sellerId", o.status,
              o.total_minor - (select coalesce(sum(amount_minor), 0) from refunds r where r.order_id = o.id and r.id <> $2)::int as left
         from orders o where o.id = $1 for update`,
      [p.orderId, p.refund.attemptId],
    );
    if (!order || order.sellerId !== p.sellerId) throw new AppError('NOT_FOUND', 'No such sale.');
    const earlier = await queryRow(tx, ZRefund,
      `select id, order_id as "orderId", amount_minor as "amountMinor", status from refunds where id = $1`,
      [p.refund.attemptId],
    );
    if (earlier) {
      if (earlier.orderId !== p.orderId || earlier.amountMinor !== p.refund.amountMinor) {
        throw new AppError('CONFLICT', 'That attempt id was used for another refund.');
      }
      return earlier;
    }
    if (order.status !== 'paid') throw new AppError('CONFLICT', 'Only a paid order can be refunded.');
    if (p.refund.amountMinor > order.left) throw new AppError('CONFLICT', `At most ${order.left} can still be refunded.`);
    return (await queryRow(tx, ZRefund,
      `insert into refunds (id, order_id, amount_minor, reason, created_by) values ($1, $2, $3, $4, $5)
       returning id, order_id as "orderId", amount_minor as "amountMinor", status`,
      [p.refund.attemptId, p.orderId, p.refund.amountMinor, p.refund.reason, p.sellerId],
    ))!;
  });
  if (refund.status === 'pending') await enqueue(deps.queue, JOBS.refundOrder.name, { refundId: refund.id }, jobIds.refundOrder(refund.id));
  return refund;
};
