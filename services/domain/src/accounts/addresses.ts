import { execute, queryRow, queryRows, withTransaction, type TQueryable } from '@showcart/common';
import { AppError, ZAddress, type TAddress, type TAddressBody } from '@showcart/shared';
import type { TDomainDeps } from '../deps.ts';
import { findMe } from './sessions.ts';

/** A buyer's shipping addresses: several kept, one the default, which every new order copies. */

/** An account keeps at most this many addresses: a form posted in a loop cannot grow a table. */
const MAX_ADDRESSES = 20;

const ADDRESS_COLUMNS = `id, name, line1, line2, city, region, postal_code as "postalCode", country, is_default as "isDefault"`;

export const listAddresses = async (deps: Pick<TDomainDeps, 'db'>, userId: string): Promise<TAddress[]> =>
  queryRows(deps.db, ZAddress,
    `select ${ADDRESS_COLUMNS} from addresses where user_id = $1 and deleted_at is null order by is_default desc, created_at desc`, [userId]);

/** Adds an address; the first one, or one asked to be, becomes the default. */
export const addAddress = async (
  deps: Pick<TDomainDeps, 'db'>,
  p: { userId: string; address: TAddressBody; makeDefault: boolean },
): Promise<TAddress> =>
  withTransaction(deps.db, async (tx) => {
    // The user's row lock serialises two adds at once, so both cannot become the first default.
    await execute(tx, 'select 1 from users where id = $1 for update', [p.userId]);
    const kept = await queryRows(tx, ZAddress.pick({ id: true, isDefault: true }),
      'select id, is_default as "isDefault" from addresses where user_id = $1 and deleted_at is null', [p.userId]);
    if (kept.length >= MAX_ADDRESSES) throw new AppError('CONFLICT', `You keep ${MAX_ADDRESSES} addresses already: remove one first.`);
    const makeDefault = p.makeDefault || !kept.some((a) => a.isDefault);
    if (makeDefault) await execute(tx, 'update addresses set is_default = false where user_id = $1 and is_default', [p.userId]);
    const a = p.address;
    return (await queryRow(tx, ZAddress,
      `insert into addresses (user_id, name, line1, line2, city, region, postal_code, country, is_default)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning ${ADDRESS_COLUMNS}`,
      [p.userId, a.name, a.line1, a.line2, a.city, a.region, a.postalCode, a.country, makeDefault],
    ))!;
  });

export const setDefaultAddress = async (deps: Pick<TDomainDeps, 'db'>, p: { userId: string; addressId: string }): Promise<TAddress[]> => {
  await withTransaction(deps.db, async (tx) => {
    const found = await execute(tx, 'select 1 from addresses where id = $1 and user_id = $2 and deleted_at is null for update', [p.addressId, p.userId]);
    if (found === 0) throw new AppError('NOT_FOUND', 'No such address.');
    await execute(tx, 'update addresses set is_default = false where user_id = $1 and is_default and id <> $2', [p.userId, p.addressId]);
    await execute(tx, 'update addresses set is_default = true where id = $1', [p.addressId]);
  });
  return listAddresses(deps, p.userId);
};

/**
 * Removes an address from the list. Its row stays (deleted_at): an order not yet made from
 * a claim made while it was the default still ships there. The newest other one becomes
 * the default.
 */
export const removeAddress = async (deps: Pick<TDomainDeps, 'db'>, p: { userId: string; addressId: string }): Promise<TAddress[]> => {
  await withTransaction(deps.db, async (tx) => {
    const row = await queryRow(tx, ZAddress.pick({ isDefault: true }),
      'select is_default as "isDefault" from addresses where id = $1 and user_id = $2 and deleted_at is null for update', [p.addressId, p.userId]);
    if (!row) throw new AppError('NOT_FOUND', 'No such address.');
    await execute(tx, 'update addresses set is_default = false, deleted_at = now() where id = $1', [p.addressId]);
    if (row.isDefault) {
      await execute(tx,
        `update addresses set is_default = true where id = (
           select id from addresses where user_id = $1 and deleted_at is null order by created_at desc limit 1)`, [p.userId]);
    }
  });
  return listAddresses(deps, p.userId);
};

/**
 * What an order made now for this buyer ships to, as the order keeps it: the default address,
 * else the last one the buyer had (removed after the claim that the order is made of).
 * SQL for `insert … select`, with the buyer's id as the parameter named.
 */
export const shippingAddressOf = (buyerParam: string) =>
  `(select jsonb_build_object('name', a.name, 'line1', a.line1, 'line2', a.line2, 'city', a.city, 'region', a.region,
                              'postalCode', a.postal_code, 'country', a.country)
      from addresses a where a.user_id = ${buyerParam}
     order by a.is_default desc, a.deleted_at desc nulls first, a.created_at desc limit 1)`;

/**
 * Before a first claim or purchase a buyer has a saved card and a shipping address (one
 * prompt, /wallet, takes both). A session that had neither is looked up again: the buyer
 * may have added them since the page opened.
 */
export const assertReadyToBuy = async (
  db: TQueryable,
  buyer: { id: string; hasPaymentMethod: boolean; hasShippingAddress: boolean },
) => {
  const now = buyer.hasPaymentMethod && buyer.hasShippingAddress ? buyer : await findMe(db, buyer.id);
  if (!now?.hasPaymentMethod) throw new AppError('NO_PAYMENT_METHOD');
  if (!now.hasShippingAddress) throw new AppError('NO_ADDRESS');
};
