import type { TCard, TPaymentSetup } from '@showcart/shared';
import { Elements } from '@stripe/react-stripe-js';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, messageOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { ConfirmForm } from '../payments/ConfirmForm.tsx';
import { stripeFor } from '../payments/stripe.ts';
import { useSession } from '../session.tsx';

export const cardLabel = (card: TCard) => `${card.brand[0]!.toUpperCase()}${card.brand.slice(1)} ···· ${card.last4}${card.exp ? ` · ${card.exp}` : ''}`;

/** Saves a card through a SetupIntent confirmed in Stripe's Payment Element. */
const ElementsForm = ({ onSaved }: { onSaved: (card: TCard) => void }) => (
  <ConfirmForm
    label="Save card"
    busyLabel="Saving…"
    confirm={async (stripe, elements) => {
      const { error, setupIntent } = await stripe.confirmSetup({
        elements, redirect: 'if_required', confirmParams: { return_url: `${location.origin}/wallet` },
      });
      return { id: setupIntent?.id, error: error?.message ?? (setupIntent ? undefined : 'The card was not saved.') };
    }}
    complete={async (setupIntentId) =>
      onSaved((await api<{ card: TCard }>('POST', '/payments/setup-intent/complete', { setupIntentId })).card)}
  />
);

/** With stripe-mock: Stripe's test cards, each behaving like the real one in test mode. */
const TestCards = ({ setup, onSaved }: { setup: TPaymentSetup; onSaved: (card: TCard) => void }) => {
  const [choice, setChoice] = useState(setup.testCards[0]?.paymentMethod ?? '');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="stack"
      onSubmit={async (e) => {
        e.preventDefault();
        setError(null);
        try {
          onSaved((await api<{ card: TCard }>('POST', '/payments/test-card', { paymentMethod: choice })).card);
        } catch (err) {
          setError(messageOf(err));
        }
      }}
    >
      <p className="muted">This server runs against stripe-mock, so pick one of Stripe’s test cards.</p>
      <fieldset className="choices">
        {setup.testCards.map((c) => (
          <label key={c.paymentMethod} className="choice">
            <input type="radio" name="card" value={c.paymentMethod} checked={choice === c.paymentMethod} onChange={() => setChoice(c.paymentMethod)} />
            {c.label}
          </label>
        ))}
      </fieldset>
      {error && <p className="error" role="alert">{error}</p>}
      <button className="button primary" data-testid="save-card">Save card</button>
    </form>
  );
};

/** The buyer's card for after-show charges: see it, add one, replace it. */
export const WalletPage = () => {
  const { me, setMe } = useSession();
  const [params] = useSearchParams();
  const [setup, setSetup] = useState<TPaymentSetup | null>(null);
  const [clientSecret, setClientSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    api<TPaymentSetup>('GET', '/payments').then(setSetup, (e) => setError(messageOf(e)));
  }, []);
  useEffect(() => {
    if (setup?.mode !== 'elements' || clientSecret) return;
    api<{ clientSecret: string }>('POST', '/payments/setup-intent', { attemptId: crypto.randomUUID() })
      .then((r) => setClientSecret(r.clientSecret), (e) => setError(messageOf(e)));
  }, [setup, clientSecret]);

  const onSaved = (card: TCard) => {
    setSetup((s) => (s ? { ...s, card } : s));
    setSaved(true);
    if (me) setMe({ ...me, hasPaymentMethod: true });
  };
  const back = params.get('back');

  return (
    <Layout>
      <h1>Your card</h1>
      <p className="tagline">Claims are charged to it after each show, one charge per seller.</p>
      {error && <p className="error">{error}</p>}
      {setup && (
        <section className="card stack">
          <p data-testid="saved-card">
            {setup.card ? <>Saved: <strong>{cardLabel(setup.card)}</strong></> : 'No card saved yet: add one to claim in shows.'}
          </p>
          {saved && <p className="success" role="status">Card saved.{back && <> <a href={back}>Back to where you were</a>.</>}</p>}
          <h2 className="section-title">{setup.card ? 'Replace it' : 'Add a card'}</h2>
          {setup.mode === 'test' && <TestCards setup={setup} onSaved={onSaved} />}
          {setup.mode === 'elements' && setup.publishableKey && clientSecret && (
            <Elements stripe={stripeFor(setup.publishableKey)} options={{ clientSecret }}>
              <ElementsForm onSaved={onSaved} />
            </Elements>
          )}
        </section>
      )}
    </Layout>
  );
};
