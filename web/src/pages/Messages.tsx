import { AppError, formatMoney } from '@showcart/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useParams, useSearchParams } from 'react-router-dom';
import { call, keyOf, messageOf, queryOf } from '../api.ts';
import { Avatar } from '../components/Avatar.tsx';
import { ConfirmDialog } from '../components/Dialog.tsx';
import { Layout } from '../components/Layout.tsx';
import { ErrorPage } from './ErrorPage.tsx';

/** How often an open thread or the inbox asks for what arrived. */
const MESSAGES_POLL_MS = 5_000;

/** /messages: every thread, the latest first, with what is unread. */
export const MessagesPage = () => {
  const query = useQuery({ ...queryOf('messages.list'), refetchInterval: MESSAGES_POLL_MS });
  const conversations = query.data?.conversations;
  return (
    <Layout>
      <h1>Messages</h1>
      {query.error && <p className="error" role="alert">{messageOf(query.error)}</p>}
      {conversations?.length === 0 && (
        <p className="card">No messages yet. Ask a seller about an item from its listing (“Ask the seller”), or say hello from a profile.</p>
      )}
      <ul className="conversations" data-testid="conversations">
        {conversations?.map((c) => (
          <li key={c.id}>
            <Link to={`/messages/${c.other.handle}`} className="card conversation">
              <Avatar url={c.other.avatarUrl} name={c.other.displayName} />
              <span className="stack">
                <strong>{c.other.displayName} {c.unread > 0 && <span className="badge badge-live">{c.unread} new</span>}</strong>
                {c.last && <span className="muted conversation-last">{c.last.mine ? 'You: ' : ''}{c.last.body}</span>}
              </span>
            </Link>
          </li>
        ))}
      </ul>
    </Layout>
  );
};

/** /messages/:handle: the thread with one person; a listing named in `?listing=` goes with the next message as a card. */
export const ThreadPage = () => {
  const handle = useParams().handle ?? '';
  const [params, setParams] = useSearchParams();
  const listingId = params.get('listing') ?? undefined;
  const client = useQueryClient();
  const thread = useQuery({ ...queryOf('messages.thread', { params: { handle } }), refetchInterval: MESSAGES_POLL_MS });
  const listing = useQuery({ ...queryOf('listings.get', { params: { id: listingId ?? '' } }), enabled: Boolean(listingId) });
  const [text, setText] = useState('');
  const [clientId, setClientId] = useState(() => crypto.randomUUID());
  const [reporting, setReporting] = useState(false);
  const [said, setSaid] = useState<string | null>(null);
  const refresh = () => client.invalidateQueries({ queryKey: keyOf('messages.thread') });
  const send = useMutation({
    // One id per message typed: a retry after a dropped answer is the same message.
    mutationFn: () => call('messages.send', { params: { handle }, body: { clientId, body: text, ...(listingId ? { listingId } : {}) } }),
    onSuccess: async () => {
      setText('');
      setClientId(crypto.randomUUID());
      if (listingId) setParams({}, { replace: true });
      await refresh();
    },
  });
  const block = useMutation({
    mutationFn: (blocked: boolean) => (blocked ? call('blocks.add', { params: { handle } }) : call('blocks.remove', { params: { handle } })),
    onSuccess: async (reply) => {
      setSaid(reply.blocked ? 'Blocked: neither of you can message the other now.' : 'Unblocked: you can message each other again.');
      await refresh();
    },
  });
  const report = useMutation({
    mutationFn: (reason: string) => call('reports.create', { params: { handle }, body: { reason } }),
    onSuccess: () => setSaid('Reported. Our moderators will look at it; you can also block them.'),
  });
  if (thread.error instanceof AppError && (thread.error.code === 'NOT_FOUND' || thread.error.code === 'INVALID_INPUT')) return <ErrorPage kind="not-found" />;
  const t = thread.data;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (text.trim()) send.mutate();
  };
  return (
    <Layout>
      {!t ? <div className="loading" role="status">Loading…</div> : (
        <div className="stack thread">
          <header className="thread-head">
            <Avatar url={t.other.avatarUrl} name={t.other.displayName} />
            <h1><Link to={`/@${t.other.handle}`}>{t.other.displayName}</Link></h1>
            <span className="actions">
              <button className="button small" onClick={() => block.mutate(!t.blockedByMe)} disabled={block.isPending} data-testid="block-toggle">
                {t.blockedByMe ? 'Unblock' : 'Block'}
              </button>
              <button className="button small" onClick={() => setReporting(true)}>Report</button>
            </span>
          </header>
          <div aria-live="polite">
            {said && <p className="success" role="status" data-testid="thread-notice">{said}</p>}
            {(block.error ?? report.error) && <p className="error" role="alert">{messageOf(block.error ?? report.error)}</p>}
          </div>
          <ol className="messages" data-testid="messages" aria-label={`Messages with ${t.other.displayName}`}>
            {t.messages.length === 0 && <li className="muted">No messages yet: say hello.</li>}
            {t.messages.map((m) => (
              <li key={m.id} className={m.mine ? 'message message-mine' : 'message'} data-testid="message">
                {m.kind === 'greeting' && <span className="muted message-kind">Greeting from the closet</span>}
                {m.listing && (
                  <Link to={`/listings/${m.listing.id}`} className="message-listing">
                    <img src={m.listing.photoUrl} alt="" width={48} height={48} />
                    <span>{m.listing.title} · {formatMoney(m.listing.priceMinor, m.listing.currency)}</span>
                  </Link>
                )}
                <p className="message-body">{m.body}</p>
                <time className="muted" dateTime={m.createdAt}>{new Date(m.createdAt).toLocaleString()}</time>
              </li>
            ))}
          </ol>
          {t.blockedByMe || t.blockedMe ? (
            <p className="muted" data-testid="thread-blocked">
              {t.blockedByMe ? 'You blocked this person: unblock them to write.' : 'You cannot message this person.'}
            </p>
          ) : (
            <form className="form thread-form" onSubmit={submit}>
              {listingId && listing.data && (
                <p className="message-listing">
                  <img src={listing.data.photoUrl} alt="" width={48} height={48} />
                  <span>About: {listing.data.title}</span>
                </p>
              )}
              <label>
                Message
                <textarea rows={3} maxLength={2000} value={text} onChange={(e) => setText(e.target.value)} data-testid="message-input"
                  placeholder={listingId ? 'Is this still available?' : 'Write a message'} />
              </label>
              {send.error && <p className="error" role="alert">{messageOf(send.error)}</p>}
              <button className="button primary" disabled={send.isPending || !text.trim()} data-testid="message-send">
                {send.isPending ? 'Sending…' : 'Send'}
              </button>
            </form>
          )}
          <ConfirmDialog
            open={reporting}
            title={`Report ${t.other.displayName}?`}
            confirmLabel="Report"
            danger
            reason={{ label: 'What happened?', minLength: 3, maxLength: 500 }}
            onCancel={() => setReporting(false)}
            onConfirm={(reason) => {
              setReporting(false);
              report.mutate(reason);
            }}
          >
            <p>Our moderators read reports. They will not tell {t.other.displayName} who reported them.</p>
          </ConfirmDialog>
        </div>
      )}
    </Layout>
  );
};
