import { formatMoney, type TOrder } from '@showcart/shared';

/** An order's receipt: its items, the shipping, what the platform pays of it (the first-sale boost), the seller's offer off shipping, other discounts, any refund, and the total. */
export const OrderLines = ({ order }: { order: TOrder }) => (
  <>
    <ul className="order-items">
      {order.items.map((item) => (
        <li key={item.claimId}>
          <span>{item.title} <span className="muted">· {item.variantLabel}</span></span>
          <span>{formatMoney(item.priceMinor, order.currency)}</span>
        </li>
      ))}
      <li className="muted">
        <span>{order.origin === 'ship_together' ? 'Shipping: paid with the box' : 'Shipping'}</span>
        <span>{formatMoney(order.shippingMinor, order.currency)}</span>
      </li>
      {order.boostMinor > 0 && (
        <li className="order-boost" data-testid="order-boost">
          <span>First-sale boost: shipping on us</span>
          <span>−{formatMoney(order.boostMinor, order.currency)}</span>
        </li>
      )}
      {order.shippingDiscountMinor > 0 && (
        <li className="muted" data-testid="order-offer-shipping">
          <span>Seller’s offer: off shipping</span><span>−{formatMoney(order.shippingDiscountMinor, order.currency)}</span>
        </li>
      )}
      {order.discountMinor > order.boostMinor + order.shippingDiscountMinor && (
        <li className="muted"><span>Discount</span><span>−{formatMoney(order.discountMinor - order.boostMinor - order.shippingDiscountMinor, order.currency)}</span></li>
      )}
      {order.refundedMinor > 0 && (
        <li className="muted"><span>Refunded</span><span>−{formatMoney(order.refundedMinor, order.currency)}</span></li>
      )}
    </ul>
    <p className="order-total">
      <span>Total</span>
      <strong data-testid="order-total">{formatMoney(order.totalMinor, order.currency)}</strong>
    </p>
  </>
);
