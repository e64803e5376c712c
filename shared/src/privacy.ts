import { z } from 'zod';

/**
 * A person's own data: the export of everything the platform holds about them (a JSON
 * file), and deleting the account. Deletion waits while the person still owes someone
 * something; each such obligation has a kind, and the sentence that says what to do.
 */

/** What keeps an account from being deleted yet, in the order the page lists them. */
export const ACCOUNT_OBLIGATIONS = {
  hosting_shows: 'You host a show that is scheduled or live: cancel it, or end it, first.',
  settling_shows: 'A show you hosted is still settling: wait until its orders are charged.',
  items_in_shows: 'Items of yours are in another host’s scheduled or live show: withdraw them first.',
  unpaid_sales: 'A buyer has not paid for an order of yours yet: wait until it is paid or released.',
  unshipped_sales: 'An order you sold is paid but not shipped yet: ship it first.',
  unpaid_orders: 'An order you bought is not paid yet: pay it, or wait until its deadline passes.',
  unshipped_orders: 'An order you bought has not shipped yet: its seller still needs your address.',
  unsettled_claims: 'You claimed items in a show that has not settled yet: wait until its orders are made and charged.',
  waitlist_offers: 'A waitlist offer is open, to you or for an item of yours: wait until it is taken or runs out.',
  pending_payouts: 'A payout to you has not been sent yet: finish your payout setup on the Sales page.',
  pending_refunds: 'A refund of one of your orders is still being made: wait until it is done.',
} as const;
export type TAccountObligation = keyof typeof ACCOUNT_OBLIGATIONS;

export const ZObligation = z.object({
  kind: z.enum(Object.keys(ACCOUNT_OBLIGATIONS) as [TAccountObligation, ...TAccountObligation[]]),
  count: z.number().int().positive(),
  message: z.string(),
});
export type TObligation = z.infer<typeof ZObligation>;

/** Whether the account can be deleted now: it can when nothing is listed. */
export const ZDeletionCheck = z.object({ obligations: z.array(ZObligation) });
export type TDeletionCheck = z.infer<typeof ZDeletionCheck>;

/** Deleting asks for the password again: a session left open on a shared computer is not enough. */
export const ZDeleteAccountBody = z.strictObject({ password: z.string().min(1).max(200) });
export type TDeleteAccountBody = z.infer<typeof ZDeleteAccountBody>;

export const ZAccountDeleted = z.object({ deleted: z.literal(true) });

/** The export's format; a file says which it is, so a later format can be told apart. */
export const ACCOUNT_EXPORT_FORMAT = 'showcart-account-export/1';
