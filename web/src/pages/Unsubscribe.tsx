import { useMutation } from '@tanstack/react-query';
import { useEffect } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { call, messageOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';

/** An email's unsubscribe link: it turns off that kind of email for whoever it was mailed to, signed in or not. */
export const UnsubscribePage = () => {
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const stop = useMutation({ mutationFn: () => call('notifications.unsubscribe', { body: { token } }) });
  const { mutate } = stop;
  useEffect(() => {
    mutate();
  }, [mutate]);
  return (
    <Layout open>
      <div className="login">
        <h1>Emails</h1>
        <div role="status">
          {stop.isPending && <p>Turning these emails off…</p>}
          {stop.data && <p>Done: no more emails for “{stop.data.label}”. Other emails, and the notifications in the app, stay as they were.</p>}
        </div>
        {stop.error && <p className="error" role="alert">{messageOf(stop.error)}</p>}
        <p><Link to="/notifications">Choose what reaches you</Link></p>
      </div>
    </Layout>
  );
};
