import { z } from 'zod';
import { ZId } from './ids.ts';
import { ZAmountMinor, type TCurrency } from './money.ts';
import type { TShowEntry, TShowStatus } from './show.ts';

export const ZLoginBody = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(200),
});
export type TLoginBody = z.infer<typeof ZLoginBody>;

export type TMe = {
  id: string;
  email: string;
  displayName: string;
  /** The buyer has a saved card, so claims can be charged after the show. */
  hasPaymentMethod: boolean;
  /** An operator: may open the job dashboard. */
  isAdmin: boolean;
};

export const ZCreateShowBody = z.strictObject({
  title: z.string().trim().min(3).max(120),
  scheduledAt: z.iso.datetime().optional(),
  entries: z
    .array(
      z.strictObject({
        variantId: ZId,
        /** The live price; defaults to the listing's price. */
        priceMinor: ZAmountMinor.positive().optional(),
        quantity: z.number().int().positive().max(10_000).optional(),
      }),
    )
    .min(1)
    .max(200),
});
export type TCreateShowBody = z.infer<typeof ZCreateShowBody>;

/** The host adds one of its own variants to a scheduled or live show. */
export const ZAddEntryBody = ZCreateShowBody.shape.entries.element;
export type TAddEntryBody = z.infer<typeof ZAddEntryBody>;

export type TShowSummary = {
  id: string;
  title: string;
  status: TShowStatus;
  hostId: string;
  hostName: string;
  scheduledAt: string | null;
  startedAt: string | null;
  entryCount: number;
  /** The show's replay: being recorded, ready to watch, or none (never live, failed, deleted). */
  replay: 'recording' | 'ready' | null;
  replayListed: boolean;
};

export type TShowDetail = TShowSummary & { entries: TShowEntry[] };

export type TListing = {
  id: string;
  title: string;
  photoUrl: string;
  priceMinor: number;
  currency: TCurrency;
  sellerId: string;
  sellerName: string;
  /** `quantity` is in the closet; `free` is what no show, order or offer holds (what a new show can take). */
  variants: { id: string; label: string; quantity: number; free: number }[];
};

/** A LiveKit join grant: the host's may publish, a viewer's may only subscribe. */
export type TLiveKitGrant = { url: string; token: string; room: string; role: 'host' | 'viewer' };

export const ORDER_STATUSES = [
  'pending',
  'paid',
  'payment_failed',
  'action_required',
  'canceled',
] as const;
export type TOrderStatus = (typeof ORDER_STATUSES)[number];

export type TOrder = {
  id: string;
  showId: string;
  showTitle: string;
  sellerName: string;
  currency: TCurrency;
  itemsMinor: number;
  shippingMinor: number;
  discountMinor: number;
  totalMinor: number;
  status: TOrderStatus;
  createdAt: string;
  paidAt: string | null;
  /** Why the last charge failed (Stripe's decline code), while unpaid. */
  failureCode: string | null;
  /** An unpaid order's deadline to pay; the items are released after it. */
  payBy: string | null;
  origin: 'show' | 'waitlist' | 'replay';
  /** Given back by the seller so far. */
  refundedMinor: number;
  items: { claimId: string; title: string; variantLabel: string; priceMinor: number }[];
};

/** A seller gives back part or all of a paid order. */
export const ZRefundBody = z.strictObject({
  attemptId: ZId,
  amountMinor: ZAmountMinor.positive(),
  reason: z.string().trim().min(1).max(200),
});
export type TRefundBody = z.infer<typeof ZRefundBody>;
export type TRefund = { id: string; orderId: string; amountMinor: number; status: 'pending' | 'succeeded' };

/** A buyer's saved card, as much of it as is safe to show. */
export type TCard = { brand: string; last4: string; exp: string | null };

/**
 * How this server takes cards: with Stripe Elements (real Stripe, a publishable key), or,
 * against stripe-mock, by picking one of Stripe's test cards.
 */
export type TPaymentSetup = {
  card: TCard | null;
  mode: 'elements' | 'test';
  publishableKey: string | null;
  testCards: { paymentMethod: string; label: string }[];
};

