import { availableOf, featuredEntry, isShowOver, unitsHeldBy } from '@showcart/shared';
import { useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Layout } from '../components/Layout.tsx';
import { ItemCard } from '../components/ItemCard.tsx';
import { ChatPanel } from '../components/ChatPanel.tsx';
import { ShowStage } from '../components/Stage.tsx';
import { useSession } from '../session.tsx';
import { useShow } from '../show/useShow.ts';

/** The viewer's page: the host's video, the featured item with one-tap Claim, and what's next. */
export const WatchPage = () => {
  const showId = useParams().id!;
  const { state, command, error, viewers } = useShow(showId);
  const { me } = useSession();
  const over = isShowOver(state.status);
  const [claiming, setClaiming] = useState(false);
  const [result, setResult] = useState<{ ok: boolean; text: string; entryId: string; needsCard?: boolean } | null>(null);
  const featured = featuredEntry(state);
  const soldOut = featured ? availableOf(featured) <= 0 : false;
  const entryById = new Map(state.entries.map((e) => [e.entryId, e]));
  const myOffers = state.offers.filter((o) => o.userId === me?.id);
  // A unit of the featured item held for me: the Claim button takes it.
  const offeredToMe = featured ? myOffers.some((o) => o.entryId === featured.entryId) : false;
  const myPlace = featured && me ? (state.waitlists[featured.entryId] ?? []).indexOf(me.id) + 1 : 0;
  // A buyer at the per-buyer limit could not take a unit the waitlist offered.
  const atLimit = featured && me ? unitsHeldBy(state, featured.entryId, me.id) >= featured.perBuyerLimit : false;
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (myOffers.length === 0) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [myOffers.length]);

  const claim = async () => {
    if (!featured) return;
    setClaiming(true);
    const reply = await command('claim:create', { entryId: featured.entryId });
    setClaiming(false);
    setResult(
      reply.ok
        ? { ok: true, text: `Claimed — #${reply.position}. You'll be charged after the show.`, entryId: featured.entryId }
        : { ok: false, text: reply.message, entryId: featured.entryId, needsCard: reply.code === 'NO_PAYMENT_METHOD' },
    );
  };

  return (
    <Layout wide>
      <div className="watch">
        <ShowStage showId={showId} state={state} viewers={viewers} />

        <section className="panel">
          {over && (
            <div className="banner" data-testid="show-ended">
              This show has ended.{' '}
              {state.status === 'settled' ? 'Its orders are final: ' : state.status === 'settling' ? 'Its orders are being charged now: ' : 'Your claims become orders: '}
              <Link to="/orders">see your orders</Link>
              {state.status === 'settled' && <> · <Link to={`/shows/${showId}/receipts`}>claim receipts</Link></>} ·{' '}
              <Link to={`/replays/${showId}`} data-testid="replay-link">watch the replay</Link>.
            </div>
          )}
          {error && <p className="error">{error}</p>}
          {myOffers.map((offer) => {
            const entry = entryById.get(offer.entryId);
            const seconds = Math.max(0, Math.floor((offer.expiresAt - now) / 1_000));
            return (
              <div key={offer.entryId} className="banner banner-offer" data-testid="offer">
                <strong>{entry?.title ?? 'An item'} freed up for you!</strong> It is yours if you take it in {seconds} s.{' '}
                <button
                  data-testid="offer-accept"
                  className="button primary small"
                  onClick={async () => {
                    const reply = await command('offer:accept', { entryId: offer.entryId });
                    setResult({ ok: reply.ok, text: reply.ok ? `Claimed — #${reply.position}.` : reply.message, entryId: offer.entryId });
                  }}
                >
                  Take it
                </button>
              </div>
            );
          })}
          {featured ? (
            <ItemCard entry={featured} featured partTestIds={{ title: 'featured-title', price: 'featured-price', left: 'featured-left' }}>
              <button
                data-testid="claim-button"
                className="button primary claim"
                disabled={claiming || (soldOut && !offeredToMe) || state.status !== 'live'}
                onClick={() => void claim()}
              >
                {claiming ? 'Claiming…' : offeredToMe ? 'Take yours' : soldOut ? 'Sold out' : 'Claim'}
              </button>
              {soldOut && state.status === 'live' && !offeredToMe && (
                atLimit && myPlace === 0 ? (
                  <p className="muted" data-testid="at-limit">You have as many of this item as one buyer may claim.</p>
                ) : myPlace > 0 ? (
                  <p className="muted" data-testid="waitlist-place">
                    You are #{myPlace} on the waitlist.{' '}
                    <button className="link-button" onClick={() => void command('waitlist:leave', { entryId: featured.entryId })}>Leave</button>
                  </p>
                ) : (
                  <button
                    data-testid="waitlist-join"
                    className="button"
                    onClick={async () => {
                      const reply = await command('waitlist:join', { entryId: featured.entryId });
                      if (!reply.ok) setResult({ ok: false, text: reply.message, entryId: featured.entryId });
                    }}
                  >
                    Join the waitlist
                  </button>
                )
              )}
              {result && result.entryId === featured.entryId && (
                <p data-testid="claim-result" className={result.ok ? 'success' : 'error'} role="status">
                  {result.text}
                  {result.needsCard && <> <Link to={`/wallet?back=/shows/${showId}`}>Add a card</Link></>}
                </p>
              )}
            </ItemCard>
          ) : (
            !over && <p className="muted">{state.status === 'live' ? 'The host is picking the next item…' : 'The show has not started yet.'}</p>
          )}

          {me && <ChatPanel state={state} meId={me.id} command={command} />}

          <h2 className="section-title">Up next</h2>
          <div className="queue queue-compact">
            {state.entries
              .filter((e) => e.entryId !== state.featuredEntryId)
              .map((entry) => (
                <ItemCard key={entry.entryId} entry={entry} />
              ))}
          </div>

          <h2 className="section-title">Claims</h2>
          <ol className="claims" data-testid="viewer-claims">
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
