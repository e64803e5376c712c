import { execute, queryRows, type TQueryable } from '@showcart/common';
import { z } from 'zod';
import { sellOrderUnits } from '../catalog/stock.ts';
import { journals, ledgerAccounts, postJournal, type TTransferKind } from '../payouts/ledger.ts';

/**
 * Records a successful charge: the order is paid, its transfers are due (waiting for the
 * worker, or for the receiver's Connect account), the ledger gets the charge's journal (the
 * platform's `platform:boost` account paying a first-sale boost), the seller has made its
 * first sale (no longer new) and the sold units, which the order's claims held, leave the
 * seller's closet. Returns false if the order was paid already.
 */
export const markOrderPaid = async (
  tx: TQueryable,
  p: { orderId: string; paymentIntentId: string; chargeId: string | null },
): Promise<boolean> => {
  const rows = await queryRows(tx, z.object({
    currency: z.string(), totalMinor: z.number(), sellerId: z.string(), hostId: z.string().nullable(),
    commissionMinor: z.number(), platformFeeMinor: z.number(), sellerShareMinor: z.number(), boostMinor: z.number(),
  }),
    `update orders set status = 'paid', paid_at = now(), stripe_payment_intent_id = $2,
                       stripe_charge_id = coalesce(stripe_charge_id, $3), failure_code = null, pay_by = null
      where id = $1 and status in ('pending', 'payment_failed', 'action_required')
            and (stripe_payment_intent_id is null or stripe_payment_intent_id = $2)
      returning currency, total_minor as "totalMinor", seller_id as "sellerId", host_id as "hostId",
                commission_minor as "commissionMinor", platform_fee_minor as "platformFeeMinor",
                seller_share_minor as "sellerShareMinor", boost_minor as "boostMinor"`,
    [p.orderId, p.paymentIntentId, p.chargeId],
  );
  const o = rows[0];
  if (!o) return false;
  const transfers: { kind: TTransferKind; to: string; amount: number }[] = [
    { kind: 'seller' as const, to: o.sellerId, amount: o.sellerShareMinor },
    ...(o.hostId ? [{ kind: 'commission' as const, to: o.hostId, amount: o.commissionMinor }] : []),
  ].filter((t) => t.amount > 0);
  for (const t of transfers) {
    await execute(tx,
      `insert into transfers (order_id, kind, destination_user_id, amount_minor, currency)
       values ($1, $2, $3, $4, $5) on conflict (order_id, kind) do nothing`,
      [p.orderId, t.kind, t.to, t.amount, o.currency],
    );
  }
  await postJournal(tx, {
    journal: journals.charge(p.orderId),
    orderId: p.orderId,
    currency: o.currency,
    lines: [
      { account: ledgerAccounts.stripeBalance, amountMinor: o.totalMinor },
      { account: ledgerAccounts.platformBoost, amountMinor: o.boostMinor },
      { account: ledgerAccounts.sellerPayable(o.sellerId), amountMinor: -o.sellerShareMinor },
      ...(o.hostId ? [{ account: ledgerAccounts.hostPayable(o.hostId), amountMinor: -o.commissionMinor }] : []),
      { account: ledgerAccounts.platformFees, amountMinor: -o.platformFeeMinor },
    ],
  });
  await execute(tx, 'update users set first_sale_at = now() where id = $1 and first_sale_at is null', [o.sellerId]);
  await sellOrderUnits(tx, p.orderId);
  return true;
};

/** A charge that failed: the buyer gets until `payBy` to pay on-session. False if the order had moved on. */
export const markOrderUnpaid = async (
  tx: TQueryable,
  p: { orderId: string; status: 'payment_failed' | 'action_required'; failureCode: string; paymentIntentId: string | null; payBy: Date },
): Promise<boolean> => {
  const rowCount = await execute(tx,
    `update orders set status = $2, failure_code = $3, stripe_payment_intent_id = coalesce(stripe_payment_intent_id, $4),
                       pay_by = coalesce(pay_by, $5)
      where id = $1 and status in ('pending', 'payment_failed', 'action_required')`,
    [p.orderId, p.status, p.failureCode, p.paymentIntentId, p.payBy],
  );
  return rowCount > 0;
};

