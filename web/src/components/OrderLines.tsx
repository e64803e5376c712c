import { formatMoney, type TOrder } from '@showcart/shared';

/** An order's receipt: its items, the shipping, any refund, and the total. */
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
        <span>Shipping</span>
        <span>{formatMoney(order.shippingMinor, order.currency)}</span>
      </li>
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
