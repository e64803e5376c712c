import { execute, type TQueryable } from '@showcart/common';

/**
 * The double-entry ledger: every journal (a charge, a transfer, a refund, a reversal)
 * balances to zero, and is written once (a deferred constraint trigger refuses one that does not).
 */

/** Accounts of the double-entry ledger. The platform's Stripe balance is where charges land. */
export const ledgerAccounts = {
  stripeBalance: 'platform:stripe_balance',
  platformFees: 'platform:fees',
  /** What the platform paid of first orders' shipping (the first-sale boost): debited at each boosted charge, never given back. */
  platformBoost: 'platform:boost',
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
  await execute(tx,
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

