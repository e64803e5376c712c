import { z } from 'zod';
import {
  ZAddress,
  ZAddressBody,
  ZAttemptBody,
  ZCard,
  ZCohostDecision,
  ZCohostItem,
  ZCohostProposal,
  ZConnectStatus,
  ZHealth,
  ZItemReceipts,
  ZListing,
  ZLiveKitGrant,
  ZLoginBody,
  ZEmailChangeBody,
  ZPasswordChangeBody,
  ZResetBody,
  ZResetRequestBody,
  ZSignUpBody,
  ZTokenBody,
  ZHandle,
  ZProfile,
  ZProfileBody,
  ZMe,
  ZOrder,
  ZPayCompleteBody,
  ZPaymentSetup,
  ZPayReply,
  ZRefund,
  ZRefundBody,
  ZSale,
  ZSeller,
  ZSetupCompleteBody,
  ZShowDetail,
  ZShowSales,
  ZShowSummary,
  ZTestCardBody,
  ZWaitlistOffer,
} from './http.ts';
import {
  ZClosetSettings,
  ZListingBody,
  ZListingDeleted,
  ZListingDetail,
  ZListingStateBody,
} from './closet.ts';
import { ZHome, ZSearchQuery, ZSearchResult } from './discovery.ts';
import {
  ZNotificationPage,
  ZNotificationsQuery,
  ZPreferences,
  ZPreferencesBody,
  ZPushSubscriptionBody,
  ZPushUnsubscribeBody,
  ZUnread,
  ZUnsubscribeBody,
  ZUnsubscribed,
  ZVapidKey,
} from './notifications.ts';
import { ZId } from './ids.ts';
import { ZConversation, ZGreetingBody, ZMessage, ZMessageBody, ZReportBody, ZThread } from './messages.ts';
import { ZPhoto, ZPhotoSize } from './photos.ts';
import { ZAccountDeleted, ZDeleteAccountBody, ZDeletionCheck } from './privacy.ts';
import { ZFeedPage, ZFollowState, ZLikeState, ZLikesPage, ZPeoplePage, ZSocialPageQuery } from './social.ts';
import { ZReplay, ZReplayBuyBody, ZReplayListedBody } from './replay.ts';
import { ZShipment, ZShipTogetherAddBody, ZShipTogetherParams, ZShipTogetherSuggestBody, ZShipTogetherSuggestion } from './ship-together.ts';
import { ZClosetBuyBody, ZLikerOfferBody, ZLikerOfferSend, ZListingOffers } from './liker-offers.ts';
import { ZAddEntryBody, ZCreateShowBody, ZUpdateShowBody } from './schedule.ts';
import { ZShowEntry } from './show.ts';

/**
 * The HTTP API, each endpoint once: method, path, who may call it, the schemas of its path
 * parameters, query string, body and response, and the status of a success. The api mounts exactly
 * these (services/api/src/contract.ts) and checks each response against its schema
 * outside production; the web client is typed by them (web/src/api.ts).
 *
 * `auth`: `user` needs a signed-in session; `public` does not; `signed` is a provider's
 * webhook, authenticated by its signature over the raw body. `raw` endpoints answer
 * something other than JSON (a playlist, a video segment) or read their body unparsed.
 */
export type TEndpoint = {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  auth: 'public' | 'user' | 'signed';
  params?: z.ZodType;
  /** The query string's parameters (each a string as sent; a repeated one an array). */
  query?: z.ZodType;
  body?: z.ZodType;
  /** null: no body (204). */
  response: z.ZodType | null;
  status?: 200 | 201 | 202 | 204;
  raw?: true;
};

const endpoint = <const E extends TEndpoint>(e: E) => e;

const ZShowParams = z.strictObject({ id: ZId });
const ZIdParams = z.strictObject({ id: ZId });
const ZHandleParams = z.strictObject({ handle: ZHandle });
const ZEntryParams = z.strictObject({ id: ZId, entryId: ZId });
const ZSegmentParams = z.strictObject({
  id: ZId,
  part: z.coerce.number().int().min(0).max(10_000),
  file: z.string().regex(/^seg-\d{5}\.ts$/),
});
const ZPhotoParams = z.strictObject({ id: ZId, size: ZPhotoSize });
const ZOrderReply = z.object({ order: ZOrder });
const ZCardReply = z.object({ card: ZCard });
const ZSent = z.object({ sent: z.literal(true) });
/** How many sessions (devices, open pages) a change ended. */
const ZEnded = z.object({ ended: z.number().int().nonnegative() });

