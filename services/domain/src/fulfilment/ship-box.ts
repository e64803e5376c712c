import { execute, queryRow, withTransaction } from '@showcart/common';
import { AppError, type TShipment } from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';
import { lockBoxOf } from './boxes.ts';

/**
 * The seller marks a sale's box shipped: the box and every paid order in it (the one it
 * was packed for and the items added to it) are shipped, at one instant, and nothing more
 * can join it. Marking it again answers the same. Refused while an added item is still
 * being charged (its unit would ship unpaid), and for an order that is not paid.
 */
export const shipBox = async (deps: Pick<TDomainDeps, 'db'>, p: { orderId: string; sellerId: string }): Promise<TShipment> =>
  withTransaction(deps.db, async (tx) => {
    const box = await lockBoxOf(tx, p.orderId);
    if (!box || box.sellerId !== p.sellerId) throw new AppError('NOT_FOUND', 'No such sale.');
    if (!box.shippedAt) {
      if (box.firstStatus !== 'paid') throw new AppError('CONFLICT', 'Only a paid order ships.');
      const charging = await queryRow(tx, z.object({ one: z.number() }),
        `select 1 as one from orders where shipment_id = $1 and status = 'pending' limit 1`, [box.id]);
      if (charging) throw new AppError('CONFLICT', 'An item the buyer added is still being charged: mark it shipped in a moment.');
      await execute(tx, 'update shipments set shipped_at = now() where id = $1', [box.id]);
      await execute(tx, `update orders set shipped_at = now() where shipment_id = $1 and status = 'paid'`, [box.id]);
    }
    const shipped = await queryRow(tx, z.object({ shippedAt: z.date(), orderIds: z.array(z.string()) }),
      `select sh.shipped_at as "shippedAt",
              coalesce((select array_agg(o.id order by o.created_at) from orders o where o.shipment_id = sh.id and o.shipped_at is not null), '{}') as "orderIds"
         from shipments sh where sh.id = $1`,
      [box.id],
    );
    return { id: box.id, shippedAt: shipped!.shippedAt.toISOString(), orderIds: shipped!.orderIds };
  });
