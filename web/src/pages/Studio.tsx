import { featuredEntry, formatMoney, isShowOver, type TClaim, type TShowDetail } from '@showcart/shared';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { BeforeTheShow, CancelledShow } from '../components/BeforeTheShow.tsx';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { Layout } from '../components/Layout.tsx';
import { ItemCard } from '../components/ItemCard.tsx';
import { QueueEntryTools } from '../components/QueueEntryTools.tsx';
import { ChatPanel, ChatSettings } from '../components/ChatPanel.tsx';
import { ClosetPicker } from '../components/ClosetPicker.tsx';
import { ShowError } from '../components/ShowError.tsx';
import { ShowStage } from '../components/Stage.tsx';
import { useSession } from '../session.tsx';
import { useShow } from '../show/useShow.ts';
import { useShowPage } from '../show/useShowPage.tsx';
import { ErrorPage } from './ErrorPage.tsx';

/** The studio is its host's: anyone else gets a page saying so, not controls that refuse on click. */
export const StudioPage = () => {
  const { me } = useSession();
  const known = useShowPage('Loading the studio…');
  if (!known.ready) return known.page;
  if (!me) return <Layout><div className="loading" role="status">Loading the studio…</div></Layout>;
  if (known.show.hostId !== me.id) {
    return (
      <ErrorPage kind="forbidden" detail={`Only the host of “${known.show.title}” can open its studio.`}>
        <p><Link to={`/shows/${known.showId}`}>Watch the show instead</Link></p>
      </ErrorPage>
    );
  }
  if (known.show.status === 'cancelled') return <CancelledShow show={known.show} />;
  return <Studio showId={known.showId} show={known.show} />;
};

type TTab = 'queue' | 'chat' | 'claims';

/**
 * The host's studio: camera out, the queue to feature from, prices, chat and the claims.
 * On a desktop all of it is on one screen; on a phone the video and the featured item stay
 * on top and queue, chat and claims are tabs one tap away.
 */
