/**
 * What the order and sale pages read of boxes (ship together), as columns of a query over
 * `orders o`: kept here, beside the rules, so the order queries take them whole.
 */

/** The line of an item added to a box, as an order's `items` (its add's id in place of a claim's). */
export const ADDED_ITEMS_SQL = `(select json_agg(json_build_object('claimId', a.id, 'title', l.title, 'variantLabel', v.label, 'priceMinor', a.price_minor))
     from ship_together_adds a join listing_variants v on v.id = a.variant_id join listings l on l.id = v.listing_id
    where a.order_id = o.id)`;

/** The same line as a sale's `items`. */
export const ADDED_SALE_ITEMS_SQL = `(select json_agg(json_build_object('title', l.title, 'variantLabel', v.label, 'priceMinor', a.price_minor))
     from ship_together_adds a join listing_variants v on v.id = a.variant_id join listings l on l.id = v.listing_id
    where a.order_id = o.id)`;

/** When the box shipped, and for an added item the order the box was packed for. */
const BOX_SQL = `to_char(o.shipped_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "shippedAt",
        (select sh.order_id from shipments sh where sh.id = o.shipment_id and o.origin = 'ship_together') as "shipsWithOrderId"`;

/**
 * The buyer's order: its box and the seller's suggestions for it (on the order the box was
 * packed for), each with whether it can be added now and the order that took it.
 */
export const BOX_ORDER_COLUMNS_SQL = `${BOX_SQL},
        coalesce((select json_agg(json_build_object('id', g.id, 'listingId', l.id, 'title', l.title, 'variantLabel', v.label,
                    'photoUrl', l.photo_url, 'priceMinor', l.price_minor, 'addedOrderId', a.order_id,
                    'available', sh.shipped_at is null and l.deleted_at is null and l.unlisted_at is null and v.quantity > v.reserved)
                    order by g.created_at, g.id)
           from shipments sh join ship_together_suggestions g on g.shipment_id = sh.id
           join listing_variants v on v.id = g.variant_id join listings l on l.id = g.listing_id
           left join ship_together_adds a on a.suggestion_id = g.id and a.released_at is null
          where sh.order_id = o.id), '[]') as "shipTogether"`;

/** The seller's sale: its box and what it suggested for it. */
export const BOX_SALE_COLUMNS_SQL = `${BOX_SQL},
        coalesce((select json_agg(json_build_object('title', l.title, 'variantLabel', v.label, 'added', a.id is not null)
                    order by g.created_at, g.id)
           from shipments sh join ship_together_suggestions g on g.shipment_id = sh.id
           join listing_variants v on v.id = g.variant_id join listings l on l.id = g.listing_id
           left join ship_together_adds a on a.suggestion_id = g.id and a.released_at is null
          where sh.order_id = o.id), '[]') as suggestions`;
