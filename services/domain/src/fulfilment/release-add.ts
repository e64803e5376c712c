import { queryRow, type TQueryable } from '@showcart/common';
import { z } from 'zod';
import { releaseAddUnit } from '../catalog/stock.ts';

/**
 * An item added to a box whose charge was declined is not kept waiting for a payment, as a
 * show's order is: in the transaction that records the decline, its order is cancelled,
 * its unit is free again and the suggestion can be added anew. False for any other order.
 */
export const releaseDeclinedAdd = async (tx: TQueryable, orderId: string): Promise<boolean> => {
  const cancelled = await queryRow(tx, z.object({ id: z.string() }),
    `update orders set status = 'canceled', released_at = now()
      where id = $1 and origin = 'ship_together' and status in ('payment_failed', 'action_required')
      returning id`,
    [orderId],
  );
  if (!cancelled) return false;
  const add = await queryRow(tx, z.object({ id: z.string() }),
    'update ship_together_adds set released_at = now() where order_id = $1 and released_at is null returning id',
    [orderId],
  );
  if (add) await releaseAddUnit(tx, add.id);
  return true;
};
