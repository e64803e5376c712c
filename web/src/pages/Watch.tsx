import { availableOf, featuredEntry, formatMoney, isShowOver, unitsHeldBy, type TOrder, type TShowState } from '@showcart/shared';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { queryOf } from '../api.ts';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { ShipsTo } from '../components/Address.tsx';
import { useGreeting } from '../components/Greeting.tsx';
import { Layout } from '../components/Layout.tsx';
import { ItemCard } from '../components/ItemCard.tsx';
import { NewSellerBadge } from '../components/NewSellerBadge.tsx';
import { ChatPanel } from '../components/ChatPanel.tsx';
import { ShowError } from '../components/ShowError.tsx';
import { ShowStage } from '../components/Stage.tsx';
import { useSession } from '../session.tsx';
import { useShow } from '../show/useShow.ts';
import { useShowPage } from '../show/useShowPage.tsx';
import { PreShow } from './PreShow.tsx';
import { anotherUnitSummary, claimButtonOf, expiredOffers, myClaimsOf } from '../show/viewer.ts';

/**
 * The viewer's page, once the show is known to exist: a bad or unknown id gets a real
 * not-found page. Before it starts, once cancelled, and for a visitor who is not signed in,
 * it is the show's open page (PreShow); then the live show.
 */
export const WatchPage = () => {
  const known = useShowPage('Loading the show…');
  const { me } = useSession();
  // A signed-in visitor of someone's show may be greeted by its host (once, if the host set a greeting).
  useGreeting(known.ready && me && me.id !== known.show.hostId ? known.show.hostHandle : undefined);
  if (!known.ready) return known.page;
  if (me === undefined) return <div className="loading" role="status">Loading the show…</div>;
  if (known.show.status === 'scheduled' || known.show.status === 'cancelled' || me === null) return <PreShow show={known.show} />;
  return <WatchShow showId={known.showId} title={known.show.title} newHost={known.show.hostNewSeller ? known.show.hostName : null} />;
};

/** A failed tap, shown until the item it was about changes (a unit freed, a new item featured). */
type TFailure = { text: string; entryKey: string; needsCard?: boolean };
const entryKeyOf = (state: TShowState) => {
  const f = featuredEntry(state);
  return f ? `${f.entryId}:${f.quantity}:${f.claimed}:${f.offered}:${state.status}` : '';
};

