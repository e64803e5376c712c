import type { TShowDetail, TUpdateShowBody } from '@showcart/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { call, invalidate, keyOf, messageOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { ShowDetailsFields } from '../components/ShowDetailsFields.tsx';
import { useSession } from '../session.tsx';
import { changesOf, draftOf } from '../show/show-draft.ts';
import { useShowPage } from '../show/useShowPage.tsx';
import { ErrorPage } from './ErrorPage.tsx';

/** /studio/:id/edit: the host changes a scheduled show's details; its items are changed in the studio's queue. */
export const EditShowPage = () => {
  const { me } = useSession();
  const known = useShowPage('Loading the show…');
  if (!known.ready) return known.page;
  if (!me) return <Layout><div className="loading" role="status">Loading the show…</div></Layout>;
  if (known.show.hostId !== me.id) {
    return <ErrorPage kind="forbidden" detail={`Only the host of “${known.show.title}” can edit it.`} />;
  }
  if (known.show.status !== 'scheduled') {
    return (
      <Layout>
        <section className="card error-page" data-testid="edit-closed">
          <h1>This show can no longer be edited</h1>
          <p>{known.show.status === 'cancelled' ? 'You cancelled it.' : 'It has started: a show is edited only before it goes live.'}</p>
          <p><Link className="button primary" to={`/studio/${known.showId}`}>Back to the studio</Link></p>
        </section>
      </Layout>
    );
  }
  return <EditShow show={known.show} />;
};

const EditShow = ({ show }: { show: TShowDetail }) => {
  const navigate = useNavigate();
  const client = useQueryClient();
  const [draft, setDraft] = useState(() => draftOf(show));
  const [invalid, setInvalid] = useState<string | null>(null);
  const studio = `/studio/${show.id}`;
  const save = useMutation({
    mutationFn: (changes: TUpdateShowBody) => call('shows.update', { params: { id: show.id }, body: changes }),
    onSuccess: (saved) => {
      client.setQueryData(keyOf('shows.get', { id: show.id }), saved);
      void invalidate(client, 'shows.list');
      navigate(studio, { state: { notice: 'Your changes are saved: the show’s page shows them now.' } });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setInvalid(null);
    const checked = changesOf(show, draft);
    if ('invalid' in checked) return setInvalid(checked.invalid);
    if (!checked.changes) return navigate(studio, { state: { notice: 'Nothing was changed.' } });
    save.mutate(checked.changes);
  };
  const error = invalid ?? (save.error ? messageOf(save.error) : null);
  return (
    <Layout>
      <h1>Edit “{show.title}”</h1>
      <form onSubmit={submit} className="form" data-testid="edit-show-form">
        <ShowDetailsFields draft={draft} onChange={setDraft} />
        <p className="muted">The items are changed in the studio’s queue, before the show and while it is live.</p>
        {error && <p className="error" role="alert">{error}</p>}
        <p className="row">
          <button className="button primary" disabled={save.isPending} data-testid="edit-show-save">{save.isPending ? 'Saving…' : 'Save changes'}</button>
          <Link className="button" to={studio}>Back without saving</Link>
        </p>
      </form>
    </Layout>
  );
};