/** Stripe's test payment methods offered when this server runs against stripe-mock. */
export const TEST_CARDS = [
  { paymentMethod: 'pm_card_visa', label: 'Visa 4242 — pays' },
  { paymentMethod: 'pm_card_mastercard', label: 'Mastercard 4444 — pays' },
  { paymentMethod: 'pm_card_chargeDeclined', label: 'Visa 0002 — declined' },
  { paymentMethod: 'pm_card_authenticationRequired', label: 'Visa 3184 — asks for 3-D Secure' },
] as const;

export const ZTestCardBody = z.strictObject({
  paymentMethod: z.enum(TEST_CARDS.map((c) => c.paymentMethod) as [string, ...string[]]),
});
/** A client-made id for one attempt (saving a card, paying): retries of it are the same attempt. */
export const ZAttemptBody = z.strictObject({ attemptId: ZId });
export const ZSetupCompleteBody = z.strictObject({ setupIntentId: z.string().regex(/^seti_[A-Za-z0-9]{1,64}$/) });
export const ZPayCompleteBody = z.strictObject({ paymentIntentId: z.string().regex(/^pi_[A-Za-z0-9]{1,64}$/) });

/** To pay an order on-session: in Elements mode, the PaymentIntent's client secret to confirm. */
export type TPayReply = { order: TOrder } | { clientSecret: string; publishableKey: string };

export type TConnectStatus = {
  accountId: string | null;
  detailsSubmitted: boolean;
  payoutsEnabled: boolean;
  /** Stripe lets transfers reach the account: waiting payouts are sent. */
  ready: boolean;
};

/** A seller's sale: an order of its items, with what it is paid and when. */
export type TSale = {
  orderId: string;
  showId: string;
  showTitle: string;
  buyerName: string;
  currency: TCurrency;
  status: TOrderStatus;
  totalMinor: number;
  sellerShareMinor: number;
  refundedMinor: number;
  items: { title: string; variantLabel: string; priceMinor: number }[];
  transfer: { amountMinor: number; status: 'waiting' | 'sent' } | null;
};

/** A host's summary of what a show sold. */
export type TShowSales = {
  showId: string;
  itemsSold: number;
  ordersByStatus: Partial<Record<TOrderStatus, number>>;
  currency: TCurrency | null;
  revenueMinor: number;
  commissionMinor: number;
  commissionPaidMinor: number;
};

/** A unit released by an unpaid order, offered to a buyer who was on the waitlist. */
export type TWaitlistOffer = {
  id: string;
  showId: string;
  showTitle: string;
  title: string;
  variantLabel: string;
  priceMinor: number;
  currency: TCurrency;
  expiresAt: string;
};

export type THealth = {
  ok: boolean;
  components: Record<string, { ok: boolean; detail?: string }>;
};

/**
 * The claims of one item after the show, in the order the engine decided them: the
 * proof that claims went first come, first served.
 */
export type TItemReceipts = {
  entryId: string;
  title: string;
  variantLabel: string;
  quantity: number;
  claims: {
    claimId: string;
    /** 1 for the first claim of the item. */
    position: number;
    /** The claim's place in the show's event log. */
    seq: number;
    /** Server time of the decision. */
    claimedAt: string;
    buyerName: string;
    status: 'won' | 'voided' | 'released';
  }[];
};

/** A host asks for, or a seller offers, one variant for a show, with the host's commission. */
export const ZCohostProposal = z.strictObject({
  variantId: ZId,
  /** The host's commission on this item, in basis points of its price. */
  commissionBps: z.number().int().min(0).max(5_000),
});
export type TCohostProposal = z.infer<typeof ZCohostProposal>;

export const ZCohostDecision = z.strictObject({ approve: z.boolean() });
export type TCohostDecision = z.infer<typeof ZCohostDecision>;

export type TCohostItem = {
  id: string;
  showId: string;
  showTitle: string;
  hostName: string;
  sellerName: string;
  listingTitle: string;
  variantLabel: string;
  photoUrl: string;
  priceMinor: number;
  currency: TCurrency;
  commissionBps: number;
  /** requested: the host asked, the seller decides; offered: the seller offered, the host decides. */
  status: 'requested' | 'offered' | 'approved' | 'declined' | 'withdrawn';
  /** The signed-in user's side of it. */
  role: 'host' | 'seller';
};

export type TSeller = { id: string; displayName: string; listingCount: number };
