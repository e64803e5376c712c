import { randomUUID } from 'node:crypto';
import { splitOrder, type TOrderLine } from '@showcart/shared';
import type { TQueryable } from './db.ts';
import { holdOfferUnit, sellOrderUnits } from './stock.ts';

/**
 * Orders, their money and what follows a payment or its failure, as Postgres writes that
 * the api (webhooks, paying on-session, waitlist offers) and the workers share. Each is
 * idempotent: a repeat finds the work done and changes nothing.
 */

/** Accounts of the double-entry ledger. The platform's Stripe balance is where charges land. */
export const ledgerAccounts = {
  stripeBalance: 'platform:stripe_balance',
  platformFees: 'platform:fees',
  sellerPayable: (userId: string) => `seller:${userId}:payable`,
  hostPayable: (userId: string) => `host:${userId}:commission_payable`,
};

export type TLedgerLine = { account: string; amountMinor: number };

/**
 * Posts one journal: lines that sum to zero, written once. A second post of the same
 * journal changes nothing; an unbalanced one is refused by the database at commit.
 */
export const postJournal = async (
  tx: TQueryable,
  p: { journal: string; orderId: string | null; currency: string; lines: TLedgerLine[] },
): Promise<void> => {
  const lines = p.lines.filter((l) => l.amountMinor !== 0);
  if (lines.length === 0) return;
  await tx.query(
    `insert into ledger_entries (journal, account, order_id, amount_minor, currency)
     select $1, a.account, $2, a.amount, $3
       from unnest($4::text[], $5::bigint[]) as a(account, amount)
     on conflict (journal, account) do nothing`,
    [p.journal, p.orderId, p.currency, lines.map((l) => l.account), lines.map((l) => l.amountMinor)],
  );
};

export const journals = {
  charge: (orderId: string) => `order:${orderId}:charge`,
  transfer: (orderId: string, kind: TTransferKind) => `order:${orderId}:transfer:${kind}`,
  refund: (refundId: string) => `refund:${refundId}`,
  reversal: (refundId: string, kind: TTransferKind) => `refund:${refundId}:reversal:${kind}`,
};

export type TTransferKind = 'seller' | 'commission';

/** The ledger account that a transfer of this kind pays. */
export const payableOf = (kind: TTransferKind, userId: string) =>
  kind === 'seller' ? ledgerAccounts.sellerPayable(userId) : ledgerAccounts.hostPayable(userId);

/** The shipping fee of one bundle: the seller's rate, else the default, never above the cap. */
export const shippingFor = (sellerRateMinor: number | null, rules: { defaultShippingMinor: number; shippingCapMinor: number }) =>
  Math.min(sellerRateMinor ?? rules.defaultShippingMinor, rules.shippingCapMinor);

/**
 * Creates one order for the given won claims of one buyer and one seller, with its split,
 * and links the claims to it. Returns null if the bundle exists already (origin 'show') or
 * a claim is in an order already.
 */
export const insertOrder = async (
  tx: TQueryable,
  p: {
    showId: string;
    buyerId: string;
    sellerId: string;
    hostId: string;
    currency: string;
    origin: 'show' | 'waitlist' | 'replay';
    claims: { id: string; priceMinor: number; commissionBps: number }[];
    shippingMinor: number;
    platformFeeBps: number;
  },
): Promise<string | null> => {
  const lines: TOrderLine[] = p.claims.map((c) => ({ priceMinor: c.priceMinor, commissionBps: c.commissionBps }));
  const split = splitOrder({ lines, shippingMinor: p.shippingMinor, platformFeeBps: p.platformFeeBps });
  const { rows } = await tx.query<{ id: string }>(
    `insert into orders (show_id, buyer_id, seller_id, host_id, currency, origin, items_minor, shipping_minor,
                         total_minor, commission_minor, platform_fee_minor, seller_share_minor)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     on conflict do nothing
     returning id`,
    [p.showId, p.buyerId, p.sellerId, p.hostId, p.currency, p.origin, split.itemsMinor, split.shippingMinor,
      split.totalMinor, split.commissionMinor, split.platformFeeMinor, split.sellerShareMinor],
  );
  const orderId = rows[0]?.id;
  if (!orderId) return null;
  await tx.query(
    `insert into order_items (order_id, claim_id, price_minor)
     select $1, c.id, c.price from unnest($2::uuid[], $3::int[]) as c(id, price)`,
    [orderId, p.claims.map((c) => c.id), p.claims.map((c) => c.priceMinor)],
  );
  return orderId;
};

/**
 * Records a successful charge: the order is paid, its transfers are due (waiting for the
 * worker, or for the receiver's Connect account), the ledger gets the charge's journal and
 * the sold units, which the order's claims held, leave the seller's closet. Returns false if the order was paid already.
 */