export const API = {
  /** Raw: its status says whether every component answers (503 when one does not), for load balancers. */
  'health.get': endpoint({ method: 'GET', path: '/api/health', auth: 'public', response: ZHealth, raw: true }),
  'auth.login': endpoint({ method: 'POST', path: '/api/auth/login', auth: 'public', body: ZLoginBody, response: ZMe }),
  'auth.logout': endpoint({ method: 'POST', path: '/api/auth/logout', auth: 'public', response: null, status: 204 }),
  'me.get': endpoint({ method: 'GET', path: '/api/me', auth: 'user', response: ZMe }),
  'auth.signup': endpoint({ method: 'POST', path: '/api/auth/signup', auth: 'public', body: ZSignUpBody, response: ZMe, status: 201 }),
  'auth.verify': endpoint({ method: 'POST', path: '/api/auth/verify', auth: 'public', body: ZTokenBody, response: z.object({ verified: z.literal(true) }) }),
  'auth.resendVerification': endpoint({ method: 'POST', path: '/api/auth/verify/resend', auth: 'user', response: ZSent, status: 202 }),
  'auth.resetRequest': endpoint({ method: 'POST', path: '/api/auth/reset-request', auth: 'public', body: ZResetRequestBody, response: ZSent, status: 202 }),
  'auth.reset': endpoint({ method: 'POST', path: '/api/auth/reset', auth: 'public', body: ZResetBody, response: z.object({ reset: z.literal(true) }) }),
  'auth.password': endpoint({ method: 'POST', path: '/api/auth/password', auth: 'user', body: ZPasswordChangeBody, response: ZEnded }),
  'auth.email': endpoint({ method: 'POST', path: '/api/auth/email', auth: 'user', body: ZEmailChangeBody, response: ZMe }),
  'auth.logoutEverywhere': endpoint({ method: 'POST', path: '/api/auth/logout-everywhere', auth: 'user', response: ZEnded }),
  'profiles.get': endpoint({ method: 'GET', path: '/api/profiles/:handle', auth: 'public', params: z.strictObject({ handle: ZHandle }), response: ZProfile }),
  'me.profile': endpoint({ method: 'PATCH', path: '/api/me/profile', auth: 'user', body: ZProfileBody, response: ZMe }),
  /** Raw: everything the platform holds about the signed-in person, as a JSON file (Content-Disposition: attachment), streamed. */
  'me.export': endpoint({ method: 'GET', path: '/api/me/export', auth: 'user', response: null, raw: true }),
  /** What keeps the account from being deleted now (nothing: it can be). */
  'me.deletion': endpoint({ method: 'GET', path: '/api/me/deletion', auth: 'user', response: ZDeletionCheck }),
  /** Deletes the account for good, knowing its password; ACCOUNT_HAS_OBLIGATIONS while something is not finished. */
  'me.delete': endpoint({ method: 'POST', path: '/api/me/delete', auth: 'user', body: ZDeleteAccountBody, response: ZAccountDeleted }),
  /** Follows and likes: each idempotent (a second call answers the same and changes nothing). */
  'follows.add': endpoint({ method: 'POST', path: '/api/follows/:userId', auth: 'user', params: z.strictObject({ userId: ZId }), response: ZFollowState }),
  'follows.remove': endpoint({ method: 'DELETE', path: '/api/follows/:userId', auth: 'user', params: z.strictObject({ userId: ZId }), response: ZFollowState }),
  'likes.add': endpoint({ method: 'POST', path: '/api/likes/:listingId', auth: 'user', params: z.strictObject({ listingId: ZId }), response: ZLikeState }),
  'likes.remove': endpoint({ method: 'DELETE', path: '/api/likes/:listingId', auth: 'user', params: z.strictObject({ listingId: ZId }), response: ZLikeState }),
  'me.likes': endpoint({ method: 'GET', path: '/api/me/likes', auth: 'user', query: ZSocialPageQuery, response: ZLikesPage }),
  'me.feed': endpoint({ method: 'GET', path: '/api/me/feed', auth: 'user', query: ZSocialPageQuery, response: ZFeedPage }),
  'profiles.followers': endpoint({
    method: 'GET', path: '/api/profiles/:handle/followers', auth: 'public', params: ZHandleParams, query: ZSocialPageQuery, response: ZPeoplePage,
  }),
  'profiles.following': endpoint({
    method: 'GET', path: '/api/profiles/:handle/following', auth: 'public', params: ZHandleParams, query: ZSocialPageQuery, response: ZPeoplePage,
  }),
  /** Public, as everything a visitor from a link browses: the home page and search. */
  'discovery.home': endpoint({ method: 'GET', path: '/api/home', auth: 'public', response: ZHome }),
  'discovery.search': endpoint({ method: 'GET', path: '/api/search', auth: 'public', query: ZSearchQuery, response: ZSearchResult }),
  /** Raw: a multipart/form-data body with one file in the field `photo` (PHOTO_FIELD), read as it streams in. */
  'photos.upload': endpoint({ method: 'POST', path: '/api/photos', auth: 'user', response: ZPhoto, status: 201, raw: true }),
  /** Raw: the WebP bytes of one size, cacheable forever (an id's bytes never change). */
  'photos.get': endpoint({ method: 'GET', path: '/api/photos/:id/:size', auth: 'public', params: ZPhotoParams, response: null, raw: true }),

  'shows.list': endpoint({ method: 'GET', path: '/api/shows', auth: 'user', response: z.object({ shows: z.array(ZShowSummary) }) }),
  /** Public: a show's page opens from a link, signed in or not (what it answers is what its page shows anyone). */
  'shows.get': endpoint({ method: 'GET', path: '/api/shows/:id', auth: 'public', params: ZShowParams, response: ZShowDetail }),
  'shows.create': endpoint({ method: 'POST', path: '/api/shows', auth: 'user', body: ZCreateShowBody, response: ZShowDetail, status: 201 }),
  'shows.update': endpoint({ method: 'PATCH', path: '/api/shows/:id', auth: 'user', params: ZShowParams, body: ZUpdateShowBody, response: ZShowDetail }),
  'shows.cancel': endpoint({ method: 'POST', path: '/api/shows/:id/cancel', auth: 'user', params: ZShowParams, response: ZShowDetail }),
  'shows.addEntry': endpoint({
    method: 'POST', path: '/api/shows/:id/entries', auth: 'user', params: ZShowParams, body: ZAddEntryBody, response: ZShowEntry, status: 201,
  }),
  'shows.receipts': endpoint({
    method: 'GET', path: '/api/shows/:id/receipts', auth: 'user', params: ZShowParams, response: z.object({ items: z.array(ZItemReceipts) }),
  }),
  'shows.livekit': endpoint({ method: 'POST', path: '/api/shows/:id/livekit', auth: 'user', params: ZShowParams, response: ZLiveKitGrant }),
  'shows.sales': endpoint({ method: 'GET', path: '/api/shows/:id/sales', auth: 'user', params: ZShowParams, response: ZShowSales }),

  'closet.mine': endpoint({ method: 'GET', path: '/api/listings/mine', auth: 'user', response: z.object({ listings: z.array(ZListing) }) }),
  'listings.create': endpoint({ method: 'POST', path: '/api/listings', auth: 'user', body: ZListingBody, response: ZListingDetail, status: 201 }),
  'listings.get': endpoint({ method: 'GET', path: '/api/listings/:id', auth: 'public', params: ZIdParams, response: ZListingDetail }),
  'listings.update': endpoint({ method: 'PATCH', path: '/api/listings/:id', auth: 'user', params: ZIdParams, body: ZListingBody, response: ZListingDetail }),
  'listings.setState': endpoint({
    method: 'POST', path: '/api/listings/:id/state', auth: 'user', params: ZIdParams, body: ZListingStateBody, response: ZListingDetail,
  }),
  'listings.delete': endpoint({ method: 'DELETE', path: '/api/listings/:id', auth: 'user', params: ZIdParams, response: ZListingDeleted }),
  'listings.buy': endpoint({ method: 'POST', path: '/api/listings/:id/buy', auth: 'user', params: ZIdParams, body: ZClosetBuyBody, response: ZOrderReply, status: 201 }),
  'listings.offers': endpoint({ method: 'GET', path: '/api/listings/:id/liker-offers', auth: 'user', params: ZIdParams, response: ZListingOffers }),
  'listings.sendOffer': endpoint({
    method: 'POST', path: '/api/listings/:id/liker-offers', auth: 'user', params: ZIdParams, body: ZLikerOfferBody, response: ZLikerOfferSend, status: 201,
  }),
  'closet.settings': endpoint({ method: 'GET', path: '/api/me/closet', auth: 'user', response: ZClosetSettings }),
  'closet.updateSettings': endpoint({ method: 'PATCH', path: '/api/me/closet', auth: 'user', body: ZClosetSettings, response: ZClosetSettings }),
  'addresses.list': endpoint({ method: 'GET', path: '/api/addresses', auth: 'user', response: z.object({ addresses: z.array(ZAddress) }) }),
  'addresses.add': endpoint({
    method: 'POST', path: '/api/addresses', auth: 'user', body: ZAddressBody.extend({ makeDefault: z.boolean().default(false) }),
    response: ZAddress, status: 201,
  }),
  'addresses.setDefault': endpoint({
    method: 'POST', path: '/api/addresses/:id/default', auth: 'user', params: ZIdParams, response: z.object({ addresses: z.array(ZAddress) }),
  }),
  'addresses.remove': endpoint({
    method: 'DELETE', path: '/api/addresses/:id', auth: 'user', params: ZIdParams, response: z.object({ addresses: z.array(ZAddress) }),
  }),
  'messages.list': endpoint({ method: 'GET', path: '/api/messages', auth: 'user', response: z.object({ conversations: z.array(ZConversation) }) }),
  'messages.thread': endpoint({ method: 'GET', path: '/api/messages/:handle', auth: 'user', params: ZHandleParams, response: ZThread }),
  'messages.send': endpoint({
    method: 'POST', path: '/api/messages/:handle', auth: 'user', params: ZHandleParams, body: ZMessageBody, response: ZMessage, status: 201,
  }),
  'blocks.add': endpoint({ method: 'POST', path: '/api/blocks/:handle', auth: 'user', params: ZHandleParams, response: z.object({ blocked: z.boolean() }) }),
  'blocks.remove': endpoint({ method: 'DELETE', path: '/api/blocks/:handle', auth: 'user', params: ZHandleParams, response: z.object({ blocked: z.boolean() }) }),
  'reports.create': endpoint({
    method: 'POST', path: '/api/reports/:handle', auth: 'user', params: ZHandleParams, body: ZReportBody,
    response: z.object({ reported: z.literal(true) }), status: 201,
  }),
  'greeting.get': endpoint({ method: 'GET', path: '/api/me/greeting', auth: 'user', response: z.object({ greeting: z.string().nullable() }) }),
  'greeting.set': endpoint({ method: 'PATCH', path: '/api/me/greeting', auth: 'user', body: ZGreetingBody, response: z.object({ greeting: z.string().nullable() }) }),
  'greeting.visit': endpoint({
    method: 'POST', path: '/api/profiles/:handle/visit', auth: 'user', params: ZHandleParams, response: z.object({ greeted: z.boolean() }),
  }),
  'sellers.list': endpoint({ method: 'GET', path: '/api/sellers', auth: 'user', response: z.object({ sellers: z.array(ZSeller) }) }),
  'sellers.listings': endpoint({
    method: 'GET', path: '/api/sellers/:id/listings', auth: 'user', params: ZIdParams, response: z.object({ listings: z.array(ZListing) }),
  }),

  'cohost.request': endpoint({
    method: 'POST', path: '/api/shows/:id/cohost-requests', auth: 'user', params: ZShowParams, body: ZCohostProposal, response: ZCohostItem, status: 201,
  }),
  'cohost.offer': endpoint({
    method: 'POST', path: '/api/shows/:id/cohost-offers', auth: 'user', params: ZShowParams, body: ZCohostProposal, response: ZCohostItem, status: 201,
  }),
  'cohost.list': endpoint({ method: 'GET', path: '/api/cohost-items', auth: 'user', response: z.object({ items: z.array(ZCohostItem) }) }),
  'cohost.decide': endpoint({
    method: 'POST', path: '/api/cohost-items/:id/decision', auth: 'user', params: ZIdParams, body: ZCohostDecision, response: ZCohostItem,
  }),
  'cohost.withdraw': endpoint({ method: 'POST', path: '/api/cohost-items/:id/withdraw', auth: 'user', params: ZIdParams, response: ZCohostItem }),

  'orders.list': endpoint({ method: 'GET', path: '/api/orders', auth: 'user', response: z.object({ orders: z.array(ZOrder) }) }),
  'orders.get': endpoint({ method: 'GET', path: '/api/orders/:id', auth: 'user', params: ZIdParams, response: ZOrder }),
  'orders.pay': endpoint({ method: 'POST', path: '/api/orders/:id/pay', auth: 'user', params: ZIdParams, body: ZAttemptBody, response: ZPayReply }),
  'orders.payComplete': endpoint({
    method: 'POST', path: '/api/orders/:id/pay/complete', auth: 'user', params: ZIdParams, body: ZPayCompleteBody, response: ZOrderReply,
  }),
  'orders.refund': endpoint({
    method: 'POST', path: '/api/orders/:id/refunds', auth: 'user', params: ZIdParams, body: ZRefundBody,
    response: z.object({ refund: ZRefund }), status: 202,
  }),
  'sales.list': endpoint({ method: 'GET', path: '/api/sales', auth: 'user', response: z.object({ sales: z.array(ZSale) }) }),
  /** The seller suggests more of its listings for a paid order's box (ship together); the buyer is told. */
  'sales.shipTogether': endpoint({
    method: 'POST', path: '/api/sales/:id/ship-together', auth: 'user', params: ZIdParams, body: ZShipTogetherSuggestBody,
    response: z.object({ suggestions: z.array(ZShipTogetherSuggestion) }), status: 201,
  }),
  /** The seller marks a sale's box shipped: every order in it ships. */
  'sales.ship': endpoint({ method: 'POST', path: '/api/sales/:id/ship', auth: 'user', params: ZIdParams, response: ZShipment }),
  /** The buyer adds a suggestion to its order's box: charged the item price only, on its saved card. */
  'orders.addToBox': endpoint({
    method: 'POST', path: '/api/orders/:id/ship-together/:suggestionId', auth: 'user', params: ZShipTogetherParams,
    body: ZShipTogetherAddBody, response: ZOrderReply, status: 201,
  }),
  'offers.list': endpoint({ method: 'GET', path: '/api/offers', auth: 'user', response: z.object({ offers: z.array(ZWaitlistOffer) }) }),
  'offers.accept': endpoint({ method: 'POST', path: '/api/offers/:id/accept', auth: 'user', params: ZIdParams, response: ZOrderReply, status: 201 }),

  'payments.get': endpoint({ method: 'GET', path: '/api/payments', auth: 'user', response: ZPaymentSetup }),
  'payments.testCard': endpoint({ method: 'POST', path: '/api/payments/test-card', auth: 'user', body: ZTestCardBody, response: ZCardReply }),
  'payments.setupIntent': endpoint({
    method: 'POST', path: '/api/payments/setup-intent', auth: 'user', body: ZAttemptBody,
    response: z.object({ clientSecret: z.string(), publishableKey: z.string() }),
  }),
  'payments.setupComplete': endpoint({
    method: 'POST', path: '/api/payments/setup-intent/complete', auth: 'user', body: ZSetupCompleteBody, response: ZCardReply,
  }),
  'connect.get': endpoint({ method: 'GET', path: '/api/connect', auth: 'user', response: ZConnectStatus }),
  'connect.onboarding': endpoint({ method: 'POST', path: '/api/connect/onboarding', auth: 'user', response: z.object({ url: z.string() }) }),

  'replays.get': endpoint({ method: 'GET', path: '/api/replays/:id', auth: 'user', params: ZShowParams, response: ZReplay }),
  'replays.setListed': endpoint({
    method: 'PATCH', path: '/api/replays/:id', auth: 'user', params: ZShowParams, body: ZReplayListedBody, response: z.object({ listed: z.boolean() }),
  }),
  'replays.delete': endpoint({ method: 'DELETE', path: '/api/replays/:id', auth: 'user', params: ZShowParams, response: null, status: 204 }),
  'replays.buy': endpoint({
    method: 'POST', path: '/api/replays/:id/entries/:entryId/buy', auth: 'user', params: ZEntryParams, body: ZReplayBuyBody, response: ZOrderReply, status: 201,
  }),
  'replays.waitlist': endpoint({
    method: 'POST', path: '/api/replays/:id/entries/:entryId/waitlist', auth: 'user', params: ZEntryParams,
    response: z.object({ waiting: z.literal(true) }), status: 201,
  }),
  'recordings.playlist': endpoint({ method: 'GET', path: '/api/recordings/:id/index.m3u8', auth: 'user', params: ZIdParams, response: null, raw: true }),
  'recordings.segment': endpoint({ method: 'GET', path: '/api/recordings/:id/:part/:file', auth: 'user', params: ZSegmentParams, response: null, raw: true }),

  'notifications.list': endpoint({ method: 'GET', path: '/api/notifications', auth: 'user', query: ZNotificationsQuery, response: ZNotificationPage }),
  'notifications.unread': endpoint({ method: 'GET', path: '/api/notifications/unread', auth: 'user', response: ZUnread }),
  'notifications.read': endpoint({ method: 'POST', path: '/api/notifications/:id/read', auth: 'user', params: ZIdParams, response: ZUnread }),
  'notifications.readAll': endpoint({ method: 'POST', path: '/api/notifications/read-all', auth: 'user', response: ZUnread }),
  'notifications.preferences': endpoint({ method: 'GET', path: '/api/notifications/preferences', auth: 'user', response: ZPreferences }),
  'notifications.setPreferences': endpoint({
    method: 'PATCH', path: '/api/notifications/preferences', auth: 'user', body: ZPreferencesBody, response: ZPreferences,
  }),
  /** Public: the key a browser subscribes with (NOT_CONFIGURED when this server has no Web Push). */
  'notifications.vapidKey': endpoint({ method: 'GET', path: '/api/notifications/vapid-key', auth: 'public', response: ZVapidKey }),
  'notifications.subscribePush': endpoint({
    method: 'POST', path: '/api/notifications/push-subscriptions', auth: 'user', body: ZPushSubscriptionBody, response: null, status: 204,
  }),
  'notifications.unsubscribePush': endpoint({
    method: 'POST', path: '/api/notifications/push-subscriptions/remove', auth: 'user', body: ZPushUnsubscribeBody, response: null, status: 204,
  }),
  /** Public: opened from an email, signed in or not; the token says whose email of which kind stops. */
  'notifications.unsubscribe': endpoint({ method: 'POST', path: '/api/notifications/unsubscribe', auth: 'public', body: ZUnsubscribeBody, response: ZUnsubscribed }),

  'webhooks.livekit': endpoint({ method: 'POST', path: '/api/webhooks/livekit', auth: 'signed', response: z.object({ ok: z.literal(true) }), raw: true }),
  'webhooks.stripe': endpoint({ method: 'POST', path: '/api/webhooks/stripe', auth: 'signed', response: z.object({ received: z.literal(true) }), raw: true }),
} as const satisfies Record<string, TEndpoint>;

