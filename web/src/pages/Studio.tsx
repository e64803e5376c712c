import { featuredEntry, formatMoney, isShowOver } from '@showcart/shared';
import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { Layout } from '../components/Layout.tsx';
import { ItemCard } from '../components/ItemCard.tsx';
import { QueueEntryTools } from '../components/QueueEntryTools.tsx';
import { ChatPanel, ChatSettings } from '../components/ChatPanel.tsx';
import { ClosetPicker } from '../components/ClosetPicker.tsx';
import { ShowStage } from '../components/Stage.tsx';
import { useSession } from '../session.tsx';
import { useShow } from '../show/useShow.ts';

/** The host's studio: camera out, the queue to feature from, prices, and the claims. */
export const StudioPage = () => {
  const showId = useParams().id!;
  const { state, command, error, connected, viewers } = useShow(showId);
  const { me } = useSession();
  const live = state.status === 'live';
  const over = isShowOver(state.status);
  const [actionError, setActionError] = useState<string | null>(null);
  const [price, setPrice] = useState('');
  const featured = featuredEntry(state);
  const entryById = new Map(state.entries.map((e) => [e.entryId, e]));
  const [dragging, setDragging] = useState<string | null>(null);

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

  return (
    <Layout wide>
      <div className="studio">
        <div className="stage-column">
          <ShowStage showId={showId} state={state} viewers={viewers} subtitle={connected ? state.title : 'Reconnecting…'}>
            {state.status === 'scheduled' && (
              <button data-testid="studio-go-live" className="button live" onClick={() => void run(command('show:start', {}))}>
                Go live
              </button>
            )}
            {live && (
              <button
                data-testid="studio-end"
                className="button danger"
                onClick={() => {
                  if (window.confirm('End the show? Claims will be settled and charged.')) void run(command('show:end', {}));
                }}
              >
                End show
              </button>
            )}
          </ShowStage>
          {(actionError ?? error) && <p className="error" role="alert">{actionError ?? error}</p>}
          {over && state.status !== 'settled' && (
            <p className="muted" data-testid="settlement-status">
              {state.status === 'settling' ? 'Charging the orders…' : 'Making the orders…'} The summary is here once every order is final.
            </p>
          )}
          {state.status === 'settled' && (
            <>
              <Link to={`/shows/${showId}/sales`}>What the show sold</Link> · <Link to={`/shows/${showId}/receipts`}>Claim receipts</Link>
            </>
          )}
        </div>

        <section className="panel">
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
            <p className="muted">Nothing featured. Pick an item below{live ? '' : ' and go live'}.</p>
          )}

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

          {me && <ChatPanel state={state} meId={me.id} command={command} />}
          <details className="settings-disclosure">
            <summary>Chat settings</summary>
            <ChatSettings state={state} command={command} />
          </details>

          <h2 className="section-title">Claims ({state.claims.length})</h2>
          <ol className="claims" data-testid="claims-list">
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
                        onClick={() => {
                          const reason = window.prompt(`Why void ${claim.displayName}'s claim?`, 'Buyer asked to cancel');
                          if (reason) void run(command('claim:void', { entryId: claim.entryId, claimId: claim.claimId, reason }));
                        }}
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
    </Layout>
  );
};
