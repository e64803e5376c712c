/**
 * The domain: one folder per bounded context, one plain function per verb with narrow
 * deps (TDomainDeps). Transports (api routes, realtime handlers, worker jobs) parse, call
 * one of these, and map the result; SQL and the calls to Stripe and LiveKit live here and
 * below (services/common).
 */
export * from './deps.ts';
export * from './accounts/sessions.ts';
export * from './accounts/sign-in.ts';
export * from './accounts/sign-in-limits.ts';
export * from './accounts/profiles.ts';
export * from './accounts/addresses.ts';
export * from './accounts/sign-up.ts';
export * from './catalog/closet-settings.ts';
export * from './catalog/create-listing.ts';
export * from './catalog/get-listing.ts';
export * from './catalog/listings.ts';
export * from './catalog/remove-listing.ts';
export * from './catalog/update-listing.ts';
export * from './catalog/photo-use.ts';
export * from './catalog/process-photo.ts';
export * from './catalog/upload-photo.ts';
export * from './catalog/open-photo.ts';
export * from './catalog/stock.ts';
export * from './cohost/cohost.ts';
export * from './discovery/home.ts';
export * from './discovery/search.ts';
export * from './orders/follow-ups.ts';
export * from './orders/insert-order.ts';
export * from './orders/queries.ts';
export * from './payments/cards.ts';
export * from './payments/charge-order.ts';
export * from './payments/charges.ts';
export * from './payments/connect.ts';
export * from './payments/pay-order.ts';
export * from './payouts/ledger.ts';
export * from './payouts/pay-out.ts';
export * from './payouts/refund-order.ts';
export * from './payouts/request-refund.ts';
export * from './payouts/transfer-order.ts';
export * from './replays/replays.ts';
export * from './shows/add-entry.ts';
export * from './shows/cancel-show.ts';
export * from './shows/chat.ts';
export * from './shows/create-show.ts';
export * from './shows/engine/show-engine.ts';
export * from './shows/lifecycle.ts';
export * from './shows/livekit-grant.ts';
export * from './shows/receipts.ts';
export * from './shows/repo.ts';
export * from './shows/settle-show.ts';
export * from './shows/show-details.ts';
export * from './shows/update-show.ts';
export * from './waitlist/offers.ts';
export * from './waitlist/release-order.ts';
export * from './webhooks.ts';
