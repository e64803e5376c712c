import { z } from 'zod';
import { ZId } from './ids.ts';
import { ZAmountMinor, ZCurrency } from './money.ts';
import { ZShowEntry, ZShowStatus } from './show.ts';
import { ZSaleSuggestion, ZShipTogetherSuggestion } from './ship-together.ts';

/** An instant on the wire: ISO 8601 in UTC. */
const ZInstant = z.iso.datetime({ offset: true });

export const ZLoginBody = z.strictObject({
  email: z.email().max(254),
  password: z.string().min(1).max(200),
});
export type TLoginBody = z.infer<typeof ZLoginBody>;

/** Text a person types as a name: no control characters, no markup's angle brackets. */
export const ZPlainText = (min: number, max: number) =>
  z.string().trim().min(min).max(max).regex(/^[^\p{Cc}<>]*$/u, 'may not contain control characters or < >');

/** A new password: long enough to resist guessing (the rest is checked by the domain). */
export const ZNewPassword = z.string().min(10, 'must be at least 10 characters').max(200);

export const ZSignUpBody = z.strictObject({
  email: z.email().max(254),
  password: ZNewPassword,
  displayName: ZPlainText(1, 60),
});
export type TSignUpBody = z.infer<typeof ZSignUpBody>;

/** A one-time link's token, as mailed. */
export const ZTokenBody = z.strictObject({ token: z.string().regex(/^[A-Za-z0-9_-]{32,64}$/, 'not a link of ours') });
export const ZResetRequestBody = z.strictObject({ email: z.email().max(254) });
export const ZResetBody = ZTokenBody.extend({ password: ZNewPassword });
export const ZPasswordChangeBody = z.strictObject({ currentPassword: z.string().min(1).max(200), password: ZNewPassword });
export const ZEmailChangeBody = z.strictObject({ currentPassword: z.string().min(1).max(200), email: z.email().max(254) });

/** A handle as typed: letters, digits and _, kept lowercased. */
export const ZHandle = z.string().trim().toLowerCase().regex(/^[a-z0-9_]{3,30}$/, '3 to 30 letters, digits or _');
export const ZProfileBody = z.strictObject({
  handle: ZHandle.optional(),
  displayName: ZPlainText(1, 60).optional(),
  // Lines, but no other control characters, and no markup's angle brackets.
  bio: z.string().trim().max(300).regex(/^[^\u0000-\u0009\u000b-\u001f\u007f<>]*$/, 'may not contain control characters or < >').optional(),
  /** A photo of one's own, uploaded (POST /api/photos) and used by nothing else; null takes the avatar away. */
  avatarPhotoId: ZId.nullable().optional(),
});
export type TProfileBody = z.infer<typeof ZProfileBody>;

export const ZAddressBody = z.strictObject({
  name: ZPlainText(1, 80),
  line1: ZPlainText(1, 120),
  line2: ZPlainText(0, 120),
  city: ZPlainText(1, 80),
  region: ZPlainText(0, 80),
  postalCode: z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9 -]{1,11}$/, 'not a postal code'),
  country: z.string().trim().toUpperCase().regex(/^[A-Z]{2}$/, 'a two-letter country code'),
});
export type TAddressBody = z.infer<typeof ZAddressBody>;
export const ZAddress = ZAddressBody.extend({ id: ZId, isDefault: z.boolean() });
export type TAddress = z.infer<typeof ZAddress>;
/** What an order keeps of the address it ships to. */
export const ZShippingAddress = ZAddressBody;
export type TShippingAddress = z.infer<typeof ZShippingAddress>;

/** One line for people: "Maya Lee, 12 Rue X, 75001 Paris, FR". */
export const formatAddress = (a: TShippingAddress): string =>
  [a.name, a.line1, a.line2, [a.postalCode, a.city].join(' '), a.region, a.country].filter((part) => part.trim() !== '').join(', ');

export const ZMe = z.object({
  id: ZId,
  email: z.string(),
  displayName: z.string(),
  /** The buyer has a saved card, so claims can be charged after the show. */
  hasPaymentMethod: z.boolean(),
  /** The buyer has a default shipping address, which its orders are sent to. */
  hasShippingAddress: z.boolean(),
  /** An operator: may open the job dashboard. */
  isAdmin: z.boolean(),
  /** The email was proven by the link mailed to it. */
  emailVerified: z.boolean(),
  /** The public profile's address: /@handle. */
  handle: z.string(),
  /** The avatar, thumbnail-sized (photoUrl), or none. */
  avatarUrl: z.string().nullable(),
});
export type TMe = z.infer<typeof ZMe>;

