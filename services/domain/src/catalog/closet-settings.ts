import { execute, queryRow } from '@showcart/common';
import { ZClosetSettings, type TClosetSettings } from '@showcart/shared';
import type { TDomainDeps } from '../deps.ts';
import { shippingFor } from '../orders/insert-order.ts';

/** A closet's own terms: the shipping fee of a bundle from it (the platform's default until it sets one) and its handling days. */
export const getClosetSettings = async (deps: Pick<TDomainDeps, 'db' | 'config'>, sellerId: string): Promise<TClosetSettings> => {
  const row = (await queryRow(deps.db, ZClosetSettings.extend({ shippingFeeMinor: ZClosetSettings.shape.shippingFeeMinor.nullable() }),
    'select shipping_fee_minor as "shippingFeeMinor", handling_days as "handlingDays" from users where id = $1', [sellerId]))!;
  return { shippingFeeMinor: shippingFor(row.shippingFeeMinor, deps.config), handlingDays: row.handlingDays };
};

export const updateClosetSettings = async (
  deps: Pick<TDomainDeps, 'db' | 'config'>,
  p: { sellerId: string; settings: TClosetSettings },
): Promise<TClosetSettings> => {
  await execute(deps.db, 'update users set shipping_fee_minor = $2, handling_days = $3 where id = $1',
    [p.sellerId, p.settings.shippingFeeMinor, p.settings.handlingDays]);
  return getClosetSettings(deps, p.sellerId);
};
