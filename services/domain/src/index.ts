/**
 * The domain: one folder per bounded context, one plain function per verb with narrow
 * deps. Transports (api routes, realtime handlers, worker jobs) parse, call one of these,
 * and map the result; SQL, Stripe and LiveKit calls live here and below (services/common).
 */
export * from './accounts/sessions.ts';
export * from './accounts/sign-in-limits.ts';
export * from './catalog/stock.ts';
export * from './orders/insert-order.ts';
export * from './orders/mark-paid.ts';
export * from './payments/charge-order.ts';
export * from './payouts/ledger.ts';
export * from './payouts/refund-order.ts';
export * from './payouts/transfer-order.ts';
export * from './shows/engine/show-engine.ts';
export * from './shows/persist-log.ts';
export * from './shows/repo.ts';
export * from './shows/settle-show.ts';
export * from './waitlist/offers-after-show.ts';
export * from './waitlist/release-order.ts';