export const ZShowSummary = z.object({
  id: ZId,
  title: z.string(),
  status: ZShowStatus,
  hostId: ZId,
  hostName: z.string(),
  scheduledAt: ZInstant.nullable(),
  startedAt: ZInstant.nullable(),
  entryCount: z.number().int().nonnegative(),
  /** The show's replay: being recorded, ready to watch, or none (never live, failed, deleted). */
  replay: z.enum(['recording', 'ready']).nullable(),
  replayListed: z.boolean(),
  /** What the host says the show is about (lines of plain text; empty when nothing). */
  description: z.string(),
  /** A category slug (shared/src/closet.ts), or none. */
  category: z.string().nullable(),
  /** The cover photo, card-sized, or none. */
  coverUrl: z.string().nullable(),
  /** The host's public page is /@hostHandle. */
  hostHandle: z.string(),
});
export type TShowSummary = z.infer<typeof ZShowSummary>;

export const ZShowDetail = ZShowSummary.extend({
  entries: z.array(ZShowEntry),
  /** The host's avatar, thumbnail-sized, or none. */
  hostAvatarUrl: z.string().nullable(),
  /** The host has never been paid for an order: a "New seller" badge by its name. */
  hostNewSeller: z.boolean(),
  /** The cover photo (its sizes are at photoUrl), or none. */
  coverPhotoId: ZId.nullable(),
  cancelledAt: ZInstant.nullable(),
});
export type TShowDetail = z.infer<typeof ZShowDetail>;

export const ZListing = z.object({
  id: ZId,
  title: z.string(),
  /** The cover photo, card-sized. */
  photoUrl: z.string(),
  priceMinor: ZAmountMinor,
  /** What it cost new, shown struck through; null when the seller did not say. */
  originalPriceMinor: ZAmountMinor.nullable(),
  currency: ZCurrency,
  brand: z.string(),
  /** A slug of the category tree (shared/src/closet.ts). */
  category: z.string(),
  condition: z.enum(['new_with_tags', 'new', 'like_new', 'good', 'fair']),
  /** Unlisted: kept in the closet, but no one finds or buys it. Only its seller sees it. */
  state: z.enum(['listed', 'unlisted']),
  sellerId: ZId,
  sellerName: z.string(),
  sellerHandle: z.string(),
  /** Its seller has never been paid for an order (the "New seller" badge; its first buyer gets the first-sale boost). */
  newSeller: z.boolean(),
  /** People who like it (kept by a trigger: reading it costs nothing). */
  likeCount: z.number().int().nonnegative(),
  /** Whether the signed-in viewer likes it; absent where no viewer is known. */
  likedByMe: z.boolean().optional(),
  /** `quantity` is in the closet; `free` is what no show, order or offer holds (what a new show can take). */
  variants: z.array(z.object({ id: ZId, label: z.string(), quantity: z.number().int().nonnegative(), free: z.number().int().nonnegative() })),
});
export type TListing = z.infer<typeof ZListing>;

/** A LiveKit join grant: the host's may publish, a viewer's may only subscribe. */
export const ZLiveKitGrant = z.object({ url: z.string(), token: z.string(), room: z.string(), role: z.enum(['host', 'viewer']) });
export type TLiveKitGrant = z.infer<typeof ZLiveKitGrant>;

export const ORDER_STATUSES = [
  'pending',
  'paid',
  'payment_failed',
  'action_required',
  'canceled',
] as const;
export const ZOrderStatus = z.enum(ORDER_STATUSES);
export type TOrderStatus = z.infer<typeof ZOrderStatus>;

const ZMinor = z.number().int();

