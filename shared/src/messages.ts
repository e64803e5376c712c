import { z } from 'zod';
import { ZId } from './ids.ts';
import { ZAmountMinor, ZCurrency } from './money.ts';

/** Issue #17, point 5: direct messages between two people, blocks, reports and a closet's greeting. */

/** A message as typed: lines, but no other control characters. */
const ZMessageText = (max: number) =>
  z.string().trim().min(1).max(max).regex(/^[^\u0000-\u0009\u000b-\u001f\u007f]*$/, 'may not contain control characters');

export const ZMessageBody = z.strictObject({
  /** Made by the client: a retried send is the same message. */
  clientId: ZId,
  body: ZMessageText(2000),
  /** A listing shown as a card with the message ("is this still available?"). */
  listingId: ZId.optional(),
});
export type TMessageBody = z.infer<typeof ZMessageBody>;

export const ZPerson = z.object({ id: ZId, handle: z.string(), displayName: z.string(), avatarUrl: z.string().nullable() });
export type TPerson = z.infer<typeof ZPerson>;

export const ZMessage = z.object({
  id: ZId,
  mine: z.boolean(),
  body: z.string(),
  /** `greeting`: the closet's greeting, sent for its seller when the reader first visited. */
  kind: z.enum(['text', 'greeting']),
  listing: z.object({ id: ZId, title: z.string(), photoUrl: z.string(), priceMinor: ZAmountMinor, currency: ZCurrency }).nullable(),
  createdAt: z.iso.datetime({ offset: true }),
});
export type TMessage = z.infer<typeof ZMessage>;

export const ZConversation = z.object({
  id: ZId,
  other: ZPerson,
  last: z.object({ body: z.string(), mine: z.boolean(), createdAt: z.iso.datetime({ offset: true }) }).nullable(),
  /** Messages of the other person not yet opened. */
  unread: z.number().int().nonnegative(),
});
export type TConversation = z.infer<typeof ZConversation>;

/** A thread with one person: newest last; `blockedByMe`/`blockedMe` say why sending is off. */
export const ZThread = z.object({
  other: ZPerson,
  messages: z.array(ZMessage),
  blockedByMe: z.boolean(),
  blockedMe: z.boolean(),
});
export type TThread = z.infer<typeof ZThread>;

export const ZReportBody = z.strictObject({ reason: ZMessageText(500), messageId: ZId.optional() });
export const ZGreetingBody = z.strictObject({ greeting: ZMessageText(500).nullable() });
