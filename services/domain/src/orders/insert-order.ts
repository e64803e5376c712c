import { firstSaleBoostFor, splitOrder, type TOrderLine } from '@showcart/shared';
import { execute, queryRows, type TQueryable } from '@showcart/common';
import { z } from 'zod';
import { shippingAddressOf } from '../accounts/addresses.ts';

/** The shipping fee of one bundle: the seller's rate, else the default, never above the cap. */
export const shippingFor = (sellerRateMinor: number | null, rules: { defaultShippingMinor: number; shippingCapMinor: number }) =>
  Math.min(sellerRateMinor ?? rules.defaultShippingMinor, rules.shippingCapMinor);

/**
 * Creates one order for the given won claims of one buyer and one seller, with its split,
 * and links the claims to it; the first order of a seller with no sale yet takes the
 * first-sale boost (takeFirstSaleBoost) on what is left of the shipping fee after the
 * seller's own shipping discount (an offer to likers). Returns null if the bundle exists
 * already (origin 'show') or a claim is in an order already.
 */
export const insertOrder = async (
  tx: TQueryable,
  p: {
    /** Null for a closet purchase, which has neither show nor host. */
    showId: string | null;
    buyerId: string;
    sellerId: string;
    hostId: string | null;
    currency: string;
    origin: 'show' | 'waitlist' | 'replay' | 'closet';
    claims: { id: string; priceMinor: number; commissionBps: number }[];
    shippingMinor: number;
    /** What the seller takes off the shipping fee (an offer to likers), at most the fee. */
    shippingDiscountMinor?: number;
    platformFeeBps: number;
    /** FIRST_SALE_SHIPPING_DISCOUNT_MINOR. */
    firstSaleDiscountMaxMinor: number;
  },
): Promise<string | null> => {
  const lines: TOrderLine[] = p.claims.map((c) => ({ priceMinor: c.priceMinor, commissionBps: c.commissionBps }));
  const split = splitOrder({ lines, shippingMinor: p.shippingMinor, platformFeeBps: p.platformFeeBps, shippingDiscountMinor: p.shippingDiscountMinor });
  const rows = await queryRows(tx, z.object({ id: z.string() }),
    `insert into orders (show_id, buyer_id, seller_id, host_id, currency, origin, items_minor, shipping_minor,
                         total_minor, commission_minor, platform_fee_minor, seller_share_minor, shipping_address,
                         discount_minor, shipping_discount_minor)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, ${shippingAddressOf('$2')}, $13, $13)
     on conflict do nothing
     returning id`,
    [p.showId, p.buyerId, p.sellerId, p.hostId, p.currency, p.origin, split.itemsMinor, split.shippingMinor,
      split.totalMinor, split.commissionMinor, split.platformFeeMinor, split.sellerShareMinor, split.shippingDiscountMinor],
  );
  const orderId = rows[0]?.id;
  if (!orderId) return null;
  await execute(tx,
    `insert into order_items (order_id, claim_id, price_minor)
     select $1, c.id, c.price from unnest($2::uuid[], $3::int[]) as c(id, price)`,
    [orderId, p.claims.map((c) => c.id), p.claims.map((c) => c.priceMinor)],
  );
  await takeFirstSaleBoost(tx, {
    orderId, sellerId: p.sellerId, boostMinor: firstSaleBoostFor(split.shippingMinor - split.shippingDiscountMinor, p.firstSaleDiscountMaxMinor),
  });
  return orderId;
};

/**
 * Gives a new order the first-sale boost if its seller has never been paid for an order and
 * no other order holds the boost: the seller's `first_sale_boosts` row, whose key makes a
 * concurrent first order wait and then go without. The platform pays `boostMinor` of the
 * shipping (as splitOrder's `boostMinor`): the charge and the discount move, the seller's
 * share does not.
 */
const takeFirstSaleBoost = async (
  tx: TQueryable,
  p: { orderId: string; sellerId: string; boostMinor: number },
): Promise<void> => {
  if (p.boostMinor <= 0) return;
  const taken = await execute(tx,
    `insert into first_sale_boosts (seller_id, order_id)
     select id, $2 from users where id = $1 and first_sale_at is null
     on conflict (seller_id) do nothing`,
    [p.sellerId, p.orderId],
  );
  if (!taken) return;
  await execute(tx,
    `update orders set boost_minor = $2, discount_minor = discount_minor + $2, total_minor = total_minor - $2
      where id = $1 and boost_minor = 0`,
    [p.orderId, p.boostMinor],
  );
};

