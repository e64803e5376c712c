import { takeRefund } from '@showcart/shared';
import { execute, queryRow, queryRows, type Stripe, type TDb, type TLogger, withTransaction } from '@showcart/common';
import { z } from 'zod';
import { journals, ledgerAccounts, payableOf, postJournal, type TTransferKind } from './ledger.ts';
import { UnrecoverableError } from 'bullmq';

export const refundIdempotencyKey = (refundId: string) => `refund-${refundId}`;
export const reversalIdempotencyKey = (refundId: string, kind: TTransferKind) => `refund-${refundId}-reversal-${kind}`;

/**
 * Carries out a seller's refund, once, in two steps that each survive a crash:
 * 1. Stripe refunds the buyer; the order's shares shrink (seller first, then commission,
 *    then fee) and the ledger records it, in one transaction.
 * 2. What each party gives back of money already paid out to it is reversed from its
 *    transfer. A transfer still waiting is paid in full later and reversed then: its
 *    amount is never changed, because a first attempt may have reached Stripe.
 * Returns the reversals made now.
 */
export const refundOrder = async (deps: { db: TDb; stripe: Stripe; logger: TLogger }, refundId: string): Promise<number> => {
  const { db, stripe, logger } = deps;
  const load = async () =>
    queryRow(db, z.object({
      status: z.string(), orderId: z.string(), amountMinor: z.number(), intentId: z.string().nullable(), currency: z.string(),
      fromSeller: z.number().nullable(), fromCommission: z.number().nullable(),
    }),
      `select r.status, r.order_id as "orderId", r.amount_minor as "amountMinor", o.stripe_payment_intent_id as "intentId",
              o.currency, r.from_seller_minor as "fromSeller", r.from_commission_minor as "fromCommission"
         from refunds r join orders o on o.id = r.order_id where r.id = $1`,
      [refundId],
    );
  let refund = await load();
  if (!refund) throw new UnrecoverableError(`refund ${refundId} does not exist`);
  if (!refund.intentId) throw new UnrecoverableError(`refund ${refundId}: its order was never charged`);

  if (refund.status === 'pending') {
    const made = await stripe.refunds.create(
      { payment_intent: refund.intentId, amount: refund.amountMinor, metadata: { orderId: refund.orderId, refundId } },
      { idempotencyKey: refundIdempotencyKey(refundId) },
    );
    await withTransaction(db, async (tx) => {
      const rows = await queryRows(tx, z.object({
        sellerId: z.string(), hostId: z.string().nullable(), seller: z.number(), commission: z.number(),
        fee: z.number(),
      }),
        `select seller_id as "sellerId", host_id as "hostId", seller_share_minor as seller, commission_minor as commission,
                platform_fee_minor as fee
           from orders where id = $1 for update`,
        [refund!.orderId],
      );
      const o = rows[0]!;
      if (!(await execute(tx, `select 1 from refunds where id = $1 and status = 'pending' for update`, [refundId]))) return;
      const after = takeRefund({ sellerShareMinor: o.seller, commissionMinor: o.commission, platformFeeMinor: o.fee }, refund!.amountMinor);
      await execute(tx,
        `update orders set seller_share_minor = $2, commission_minor = $3, platform_fee_minor = $4,
                           refunded_minor = refunded_minor + $5
          where id = $1`,
        [refund!.orderId, after.sellerShareMinor, after.commissionMinor, after.platformFeeMinor, refund!.amountMinor],
      );
      await execute(tx,
        `update refunds set status = 'succeeded', stripe_refund_id = $2, succeeded_at = now(),
                            from_seller_minor = $3, from_commission_minor = $4, from_fee_minor = $5
          where id = $1`,
        [refundId, made.id, after.fromSeller, after.fromCommission, after.fromFee],
      );
      await postJournal(tx, {
        journal: journals.refund(refundId),
        orderId: refund!.orderId,
        currency: refund!.currency,
        lines: [
          { account: ledgerAccounts.stripeBalance, amountMinor: -refund!.amountMinor },
          { account: ledgerAccounts.sellerPayable(o.sellerId), amountMinor: after.fromSeller },
          ...(o.hostId ? [{ account: ledgerAccounts.hostPayable(o.hostId), amountMinor: after.fromCommission }] : []),
          { account: ledgerAccounts.platformFees, amountMinor: after.fromFee },
        ],
      });
    });
    refund = (await load())!;
    logger.info({ refundId, orderId: refund.orderId, amountMinor: refund.amountMinor }, 'refund made');
  }

  let reversed = 0;
  const owed: [TTransferKind, number][] = [['seller', refund.fromSeller ?? 0], ['commission', refund.fromCommission ?? 0]];
  for (const [kind, owedMinor] of owed) {
    if (owedMinor <= 0) continue;
    const rows = await queryRows(db, z.object({
      id: z.string(), transferId: z.string(), userId: z.string(), left: z.number(),
    }),
      `select t.id, t.stripe_transfer_id as "transferId", t.destination_user_id as "userId", t.amount_minor - t.reversed_minor as left
         from transfers t
        where t.order_id = $1 and t.kind = $2 and t.status = 'sent'
          and not exists (select 1 from transfer_reversals r where r.refund_id = $3 and r.kind = $2)`,
      [refund.orderId, kind, refundId],
    );
    const t = rows[0];
    if (!t) continue;
    const amount = Math.min(owedMinor, t.left);
    if (amount <= 0) continue;
    const reversal = await stripe.transfers.createReversal(
      t.transferId,
      { amount, metadata: { refundId, orderId: refund.orderId } },
      { idempotencyKey: reversalIdempotencyKey(refundId, kind) },
    );
    await withTransaction(db, async (tx) => {
      const rowCount = await execute(tx,
        `insert into transfer_reversals (refund_id, kind, amount_minor, stripe_reversal_id) values ($1, $2, $3, $4) on conflict do nothing`,
        [refundId, kind, amount, reversal.id],
      );
      if (!rowCount) return;
      await execute(tx, 'update transfers set reversed_minor = reversed_minor + $2 where id = $1', [t.id, amount]);
      await postJournal(tx, {
        journal: journals.reversal(refundId, kind),
        orderId: refund!.orderId,
        currency: refund!.currency,
        lines: [
          { account: payableOf(kind, t.userId), amountMinor: -amount },
          { account: ledgerAccounts.stripeBalance, amountMinor: amount },
        ],
      });
      reversed++;
    });
  }
  return reversed;
};