/** The viewer's page: the host's video, the featured item with one-tap Claim, and what's next. */
/** `title` is Postgres', which the host may have edited after the live engine opened the show. */
/** `newHost`: the host's name when it has never sold, so its first buyer's shipping is on the platform. */
const WatchShow = ({ showId, title, newHost }: { showId: string; title: string; newHost: string | null }) => {
  const { state, command, error, signedOut, viewers } = useShow(showId);
  const { me } = useSession();
  const meId = me?.id ?? '';
  const over = isShowOver(state.status);
  const [claiming, setClaiming] = useState(false);
  const [confirmAnother, setConfirmAnother] = useState(false);
  const [failure, setFailure] = useState<TFailure | null>(null);
  const featured = featuredEntry(state);
  const derived = claimButtonOf(state, meId);
  const button = derived && signedOut ? { label: 'Claim', action: 'none' as const, why: 'Sign in again to claim.' } : derived;
  const entryById = new Map(state.entries.map((e) => [e.entryId, e]));
  const myOffers = state.offers.filter((o) => o.userId === meId);
  const myPlace = featured && meId ? (state.waitlists[featured.entryId] ?? []).indexOf(meId) + 1 : 0;
  const atLimit = featured && meId ? unitsHeldBy(state, featured.entryId, meId) >= featured.perBuyerLimit : false;
  const myClaims = myClaimsOf(state, meId);
  const myFeaturedClaim = featured ? state.claims.findLast((c) => c.entryId === featured.entryId && c.userId === meId && !c.voidedReason) : undefined;
  const entryKey = entryKeyOf(state);
  // A notification opens the show at an item (`?item=<entryId>`): it is marked wherever it is in the queue.
  const markedId = useSearchParams()[0].get('item');
  const marked = markedId ? entryById.get(markedId) : undefined;
  const shownFailure = failure && failure.entryKey === entryKey ? failure : null;

  // Offers that ran out untaken, told once each (the state only says they are gone).
  const previous = useRef(state);
  const [lapsed, setLapsed] = useState<{ key: string; title: string }[]>([]);
  useEffect(() => {
    const gone = expiredOffers(previous.current, state, meId);
    previous.current = state;
    if (gone.length === 0) return;
    setLapsed((list) => [...list, ...gone.map((o) => ({ key: `${o.entryId}:${o.expiresAt}`, title: entryById.get(o.entryId)?.title ?? 'An item' }))]);
  }, [state, meId]);

  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (myOffers.length === 0) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [myOffers.length]);

  /** Sends a claim (or takes an offer); a refusal is said beside the button. */
  const send = async (event: 'claim:create' | 'offer:accept', entryId: string) => {
    setClaiming(true);
    const key = entryKey;
    const reply = await command(event, { entryId });
    setClaiming(false);
    setFailure(reply.ok ? null : { text: reply.message, entryKey: key, needsCard: reply.code === 'NO_PAYMENT_METHOD' || reply.code === 'NO_ADDRESS' });
  };

  return (
    <Layout wide>
      <div className="watch">
        <ShowStage showId={showId} state={state} viewers={viewers} subtitle={title} />

        <section className="panel" aria-label="The show">
          {newHost && (
            <p className="muted" data-testid="watch-new-seller">
              <NewSellerBadge show /> {newHost} has not sold yet: the first buyer’s shipping is on us.
            </p>
          )}
          <div aria-live="polite" className="notices">
            {over && (
              <div className="banner" data-testid="show-ended">
                This show has ended.{' '}
                {state.status === 'settled' ? 'Its orders are final: ' : state.status === 'settling' ? 'Its orders are being charged now: ' : 'Your claims become orders: '}
                <Link to="/orders">see your orders</Link>
                {state.status === 'settled' && <> · <Link to={`/shows/${showId}/receipts`}>claim receipts</Link></>} ·{' '}
                <Link to={`/replays/${showId}`} data-testid="replay-link">watch the replay</Link>.
              </div>
            )}
            {over && myClaims.length > 0 && <MyOrders showId={showId} settled={state.status === 'settled'} />}
            {myClaims.filter((c) => c.voidedReason).map((c) => (
              <div key={c.claimId} className="banner banner-warning" data-testid="claim-voided">
                The host voided your claim on <strong>{c.title}</strong> (#{c.position}): “{c.voidedReason}”. You will not be charged for it.
              </div>
            ))}
            {lapsed.map((l) => (
              <div key={l.key} className="banner banner-warning" data-testid="offer-expired">
                Your hold on <strong>{l.title}</strong> ran out, so it went to the next in line.{' '}
                <button className="link-button" onClick={() => setLapsed((list) => list.filter((x) => x.key !== l.key))}>Dismiss</button>
              </div>
            ))}
          </div>
          <ShowError error={error} signedOut={signedOut} />
          {marked && !over && (
            <p className="banner" role="status" data-testid="marked-item">
              {marked.entryId === featured?.entryId
                ? <>You came for <strong>{marked.title}</strong>: it is on now at {formatMoney(marked.priceMinor, marked.currency)}.</>
                : <>You came for <strong>{marked.title}</strong>: it is in the queue below, {formatMoney(marked.priceMinor, marked.currency)}.</>}
            </p>
          )}
          {myOffers.map((offer) => {
            const entry = entryById.get(offer.entryId);
            const seconds = Math.max(0, Math.floor((offer.expiresAt - now) / 1_000));
            return (
              <div key={offer.entryId} className="banner banner-offer" data-testid="offer" role="status">
                <strong>{entry?.title ?? 'An item'} freed up for you!</strong> It is yours if you take it in {seconds} s.{' '}
                <button data-testid="offer-accept" className="button primary small" disabled={claiming} onClick={() => void send('offer:accept', offer.entryId)}>
                  Take it
                </button>
              </div>
            );
          })}
          {featured ? (
            <div aria-live="polite" aria-atomic="false">
              <ItemCard entry={featured} featured marked={featured.entryId === markedId} partTestIds={{ title: 'featured-title', price: 'featured-price', left: 'featured-left' }}>
                {button && (
                  <button
                    data-testid="claim-button"
                    className={button.action === 'another' ? 'button claim claim-done' : 'button primary claim'}
                    disabled={claiming || button.action === 'none'}
                    aria-describedby={button.why ? 'claim-why' : undefined}
                    onClick={() => {
                      if (button.action === 'another') setConfirmAnother(true);
                      else void send(button.action === 'take-offer' ? 'offer:accept' : 'claim:create', featured.entryId);
                    }}
                  >
                    {claiming ? 'Claiming…' : button.label}
                  </button>
                )}
                {button?.why && <p className="muted" id="claim-why" data-testid={atLimit ? 'at-limit' : 'claim-why'}>{button.why}</p>}
                {button && button.action !== 'none' && <ShipsTo back={`/shows/${showId}`} />}
                {myFeaturedClaim && !shownFailure && (
                  <p data-testid="claim-result" className="success" role="status">
                    Claimed — #{myFeaturedClaim.position}. You'll be charged after the show.
                  </p>
                )}
                {shownFailure && (
                  <p data-testid="claim-result" className="error" role="status">
                    {shownFailure.text}
                    {shownFailure.needsCard && <> <Link to={`/wallet?back=/shows/${showId}`} data-testid="add-card">Add a card and address</Link></>}
                  </p>
                )}
                {availableOf(featured) <= 0 && state.status === 'live' && button?.action !== 'take-offer' && !atLimit && !state.bannedUserIds.includes(meId) && (
                  myPlace > 0 ? (
                    <p className="muted" data-testid="waitlist-place">
                      You are #{myPlace} on the waitlist.{' '}
                      <button className="link-button" onClick={() => void command('waitlist:leave', { entryId: featured.entryId })}>Leave the waitlist</button>
                    </p>
                  ) : (
                    <button
                      data-testid="waitlist-join"
                      className="button"
                      onClick={async () => {
                        const key = entryKey;
                        const reply = await command('waitlist:join', { entryId: featured.entryId });
                        if (!reply.ok) setFailure({ text: reply.message, entryKey: key });
                      }}
                    >
                      Join the waitlist
                    </button>
                  )
                )}
              </ItemCard>
            </div>
          ) : (
            !over && <p className="muted" role="status">{state.status === 'live' ? 'The host is picking the next item…' : 'The show has not started yet. Claiming opens when the host goes live.'}</p>
          )}
          <ConfirmDialog
            open={confirmAnother && !!featured && button?.action === 'another'}
            title={`Claim another ${featured?.title ?? ''}?`}
            confirmLabel={featured ? `Claim another for ${formatMoney(featured.priceMinor, featured.currency)}` : 'Claim another'}
            onCancel={() => setConfirmAnother(false)}
            onConfirm={() => {
              setConfirmAnother(false);
              if (featured) void send('claim:create', featured.entryId);
            }}
            testId="claim-another"
          >
            <p>{anotherUnitSummary(state, meId)}</p>
            <ShipsTo back={`/shows/${showId}`} />
          </ConfirmDialog>

          {me && <ChatPanel state={state} meId={me.id} command={command} signedOut={signedOut} />}

          {myClaims.length > 0 && (
            <>
              <h2 className="section-title">Your claims</h2>
              <ul className="claims" data-testid="my-claims">
                {myClaims.map((c) => (
                  <li key={c.claimId} className={c.voidedReason ? 'claim-voided' : undefined}>
                    {c.title} · {c.price} · {c.voidedReason ? <>voided by the host: {c.voidedReason}</> : <>#{c.position}, charged after the show</>}
                  </li>
                ))}
              </ul>
            </>
          )}

          <h2 className="section-title">Up next</h2>
          <div className="queue queue-compact">
            {state.entries
              .filter((e) => e.entryId !== state.featuredEntryId)
              .map((entry) => (
                <ItemCard key={entry.entryId} entry={entry} marked={entry.entryId === markedId} />
              ))}
          </div>

          <h2 className="section-title">Claims</h2>
          <ol className="claims" data-testid="viewer-claims" aria-live="polite" aria-relevant="additions">
            {[...state.claims].reverse().map((c) => (
              <li key={c.claimId}>
                <strong>{c.displayName}</strong> claimed {entryById.get(c.entryId)?.title ?? 'an item'}
              </li>
            ))}
            {state.claims.length === 0 && <li className="muted">Be the first to claim.</li>}
          </ol>
        </section>
      </div>
    </Layout>
  );
};

/** What became of this viewer's orders from the show: charged, or declined with what to do. */
const MyOrders = ({ showId, settled }: { showId: string; settled: boolean }) => {
  const query = useQuery({ ...queryOf('orders.list'), refetchInterval: settled ? false : 2_000 });
  const orders = (query.data?.orders ?? []).filter((o: TOrder) => o.showId === showId);
  if (orders.length === 0) return null;
  return (
    <ul className="banner my-orders" data-testid="my-orders">
      {orders.map((o) => (
        <li key={o.id} data-testid="my-order" data-status={o.status}>
          {o.sellerName}: {formatMoney(o.totalMinor, o.currency)}{' '}
          {o.status === 'paid' ? (
            <>charged to your card.</>
          ) : o.status === 'payment_failed' || o.status === 'action_required' ? (
            <>
              <strong>{o.status === 'action_required' ? 'your bank asks you to confirm it' : 'your card was declined'}</strong>
              {o.payBy && <> — pay by {new Date(o.payBy).toLocaleString()}</>}.{' '}
              <Link to={`/orders/${o.id}/pay`} className="button small primary">Pay now</Link>
            </>
          ) : o.status === 'pending' ? (
            <>being charged…</>
          ) : (
            <>{o.status.replace('_', ' ')}.</>
          )}
        </li>
      ))}
    </ul>
  );
};
