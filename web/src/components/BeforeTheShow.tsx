import type { TShowDetail } from '@showcart/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useLocation } from 'react-router-dom';
import { call, invalidate, keyOf, messageOf } from '../api.ts';
import { ConfirmDialog } from './Dialog.tsx';
import { Layout } from './Layout.tsx';
import { ShowCover, ShowFacts } from './ShowFacts.tsx';

/** What a page that sent the host to the studio said happened (created, saved), once. */
const useNotice = () => (useLocation().state as { notice?: string } | null)?.notice;

/**
 * The studio's card while a show is scheduled: what its page tells buyers, and the host's
 * ways to change it (Edit) or call it off (Cancel, confirmed first).
 */
export const BeforeTheShow = ({ show }: { show: TShowDetail }) => {
  const client = useQueryClient();
  const notice = useNotice();
  const [confirming, setConfirming] = useState(false);
  const cancel = useMutation({
    mutationFn: () => call('shows.cancel', { params: { id: show.id } }),
    onSuccess: (cancelled) => {
      client.setQueryData(keyOf('shows.get', { id: show.id }), cancelled);
      // Its units are free in the closet again, and it is off the lists.
      void invalidate(client, 'shows.list', 'closet.mine');
    },
  });
  const items = show.entries.length;
  return (
    <section className="card before-show" aria-label="Before the show" data-testid="before-show">
      {notice && <p className="success" role="status" data-testid="studio-notice">{notice}</p>}
      <div className="before-show-head">
        {show.coverUrl ? <img className="before-show-cover" src={show.coverUrl} alt="" /> : null}
        <ShowFacts show={show} heading="h2" withStatus={false} />
      </div>
      <p className="row">
        <Link className="button" to={`/studio/${show.id}/edit`} data-testid="show-edit">Edit details</Link>
        <Link className="button" to={`/shows/${show.id}`} data-testid="show-page-link">Its public page</Link>
        <button type="button" className="button" onClick={() => setConfirming(true)} disabled={cancel.isPending} data-testid="show-cancel">
          {cancel.isPending ? 'Cancelling…' : 'Cancel show'}
        </button>
      </p>
      {cancel.error && <p className="error" role="alert">{messageOf(cancel.error)}</p>}
      <ConfirmDialog
        open={confirming}
        title="Cancel this show?"
        confirmLabel="Cancel the show"
        cancelLabel="Keep it"
        danger
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          cancel.mutate();
        }}
        testId="cancel-dialog"
      >
        <p>
          Its page will say it was cancelled and it can no longer go live. {items === 1 ? 'Its item goes' : `Its ${items} items go`} back
          {' '}to the closets they came from, and co-host requests still waiting are called off. This cannot be undone.
        </p>
      </ConfirmDialog>
    </section>
  );
};

/** The studio of a show its host cancelled: what it was, and that it is over for good. */
export const CancelledShow = ({ show }: { show: TShowDetail }) => (
  <Layout wide>
    <div className="preshow" data-testid="studio-cancelled">
      <ShowCover show={show} />
      <div className="preshow-side">
        <ShowFacts show={show} />
        <div className="banner banner-warning" role="status" data-testid="show-cancelled">
          <strong>You cancelled this show</strong>
          {show.cancelledAt && <> on {new Date(show.cancelledAt).toLocaleDateString()}</>}. Its items are back in your closet, and its
          {' '}page tells buyers it was cancelled.
        </div>
        <p><Link className="button primary" to="/shows/new">Make a new show</Link></p>
      </div>
    </div>
  </Layout>
);