export const ZOrder = z.object({
  id: ZId,
  /** Null for an order bought from the closet (origin 'closet'). */
  showId: ZId.nullable(),
  showTitle: z.string().nullable(),
  sellerName: z.string(),
  currency: ZCurrency,
  itemsMinor: ZMinor,
  shippingMinor: ZMinor,
  discountMinor: ZMinor,
  /** The part of the discount the platform pays: the first-sale boost, on a new seller's first order. */
  boostMinor: ZMinor,
  /** The part of the discount the seller gives: an offer to likers' shipping discount. */
  shippingDiscountMinor: ZMinor,
  totalMinor: ZMinor,
  status: ZOrderStatus,
  createdAt: ZInstant,
  paidAt: ZInstant.nullable(),
  /** Why the last charge failed (Stripe's decline code), while unpaid. */
  failureCode: z.string().nullable(),
  /** An unpaid order's deadline to pay; the items are released after it. */
  payBy: ZInstant.nullable(),
  /** 'ship_together': an item added to another order's box, charged its price only (`shipsWithOrderId`). */
  origin: z.enum(['show', 'waitlist', 'replay', 'closet', 'ship_together']),
  /** Given back by the seller so far. */
  refundedMinor: ZMinor,
  items: z.array(z.object({ claimId: ZId, title: z.string(), variantLabel: z.string(), priceMinor: ZMinor })),
  /** Where it ships, as it was when the order was made; null for orders from before addresses. */
  shippingAddress: ZShippingAddress.nullable(),
  /** When its box was marked shipped by the seller. */
  shippedAt: ZInstant.nullable(),
  /** For an item added to a box: the order the box was packed for (which paid the shipping). */
  shipsWithOrderId: ZId.nullable(),
  /** The seller's suggestions for this order's box ("complete the look"); empty for an added item. */
  shipTogether: z.array(ZShipTogetherSuggestion),
});
export type TOrder = z.infer<typeof ZOrder>;

/** A seller gives back part or all of a paid order. */
export const ZRefundBody = z.strictObject({
  attemptId: ZId,
  amountMinor: ZAmountMinor.positive(),
  reason: z.string().trim().min(1).max(200),
});
export type TRefundBody = z.infer<typeof ZRefundBody>;
export const ZRefund = z.object({ id: ZId, orderId: ZId, amountMinor: ZMinor, status: z.enum(['pending', 'succeeded']) });
export type TRefund = z.infer<typeof ZRefund>;

/** A buyer's saved card, as much of it as is safe to show. */
export const ZCard = z.object({ brand: z.string(), last4: z.string(), exp: z.string().nullable() });
export type TCard = z.infer<typeof ZCard>;

/**
 * How this server takes cards: with Stripe Elements (real Stripe, a publishable key), or,
 * against stripe-mock, by picking one of Stripe's test cards.
 */
export const ZPaymentSetup = z.object({
  card: ZCard.nullable(),
  mode: z.enum(['elements', 'test']),
  publishableKey: z.string().nullable(),
  testCards: z.array(z.object({ paymentMethod: z.string(), label: z.string() })),
});
export type TPaymentSetup = z.infer<typeof ZPaymentSetup>;

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
export const ZPayReply = z.union([
  z.object({ order: ZOrder }),
  z.object({ clientSecret: z.string(), publishableKey: z.string() }),
]);
export type TPayReply = z.infer<typeof ZPayReply>;

export const ZConnectStatus = z.object({
  accountId: z.string().nullable(),
  detailsSubmitted: z.boolean(),
  payoutsEnabled: z.boolean(),
  /** Stripe lets transfers reach the account: waiting payouts are sent. */
  ready: z.boolean(),
});
export type TConnectStatus = z.infer<typeof ZConnectStatus>;

/** A seller's sale: an order of its items, with what it is paid and when. */
export const ZSale = z.object({
  orderId: ZId,
  /** Null for a sale from the closet. */
  showId: ZId.nullable(),
  showTitle: z.string().nullable(),
  buyerName: z.string(),
  currency: ZCurrency,
  status: ZOrderStatus,
  totalMinor: ZMinor,
  sellerShareMinor: ZMinor,
  refundedMinor: ZMinor,
  items: z.array(z.object({ title: z.string(), variantLabel: z.string(), priceMinor: ZMinor })),
  /** Where to send it, as the order keeps it. */
  shippingAddress: ZShippingAddress.nullable(),
  transfer: z.object({ amountMinor: ZMinor, status: z.enum(['waiting', 'sent']) }).nullable(),
  /** When its box was marked shipped. */
  shippedAt: ZInstant.nullable(),
  /** For an item the buyer added to a box: the order the box was packed for. */
  shipsWithOrderId: ZId.nullable(),
  /** What the seller suggested for this order's box, and whether the buyer added it. */
  suggestions: z.array(ZSaleSuggestion),
});
export type TSale = z.infer<typeof ZSale>;

/** A host's summary of what a show sold. */
export const ZShowSales = z.object({
  showId: ZId,
  itemsSold: z.number().int().nonnegative(),
  ordersByStatus: z.partialRecord(ZOrderStatus, z.number().int()),
  currency: ZCurrency.nullable(),
  revenueMinor: ZMinor,
  commissionMinor: ZMinor,
  commissionPaidMinor: ZMinor,
});
export type TShowSales = z.infer<typeof ZShowSales>;

