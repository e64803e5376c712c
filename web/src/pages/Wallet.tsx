import type { TCard, TPaymentSetup } from '@showcart/shared';
import { Elements } from '@stripe/react-stripe-js';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { call, messageOf, queryOf } from '../api.ts';
import { AddressForm, AddressList, useDefaultAddress } from '../components/Address.tsx';
import { Layout } from '../components/Layout.tsx';
import { cardLabel } from '../payments/card.ts';
import { ConfirmForm } from '../payments/ConfirmForm.tsx';
import { stripeFor } from '../payments/stripe.ts';
import { useSession } from '../session.tsx';

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
      onSaved((await call('payments.setupComplete', { body: { setupIntentId } })).card)}
  />
);

/** With stripe-mock: Stripe's test cards, each behaving like the real one in test mode. */
const TestCards = ({ setup, onSaved }: { setup: TPaymentSetup; onSaved: (card: TCard) => void }) => {
  const [choice, setChoice] = useState(setup.testCards[0]?.paymentMethod ?? '');
  const save = useMutation({
    mutationFn: () => call('payments.testCard', { body: { paymentMethod: choice } }),
    onSuccess: (reply) => onSaved(reply.card),
  });
  return (
    <form
      className="stack"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate();
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
      {save.error && <p className="error" role="alert">{messageOf(save.error)}</p>}
      <button className="button primary" data-testid="save-card">Save card</button>
    </form>
  );
};

/**
 * What a buyer needs before a first claim or purchase, on one page: a card for the charges
 * after each show, and the address its orders ship to. A page that sent the buyer here
 * (`?back=`) is offered back once both are in place.
 */
export const WalletPage = () => {
  const { me, setMe } = useSession();
  const [params] = useSearchParams();
  const client = useQueryClient();
  const setupQuery = useQuery(queryOf('payments.get'));
  const setup = setupQuery.data;
  // One SetupIntent per visit, made when the page opens in Elements mode and kept while it
  // stays open: the Payment Element is bound to its client secret. A retry is the same attempt.
  const [attemptId] = useState(() => crypto.randomUUID());
  const intent = useQuery({
    ...queryOf('payments.setupIntent', { body: { attemptId } }),
    enabled: setup?.mode === 'elements',
    staleTime: Infinity,
    gcTime: 0,
  });
  const clientSecret = intent.data?.clientSecret;
  const failure = setupQuery.error ?? intent.error;
  const error = failure ? messageOf(failure) : null;
  const [saved, setSaved] = useState(false);
  const address = useDefaultAddress();
  const [addingAddress, setAddingAddress] = useState(false);

  const onSaved = (card: TCard) => {
    client.setQueryData(queryOf('payments.get').queryKey, (s) => (s ? { ...s, card } : s));
    setSaved(true);
    if (me) setMe({ ...me, hasPaymentMethod: true });
  };
  // Only a path of this site: `back` comes from a link anyone can write.
  const back = params.get('back')?.match(/^\/[^/\\]/) ? params.get('back') : null;
  const ready = Boolean(setup?.card) && Boolean(address);

  return (
    <Layout>
      <h1>Card and address</h1>
      <p className="tagline">Claims are charged to your card after each show, one charge per seller, and ship to your default address.</p>
      {error && <p className="error">{error}</p>}
      {back && ready && (
        <p className="banner" role="status" data-testid="ready-to-buy">
          You are ready to claim. <Link to={back}>Back to where you were</Link>
        </p>
      )}
      <section className="card stack" aria-labelledby="address-title">
        <h2 className="section-title" id="address-title">Shipping address</h2>
        {address === null && <p data-testid="no-address">No address yet: add the one your orders ship to.</p>}
        <AddressList />
        {address === null || addingAddress ? (
          <AddressForm onSaved={() => setAddingAddress(false)} />
        ) : (
          address && <button className="button" onClick={() => setAddingAddress(true)}>Add another address</button>
        )}
      </section>
      {setup && (
        <section className="card stack" aria-labelledby="card-title">
          <h2 className="section-title" id="card-title">Card</h2>
          <p data-testid="saved-card">
            {setup.card ? <>Saved: <strong>{cardLabel(setup.card)}</strong></> : 'No card saved yet: add one to claim in shows.'}
          </p>
          {saved && <p className="success" role="status">Card saved.</p>}
          <h3>{setup.card ? 'Replace it' : 'Add a card'}</h3>
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
