import { API, AppError, isErrorCode } from '@showcart/shared';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { call, messageOf, queryOf } from '../api.ts';
import { ConfirmDialog } from '../components/Dialog.tsx';

/**
 * The account page's privacy cards: download everything the platform holds about you (a
 * JSON file), and delete the account, which first says what still keeps it and what
 * deleting does, and asks for the password.
 */

/** The export is a file, not a JSON answer for `call`: fetched whole, then handed to the browser as a download. */
const downloadExport = async () => {
  const res = await fetch(API['me.export'].path, { credentials: 'same-origin' });
  if (!res.ok) {
    const error = ((await res.json().catch(() => undefined)) as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    throw new AppError(isErrorCode(error?.code) ? error.code : 'INTERNAL', typeof error?.message === 'string' ? error.message : undefined);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'showcart-data.json';
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { name, kilobytes: Math.max(1, Math.round(blob.size / 1024)) };
};

export const AccountPrivacy = () => {
  const navigate = useNavigate();
  const download = useMutation({ mutationFn: downloadExport });
  const check = useQuery(queryOf('me.deletion'));
  const [asking, setAsking] = useState(false);
  const [password, setPassword] = useState('');
  const remove = useMutation({
    mutationFn: () => call('me.delete', { body: { password } }),
    // The home page forgets the session once it is there: forgotten here, this page would send the person to sign in first.
    onSuccess: () => {
      setAsking(false);
      navigate('/', { replace: true, state: { accountDeleted: true } });
    },
    onError: () => {
      setAsking(false);
      void check.refetch();
    },
  });
  const obligations = check.data?.obligations ?? [];
  return (
    <>
      <section className="card" aria-labelledby="export-title">
        <h2 className="section-title" id="export-title">Your data</h2>
        <p>Download everything Showcart holds about you as one file: your account, addresses, listings, orders, messages, notifications and sessions.</p>
        <button type="button" className="button" data-testid="export-download" disabled={download.isPending} onClick={() => download.mutate()}>
          {download.isPending ? 'Preparing your file…' : 'Download my data'}
        </button>
        {download.isSuccess && (
          <p className="success" role="status" data-testid="export-done">Downloaded {download.data.name} ({download.data.kilobytes} KB).</p>
        )}
        {download.error && <p className="error" role="alert">{messageOf(download.error)}</p>}
      </section>
      <section className="card" aria-labelledby="delete-title">
        <h2 className="section-title" id="delete-title">Delete your account</h2>
        {obligations.length > 0 ? (
          <div data-testid="delete-blocked">
            <p>Your account cannot be deleted yet:</p>
            <ul>{obligations.map((o) => <li key={o.kind}>{o.message}</li>)}</ul>
          </div>
        ) : (
          <p>This cannot be undone. Download your data first if you want to keep it.</p>
        )}
        {remove.error && <p className="error" role="alert" data-testid="delete-error">{messageOf(remove.error)}</p>}
        <button type="button" className="button danger" data-testid="delete-open" disabled={!check.data || obligations.length > 0}
          onClick={() => { setPassword(''); setAsking(true); }}>
          Delete my account
        </button>
      </section>
      <ConfirmDialog open={asking} title="Delete your account for good?" confirmLabel={remove.isPending ? 'Deleting…' : 'Delete my account'}
        cancelLabel="Keep my account" danger testId="delete-dialog" onCancel={() => setAsking(false)}
        onConfirm={() => { if (password && !remove.isPending) remove.mutate(); }}>
        <ul className="dialog-text">
          <li>You are signed out everywhere, and your email and handle are free for anyone.</li>
          <li>Your profile, addresses, card, likes, follows, messages you sent, notifications and replays are erased.</li>
          <li>Listings never sold are deleted; sold ones are unlisted.</li>
          <li>Orders stay in the other person’s records under “Deleted user”, with only the city, postal code and country of where they shipped.</li>
        </ul>
        <label className="dialog-field">
          Your password
          <input type="password" autoComplete="current-password" required data-testid="delete-password" value={password}
            onChange={(e) => setPassword(e.target.value)} />
        </label>
      </ConfirmDialog>
    </>
  );
};