export const markOrderPaid = async (
  tx: TQueryable,
  p: { orderId: string; paymentIntentId: string; chargeId: string | null },
): Promise<boolean> => {
  const { rows } = await tx.query<{
    currency: string; totalMinor: number; sellerId: string; hostId: string | null;
    commissionMinor: number; platformFeeMinor: number; sellerShareMinor: number;
  }>(
    `update orders set status = 'paid', paid_at = now(), stripe_payment_intent_id = $2,
                       stripe_charge_id = coalesce(stripe_charge_id, $3), failure_code = null, pay_by = null
      where id = $1 and status in ('pending', 'payment_failed', 'action_required')
            and (stripe_payment_intent_id is null or stripe_payment_intent_id = $2)
      returning currency, total_minor as "totalMinor", seller_id as "sellerId", host_id as "hostId",
                commission_minor as "commissionMinor", platform_fee_minor as "platformFeeMinor",
                seller_share_minor as "sellerShareMinor"`,
    [p.orderId, p.paymentIntentId, p.chargeId],
  );
  const o = rows[0];
  if (!o) return false;
  const transfers: { kind: TTransferKind; to: string; amount: number }[] = [
    { kind: 'seller' as const, to: o.sellerId, amount: o.sellerShareMinor },
    ...(o.hostId ? [{ kind: 'commission' as const, to: o.hostId, amount: o.commissionMinor }] : []),
  ].filter((t) => t.amount > 0);
  for (const t of transfers) {
    await tx.query(
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
      { account: ledgerAccounts.sellerPayable(o.sellerId), amountMinor: -o.sellerShareMinor },
      ...(o.hostId ? [{ account: ledgerAccounts.hostPayable(o.hostId), amountMinor: -o.commissionMinor }] : []),
      { account: ledgerAccounts.platformFees, amountMinor: -o.platformFeeMinor },
    ],
  });
  await sellOrderUnits(tx, p.orderId);
  return true;
};

/** A charge that failed: the buyer gets until `payBy` to pay on-session. False if the order had moved on. */
export const markOrderUnpaid = async (
  tx: TQueryable,
  p: { orderId: string; status: 'payment_failed' | 'action_required'; failureCode: string; paymentIntentId: string | null; payBy: Date },
): Promise<boolean> => {
  const { rowCount } = await tx.query(
    `update orders set status = $2, failure_code = $3, stripe_payment_intent_id = coalesce(stripe_payment_intent_id, $4),
                       pay_by = coalesce(pay_by, $5)
      where id = $1 and status in ('pending', 'payment_failed', 'action_required')`,
    [p.orderId, p.status, p.failureCode, p.paymentIntentId, p.payBy],
  );
  return (rowCount ?? 0) > 0;
};

/**
 * Who is still waiting for an entry after its show: the live waitlist at the end of the
 * show (joins, less those who left or were offered a unit), in order, less anyone already
 * offered a unit after the show and the buyer who let the unit go.
 */
export const waitingAfterShow = async (tx: TQueryable, p: { showId: string; entryId: string; exceptUserId: string }) => {
  const { rows } = await tx.query<{ type: string; userId: string }>(
    `select type, payload->>'userId' as "userId" from show_events
      where show_id = $1 and payload->>'entryId' = $2
        and type in ('waitlist.joined', 'waitlist.left', 'waitlist.offered')
      order by seq`,
    [p.showId, p.entryId],
  );
  let line: string[] = [];
  for (const e of rows) {
    line = line.filter((u) => u !== e.userId);
    if (e.type === 'waitlist.joined') line.push(e.userId);
  }
  const { rows: offered } = await tx.query<{ userId: string }>(
    'select user_id as "userId" from waitlist_offers where entry_id = $1',
    [p.entryId],
  );
  // Then those who joined from the replay, in the order they joined.
  const { rows: fromReplay } = await tx.query<{ userId: string }>(
    'select user_id as "userId" from replay_waitlist where entry_id = $1 order by joined_at, user_id',
    [p.entryId],
  );
  for (const r of fromReplay) if (!line.includes(r.userId)) line.push(r.userId);
  const done = new Set([...offered.map((o) => o.userId), p.exceptUserId]);
  return line.filter((u) => !done.has(u));
};

/**
 * Offers a released unit to the next buyer waiting for its entry, until `expiresAt`; the
 * offer holds the unit (the caller has let go of the hold that had it). Returns the
 * offer's id, or null when nobody is waiting: the unit is free in its seller's closet.
 */
export const offerReleasedUnit = async (
  tx: TQueryable,
  p: { releasedClaimId: string; exceptUserId: string; expiresAt: Date },
): Promise<string | null> => {
  const { rows } = await tx.query<{ showId: string; entryId: string; priceMinor: number }>(
    'select show_id as "showId", entry_id as "entryId", price_minor as "priceMinor" from claims where id = $1',
    [p.releasedClaimId],
  );
  const claim = rows[0];
  if (!claim) return null;
  const [next] = await waitingAfterShow(tx, { showId: claim.showId, entryId: claim.entryId, exceptUserId: p.exceptUserId });
  if (!next) return null;
  const id = randomUUID();
  const { rowCount } = await tx.query(
    `insert into waitlist_offers (id, show_id, entry_id, user_id, released_claim_id, price_minor, expires_at)
     values ($1, $2, $3, $4, $5, $6, $7) on conflict do nothing`,
    [id, claim.showId, claim.entryId, next, p.releasedClaimId, claim.priceMinor, p.expiresAt],
  );
  if (!rowCount) return null;
  await holdOfferUnit(tx, id);
  return id;
};
