import { PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
import type { Stripe, StripeElements } from '@stripe/stripe-js';
import { useState } from 'react';
import { messageOf } from '../api.ts';

/**
 * Stripe's Payment Element with one button: `confirm` confirms the intent in the browser
 * (3-D Secure happens there) and gives its id, or Stripe's message; `complete` tells the
 * api, which checks the intent with Stripe itself.
 */
export const ConfirmForm = (p: {
  confirm: (stripe: Stripe, elements: StripeElements) => Promise<{ id?: string; error?: string }>;
  complete: (intentId: string) => Promise<void>;
  label: string;
  busyLabel: string;
}) => {
  const stripe = useStripe();
  const elements = useElements();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  return (
    <form
      className="stack"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!stripe || !elements) return;
        setBusy(true);
        setError(null);
        const confirmed = await p.confirm(stripe, elements);
        if (confirmed.id) {
          await p.complete(confirmed.id).catch((err: unknown) => setError(messageOf(err)));
        } else {
          setError(confirmed.error ?? 'Stripe did not accept that.');
        }
        setBusy(false);
      }}
    >
      <PaymentElement />
      {error && <p className="error" role="alert">{error}</p>}
      <button className="button primary" disabled={!stripe || busy}>{busy ? p.busyLabel : p.label}</button>
    </form>
  );
};
