import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { call, keyOf, messageOf, queryOf } from '../api.ts';

/**
 * Tells the server this signed-in person opened the closet (or a show) of `handle`, once per
 * page: the seller's greeting, if it has one and has not greeted them, lands in their messages.
 */
export const useGreeting = (handle: string | undefined) => {
  const client = useQueryClient();
  useEffect(() => {
    if (!handle) return;
    void call('greeting.visit', { params: { handle } })
      .then(async (reply) => {
        if (reply.greeted) await client.invalidateQueries({ queryKey: keyOf('messages.list') });
      })
      .catch(() => {});
  }, [handle, client]);
};

/** A seller's greeting to first-time visitors: off until written; cleared to turn it off. */
export const GreetingSettings = () => {
  const client = useQueryClient();
  const query = useQuery(queryOf('greeting.get'));
  const [text, setText] = useState<string | undefined>();
  const save = useMutation({
    mutationFn: (greeting: string | null) => call('greeting.set', { body: { greeting } }),
    onSuccess: (reply) => {
      client.setQueryData(queryOf('greeting.get').queryKey, reply);
      setText(undefined);
    },
  });
  const value = text ?? query.data?.greeting ?? '';
  return (
    <form className="card form" aria-labelledby="greeting-title" onSubmit={(e) => { e.preventDefault(); save.mutate(value.trim() ? value : null); }}>
      <h2 className="section-title" id="greeting-title">Greeting</h2>
      <p className="muted">
        Sent once, as a message from you, to each signed-in visitor of your closet or shows who has never bought from you.
        Leave it empty to send none. Example: “Hi! Bundle two items and they ship together for one shipping fee.”
      </p>
      <label>
        Your greeting
        <textarea rows={3} maxLength={500} value={value} onChange={(e) => setText(e.target.value)} data-testid="greeting-input" />
      </label>
      {save.error && <p className="error" role="alert">{messageOf(save.error)}</p>}
      {save.isSuccess && <p className="success" role="status">{save.data.greeting ? 'Greeting on: new visitors get it once.' : 'Greeting off.'}</p>}
      <button className="button" disabled={save.isPending}>Save greeting</button>
    </form>
  );
};