/** A unit released by an unpaid order, offered to a buyer who was on the waitlist. */
export const ZWaitlistOffer = z.object({
  id: ZId,
  showId: ZId,
  showTitle: z.string(),
  title: z.string(),
  variantLabel: z.string(),
  priceMinor: ZMinor,
  currency: ZCurrency,
  expiresAt: ZInstant,
});
export type TWaitlistOffer = z.infer<typeof ZWaitlistOffer>;

/** A process `npm start` supervises (a service or a component): whether it runs and how often it was restarted. */
export const ZSupervisedStatus = z.object({
  name: z.string(),
  state: z.enum(['running', 'restarting', 'gave-up', 'stopped']),
  restarts: z.number().int().nonnegative(),
  /** How it last exited: `signal SIGKILL`, `code 1`, or why it failed to start. */
  lastExit: z.string().optional(),
});
export type TSupervisedStatus = z.infer<typeof ZSupervisedStatus>;

export const ZHealth = z.object({
  ok: z.boolean(),
  components: z.record(z.string(), z.object({ ok: z.boolean(), detail: z.string().optional() })),
  /** Under `npm start`: each supervised process. Absent where an orchestrator runs them. */
  services: z.record(z.string(), ZSupervisedStatus).optional(),
});
export type THealth = z.infer<typeof ZHealth>;

/**
 * The claims of one item after the show, in the order the engine decided them: the
 * proof that claims went first come, first served.
 */
export const ZItemReceipts = z.object({
  entryId: ZId,
  title: z.string(),
  variantLabel: z.string(),
  quantity: z.number().int(),
  claims: z.array(z.object({
    claimId: ZId,
    /** 1 for the first claim of the item. */
    position: z.number().int().positive(),
    /** The claim's place in the show's event log. */
    seq: z.number().int().positive(),
    /** Server time of the decision. */
    claimedAt: ZInstant,
    buyerName: z.string(),
    status: z.enum(['won', 'voided', 'released']),
  })),
});
export type TItemReceipts = z.infer<typeof ZItemReceipts>;

/** A host asks for, or a seller offers, one variant for a show, with the host's commission. */
export const ZCohostProposal = z.strictObject({
  variantId: ZId,
  /** The host's commission on this item, in basis points of its price. */
  commissionBps: z.number().int().min(0).max(5_000),
});
export type TCohostProposal = z.infer<typeof ZCohostProposal>;

export const ZCohostDecision = z.strictObject({ approve: z.boolean() });
export type TCohostDecision = z.infer<typeof ZCohostDecision>;

export const ZCohostItem = z.object({
  id: ZId,
  showId: ZId,
  showTitle: z.string(),
  hostName: z.string(),
  sellerName: z.string(),
  listingTitle: z.string(),
  variantLabel: z.string(),
  photoUrl: z.string(),
  priceMinor: ZMinor,
  currency: ZCurrency,
  commissionBps: z.number().int(),
  /** requested: the host asked, the seller decides; offered: the seller offered, the host decides. */
  status: z.enum(['requested', 'offered', 'approved', 'declined', 'withdrawn']),
  /** The signed-in user's side of it. */
  role: z.enum(['host', 'seller']),
});
export type TCohostItem = z.infer<typeof ZCohostItem>;

export const ZSeller = z.object({ id: ZId, displayName: z.string(), listingCount: z.number().int() });
export type TSeller = z.infer<typeof ZSeller>;

/** A person's public page (/@handle): who, how much they sold, their closet, shows to come and replays. */
export const ZProfile = z.object({
  id: ZId,
  handle: z.string(),
  displayName: z.string(),
  bio: z.string(),
  /** The avatar, card-sized (photoUrl), or none: the page shows the name's initial instead. */
  avatarUrl: z.string().nullable(),
  /** Orders of theirs buyers paid. */
  salesCount: z.number().int().nonnegative(),
  /** Never paid for an order yet: a "New seller" badge, and the first buyer's shipping is on the platform. */
  newSeller: z.boolean(),
  memberSince: ZInstant,
  followerCount: z.number().int().nonnegative(),
  followingCount: z.number().int().nonnegative(),
  /** Whether the signed-in viewer follows them; absent for a visitor signed out or on their own profile. */
  followedByMe: z.boolean().optional(),
  listings: z.array(ZListing),
  /** Live now, then scheduled, soonest first. */
  shows: z.array(ZShowSummary),
  replays: z.array(ZShowSummary),
});
export type TProfile = z.infer<typeof ZProfile>;