export type TApi = typeof API;
export type TEndpointName = keyof TApi;

type TInfer<S> = S extends z.ZodType ? z.infer<S> : undefined;
/** What the server answers: the response schema's type, or nothing (204). */
export type TResponseOf<N extends TEndpointName> = TInfer<TApi[N]['response']>;
/** The path parameters of an endpoint, as the server has them parsed. */
export type TParamsOf<N extends TEndpointName> = TApi[N] extends { params: infer P } ? TInfer<P> : undefined;
/** The body of an endpoint, as the server has it parsed. */
export type TBodyOf<N extends TEndpointName> = TApi[N] extends { body: infer B } ? TInfer<B> : undefined;
/** The query string of an endpoint, as the server has it parsed. */
export type TQueryOf<N extends TEndpointName> = TApi[N] extends { query: infer Q } ? TInfer<Q> : undefined;
/** The query string a client writes, before parsing (every value text). */
export type TQueryInputOf<N extends TEndpointName> = TApi[N] extends { query: infer Q } ? (Q extends z.ZodType ? z.input<Q> : undefined) : undefined;
/** The path parameters a client fills in, before parsing (a segment's part is a number or its digits). */
export type TParamsInputOf<N extends TEndpointName> = TApi[N] extends { params: infer P } ? (P extends z.ZodType ? z.input<P> : undefined) : undefined;

/** The path with its parameters filled in, each percent-encoded. */
export const pathOf = (path: string, params: Record<string, string | number> | undefined) =>
  path.replace(/:(\w+)/g, (_, name: string) => {
    const value = params?.[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(String(value));
  });
