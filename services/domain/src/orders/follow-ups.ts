import { enqueue, JOBS, jobIds, queryRow, withTransaction } from '@showcart/common';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { markOrderPaid, markOrderUnpaid } from './mark-paid.ts';
import { settleShowOfOrder } from '../shows/repo.ts';
import { tellOrderDeclined, tellOrderPaid } from '../notifications/tell.ts';
import { tellAddDeclined } from '../notifications/tell-ship-together.ts';
import { releaseDeclinedAdd } from '../fulfilment/release-add.ts';

/**
 * The two things that can happen to a charge, each written once with what follows it,
 * for every path that learns of it (the charge job, paying on-session, Stripe's webhook).
 */

const queuePayouts = (deps: Pick<TDomainDeps, 'queue'>, orderId: string) =>
  enqueue(deps.queue, JOBS.transferOrder.name, { orderId }, jobIds.transferOrder(orderId));

const queueRelease = async (deps: Pick<TDomainDeps, 'db' | 'queue'>, orderId: string) => {
  const order = await queryRow(deps.db, z.object({ payBy: z.date().nullable() }), 'select pay_by as "payBy" from orders where id = $1', [orderId]);
  const delay = Math.max(0, (order?.payBy?.getTime() ?? Date.now()) - Date.now());
  await enqueue(deps.queue, JOBS.releaseOrder.name, { orderId }, jobIds.releaseOrder(orderId), { delay });
};

/**
 * An order's charge succeeded: it is paid (once), and its payouts are queued, also when
 * it was paid already (a crash between the two left them unqueued; the job id makes it
 * one job). Returns whether this call paid it.
 */
export const orderPaid = async (
  deps: Pick<TDomainDeps, 'db' | 'queue'>,
  p: { orderId: string; paymentIntentId: string; chargeId: string | null },
): Promise<boolean> => {
  const paid = await withTransaction(deps.db, (tx) => markOrderPaid(tx, p));
  await settleShowOfOrder(deps.db, p.orderId);
  await queuePayouts(deps, p.orderId);
  // Also when it was paid already: a crash may have come between paying and telling.
  await tellOrderPaid(deps, p.orderId);
  return paid;
};

/**
 * An order's charge failed: the buyer has until its deadline (set once, at the first
 * failure) to pay on-session, and at that deadline its units are released; an item added
 * to a box (ship together) is released at once instead, in the same transaction. Returns
 * false if the order had moved on (paid, released).
 */
export const orderUnpaid = async (
  deps: Pick<TDomainDeps, 'db' | 'queue'>,
  p: { orderId: string; status: 'payment_failed' | 'action_required'; failureCode: string; paymentIntentId: string | null; payBy: Date },
): Promise<boolean> => {
  const outcome = await withTransaction(deps.db, async (tx) => {
    if (!(await markOrderUnpaid(tx, p))) return 'moved on' as const;
    return (await releaseDeclinedAdd(tx, p.orderId)) ? 'add released' as const : 'unpaid' as const;
  });
  if (outcome === 'moved on') return false;
  if (outcome === 'add released') {
    await tellAddDeclined(deps, p.orderId);
    return true;
  }
  await settleShowOfOrder(deps.db, p.orderId);
  await queueRelease(deps, p.orderId);
  await tellOrderDeclined(deps, p.orderId, p.payBy);
  return true;
};

/** For an order found already decided (a retried charge job): what follows its outcome is queued again, as one job. */
export const resumeFollowUp = async (deps: Pick<TDomainDeps, 'db' | 'queue'>, orderId: string, status: string) => {
  if (status === 'paid') {
    await queuePayouts(deps, orderId);
    await tellOrderPaid(deps, orderId);
  }
  else if (status === 'payment_failed' || status === 'action_required') await queueRelease(deps, orderId);
};
