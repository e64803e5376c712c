import { execute, queryRows, type Stripe, type TDb, type TLogger, withTransaction } from '@showcart/common';
import { z } from 'zod';
import { journals, ledgerAccounts, payableOf, postJournal, type TTransferKind } from './ledger.ts';

/** Derived from our ids: a retried transfer is the same transfer to Stripe. */
export const transferIdempotencyKey = (orderId: string, kind: TTransferKind) => `order-${orderId}-transfer-${kind}`;

/**
 * Pays out a paid order's waiting transfers: the seller's share and the host's
 * commission, each from the order's charge (`source_transaction`) and grouped by the
 * order id. A receiver without a ready Connect account keeps its transfer waiting until
 * Stripe says the account is ready. Returns the kinds sent and how many still wait.
 */
export const transferOrder = async (
  deps: { db: TDb; stripe: Stripe; logger: TLogger },
  orderId: string,
): Promise<{ sent: TTransferKind[]; waiting: number }> => {
  const { db, stripe, logger } = deps;
  const rows = await queryRows(db, z.object({
    id: z.string(), kind: z.enum(['seller', 'commission']), destinationUserId: z.string(),
    amountMinor: z.number(), currency: z.string(), chargeId: z.string().nullable(),
    accountId: z.string().nullable(), ready: z.boolean().nullable(), boosted: z.boolean(),
  }),
    `select t.id, t.kind, t.destination_user_id as "destinationUserId", t.amount_minor as "amountMinor", t.currency,
            o.stripe_charge_id as "chargeId", a.stripe_account_id as "accountId", a.transfers_active as ready,
            o.boost_minor > 0 as boosted
       from transfers t join orders o on o.id = t.order_id
       left join connect_accounts a on a.user_id = t.destination_user_id
      where t.order_id = $1 and t.status = 'waiting' and o.status = 'paid'
      order by t.kind`,
    [orderId],
  );
  const sent: TTransferKind[] = [];
  let waiting = 0;
  for (const t of rows) {
    if (!t.accountId || !t.ready) {
      waiting++;
      logger.info({ orderId, kind: t.kind, userId: t.destinationUserId }, 'transfer waits for a ready Connect account');
      continue;
    }
    const transfer = await stripe.transfers.create(
      {
        amount: t.amountMinor,
        currency: t.currency,
        destination: t.accountId,
        transfer_group: orderId,
        // A boosted order's shares add up to more than its charge, and Stripe transfers no more
        // than a charge from it: the platform's balance pays the boost.
        ...(t.chargeId && !t.boosted ? { source_transaction: t.chargeId } : {}),
        metadata: { orderId, kind: t.kind },
      },
      { idempotencyKey: transferIdempotencyKey(orderId, t.kind) },
    );
    await withTransaction(db, async (tx) => {
      const rowCount = await execute(tx,
        `update transfers set status = 'sent', stripe_transfer_id = $2, sent_at = now() where id = $1 and status = 'waiting'`,
        [t.id, transfer.id],
      );
      if (!rowCount) return;
      const payable = payableOf(t.kind, t.destinationUserId);
      await postJournal(tx, {
        journal: journals.transfer(orderId, t.kind),
        orderId,
        currency: t.currency,
        lines: [
          { account: payable, amountMinor: t.amountMinor },
          { account: ledgerAccounts.stripeBalance, amountMinor: -t.amountMinor },
        ],
      });
    });
    sent.push(t.kind);
  }
  return { sent, waiting };
};