const Studio = ({ showId, show }: { showId: string; show: TShowDetail }) => {
  const { state, command, error, signedOut, connected, viewers } = useShow(showId);
  const { me } = useSession();
  const live = state.status === 'live';
  const over = isShowOver(state.status);
  const [actionError, setActionError] = useState<string | null>(null);
  const [price, setPrice] = useState('');
  const [tab, setTab] = useState<TTab>('queue');
  const [confirmEnd, setConfirmEnd] = useState(false);
  const [voiding, setVoiding] = useState<TClaim | null>(null);
  const featured = featuredEntry(state);
  const entryById = new Map(state.entries.map((e) => [e.entryId, e]));
  const [dragging, setDragging] = useState<string | null>(null);
  const kept = state.claims.filter((c) => !c.voidedReason);
  const claimCount = kept.length;
  const currency = state.entries[0]?.currency ?? 'usd';
  const revenue = formatMoney(kept.reduce((sum, c) => sum + c.priceMinor, 0), currency);
  const buyers = new Set(kept.map((c) => c.userId)).size;

  /** Moves an entry to a new place in the queue (drag and drop, or the arrow buttons). */
  const move = (entryId: string, to: number) => {
    const ids = state.entries.map((e) => e.entryId).filter((id) => id !== entryId);
    ids.splice(Math.max(0, Math.min(to, ids.length)), 0, entryId);
    return run(command('queue:reorder', { entryIds: ids }));
  };

  const run = async (action: Promise<{ ok: boolean; message?: string }>) => {
    setActionError(null);
    const reply = await action;
    if (!reply.ok) setActionError(reply.message ?? 'That did not work.');
    return reply.ok;
  };

  const tabButton = (id: TTab, label: string) => (
    <button
      role="tab"
      id={`tab-${id}`}
      aria-controls={`panel-${id}`}
      aria-selected={tab === id}
      className={tab === id ? 'tab active' : 'tab'}
      data-testid={`studio-tab-${id}`}
      onClick={() => setTab(id)}
    >
      {label}
    </button>
  );
  const panelProps = (id: TTab) => ({
    id: `panel-${id}`,
    role: 'tabpanel',
    'aria-labelledby': `tab-${id}`,
    className: tab === id ? 'tab-panel active' : 'tab-panel',
    'data-testid': `studio-panel-${id}`,
  });

  return (
    <Layout wide>
      <div className="studio">
        <div className="stage-column">
          <ShowStage showId={showId} state={state} viewers={viewers} host subtitle={connected ? show.title : 'Reconnecting…'}>
            {state.status === 'scheduled' && (
              <button data-testid="studio-go-live" className="button live" onClick={() => void run(command('show:start', {}))}>
                Go live
              </button>
            )}
            {live && (
              <button data-testid="studio-end" className="button danger" onClick={() => setConfirmEnd(true)}>
                End show
              </button>
            )}
          </ShowStage>
          <dl className="counters" data-testid="studio-counters" aria-live="polite">
            <div><dt>Watching</dt><dd data-testid="counter-viewers">{live ? (viewers ?? 0) : '–'}</dd></div>
            <div><dt>Claims</dt><dd data-testid="counter-claims">{claimCount}</dd></div>
            <div><dt>Sold so far</dt><dd data-testid="counter-revenue">{revenue}</dd></div>
          </dl>
          {actionError ? <p className="error" role="alert">{actionError}</p> : <ShowError error={error} signedOut={signedOut} />}
          {show.status === 'scheduled' && state.status === 'scheduled' && <BeforeTheShow show={show} />}
          {over && (
            <section className="card show-summary" data-testid="show-summary" aria-label="After the show">
              <h2 className="section-title">The show is over</h2>
              <p>
                {claimCount === 0 ? 'Nothing was claimed.' : `${claimCount} ${claimCount === 1 ? 'item' : 'items'} claimed for ${revenue} by ${buyers} ${buyers === 1 ? 'buyer' : 'buyers'}.`}{' '}
                {state.status === 'settled' ? 'Every order is final.' : state.status === 'settling' ? 'The orders are being charged now.' : 'The orders are being made.'}
              </p>
              <p>
                <Link className="button primary" to={`/shows/${showId}/sales`} data-testid="show-sold-link">What the show sold</Link>
                {state.status === 'settled' && <> <Link className="button" to={`/shows/${showId}/receipts`}>Claim receipts</Link></>}
              </p>
            </section>
          )}
          {!over && (
            <section className="studio-featured" aria-label="Featured">
              <h2 className="section-title">Featured</h2>
              {featured ? (
                <ItemCard entry={featured} featured>
                  <form
                    className="price-edit"
                    onSubmit={async (e) => {
                      e.preventDefault();
                      const priceMinor = Math.round(Number(price) * 100);
                      if (!Number.isFinite(priceMinor) || priceMinor <= 0) {
                        setActionError('Enter a price above zero.');
                        return;
                      }
                      if (await run(command('queue:price', { entryId: featured.entryId, priceMinor }))) setPrice('');
                    }}
                  >
                    <input
                      data-testid="price-input"
                      inputMode="decimal"
                      placeholder={(featured.priceMinor / 100).toFixed(2)}
                      aria-label="New live price"
                      value={price}
                      onChange={(e) => setPrice(e.target.value)}
                    />
                    <button data-testid="price-save" className="button">Set price</button>
                  </form>
                </ItemCard>
              ) : (
                <p className="muted">Nothing featured. Pick an item from the queue{live ? '' : ' and go live'}.</p>
              )}
            </section>
          )}
        </div>

        <div className="studio-work">
          <div role="tablist" aria-label="Studio" className="tabs">
            {tabButton('queue', `Queue (${state.entries.length})`)}
            {tabButton('chat', `Chat (${state.chat.length})`)}
            {tabButton('claims', `Claims (${claimCount})`)}
          </div>
          <section {...panelProps('queue')}>
            <h2 className="section-title">Queue</h2>
            <div className="queue">
              {state.entries.map((entry, index) => (
                <div
                  key={entry.entryId}
                  className={dragging === entry.entryId ? 'queue-slot dragging' : 'queue-slot'}
                  draggable={!over}
                  onDragStart={() => setDragging(entry.entryId)}
                  onDragEnd={() => setDragging(null)}
                  onDragOver={(e) => e.preventDefault()}
                  onDrop={() => {
                    if (dragging && dragging !== entry.entryId) void move(dragging, index);
                    setDragging(null);
                  }}
                >
                  <ItemCard entry={entry} testId="queue-entry" featured={entry.entryId === state.featuredEntryId}>
                    <div className="queue-actions">
                      <button
                        data-testid="feature-button"
                        className="button small"
                        disabled={over || entry.entryId === state.featuredEntryId}
                        onClick={() => void run(command('queue:feature', { entryId: entry.entryId }))}
                      >
                        {entry.entryId === state.featuredEntryId ? 'Featured' : 'Feature'}
                      </button>
                      <button className="button small icon" aria-label="Move up" disabled={over || index === 0} onClick={() => void move(entry.entryId, index - 1)}>
                        ↑
                      </button>
                      <button
                        className="button small icon"
                        aria-label="Move down"
                        disabled={over || index === state.entries.length - 1}
                        onClick={() => void move(entry.entryId, index + 1)}
                      >
                        ↓
                      </button>
                    </div>
                    {(state.waitlists[entry.entryId]?.length ?? 0) > 0 && (
                      <p className="muted">{state.waitlists[entry.entryId]!.length} on the waitlist</p>
                    )}
                    {!over && (
                      <QueueEntryTools
                        entry={entry}
                        onUpdate={(change) => void run(command('queue:update', { entryId: entry.entryId, ...change }))}
                        onRemove={() => void run(command('queue:remove', { entryId: entry.entryId }))}
                      />
                    )}
                  </ItemCard>
                </div>
              ))}
            </div>

            {!over && me && (
              <details className="settings-disclosure">
                <summary>Add from your closet</summary>
                <ClosetPicker showId={showId} kind="own" sellerId={me.id} />
              </details>
            )}
            {!over && (
              <details className="settings-disclosure">
                <summary>Ask another seller for items</summary>
                <ClosetPicker showId={showId} kind="requests" />
              </details>
            )}
          </section>
          <section {...panelProps('chat')}>
            {me && <ChatPanel state={state} meId={me.id} command={command} signedOut={signedOut} />}
            <details className="settings-disclosure">
              <summary>Chat settings</summary>
              <ChatSettings state={state} command={command} />
            </details>
          </section>
          <section {...panelProps('claims')}>
            <h2 className="section-title">Claims ({claimCount})</h2>
            <ol className="claims" data-testid="claims-list" aria-live="polite" aria-relevant="additions">
              {[...state.claims].reverse().map((claim) => {
                const entry = entryById.get(claim.entryId);
                return (
                  <li key={claim.claimId} className={claim.voidedReason ? 'claim-voided' : undefined}>
                    <strong>{claim.displayName}</strong> claimed {entry?.title ?? 'an item'} (#{claim.position})
                    <span className="muted"> · {entry ? formatMoney(claim.priceMinor, entry.currency) : ''}</span>
                    {claim.voidedReason ? (
                      <span className="muted"> · voided: {claim.voidedReason}</span>
                    ) : (
                      !over && (
                        <button
                          className="link-button claim-void"
                          data-testid="claim-void"
                          aria-label={`Void ${claim.displayName}'s claim on ${entry?.title ?? 'the item'}`}
                          onClick={() => setVoiding(claim)}
                        >
                          Void
                        </button>
                      )
                    )}
                  </li>
                );
              })}
              {state.claims.length === 0 && <li className="muted">No claims yet.</li>}
            </ol>
          </section>
        </div>
      </div>
      <ConfirmDialog
        open={confirmEnd}
        title="End the show?"
        confirmLabel="End show"
        danger
        onCancel={() => setConfirmEnd(false)}
        onConfirm={() => {
          setConfirmEnd(false);
          void run(command('show:end', {}));
        }}
        testId="end-dialog"
      >
        <p>Viewers stop seeing you, claiming closes, and the {claimCount} {claimCount === 1 ? 'claim' : 'claims'} become orders charged to the buyers' cards.</p>
      </ConfirmDialog>
      <ConfirmDialog
        open={voiding !== null}
        title={voiding ? `Void ${voiding.displayName}'s claim?` : 'Void the claim?'}
        confirmLabel="Void claim"
        danger
        reason={{ label: 'Why (the buyer is told)', initial: 'Buyer asked to cancel', minLength: 3, maxLength: 200 }}
        onCancel={() => setVoiding(null)}
        onConfirm={(reason) => {
          const claim = voiding;
          setVoiding(null);
          if (claim) void run(command('claim:void', { entryId: claim.entryId, claimId: claim.claimId, reason }));
        }}
        testId="void-dialog"
      >
        <p>Its unit goes back on sale, or to the first on the waitlist.</p>
      </ConfirmDialog>
    </Layout>
  );
};
