import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { call, invalidate, keyOf, messageOf } from '../api.ts';
import { useSession } from '../session.tsx';
import { signInPath } from './Layout.tsx';
import '../social.css';

type TLikeable = { id: string; title: string; likeCount: number; likedByMe?: boolean | undefined };

/**
 * The heart of a listing: a tap shows the like at once and the server confirms it; a
 * refusal puts it back and says why. A signed-out visitor is sent to sign in and back.
 */
export const LikeButton = ({ listing, large }: { listing: TLikeable; large?: boolean }) => {
  const { me } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const client = useQueryClient();
  const [state, setState] = useState({ liked: listing.likedByMe ?? false, count: listing.likeCount });
  const [message, setMessage] = useState<string | null>(null);
  // A fresh card from the server (a refetch) is the truth again.
  useEffect(() => setState({ liked: listing.likedByMe ?? false, count: listing.likeCount }), [listing.likedByMe, listing.likeCount]);
  const mutation = useMutation({
    mutationFn: (liked: boolean) => liked
      ? call('likes.add', { params: { listingId: listing.id } })
      : call('likes.remove', { params: { listingId: listing.id } }),
    onMutate: (liked) => {
      const before = state;
      setState({ liked, count: Math.max(0, state.count + (liked ? 1 : -1)) });
      setMessage(null);
      return before;
    },
    onError: (error, _liked, before) => {
      if (before) setState(before);
      setMessage(`Not saved: ${messageOf(error)}`);
    },
    onSuccess: (result) => {
      setState({ liked: result.liked, count: result.likeCount });
      setMessage(result.liked ? 'Saved to your Likes' : 'Removed from your Likes');
      // An unlike leaves the Likes page as it is (the card, its message, a way to undo); the
      // page holds the change the next time it is opened.
      if (result.liked) void invalidate(client, 'me.likes', 'me.feed');
      else void client.invalidateQueries({ queryKey: keyOf('me.likes'), refetchType: 'none' });
    },
  });
  return (
    <span className={large ? 'like like-large' : 'like'}>
      <button type="button" className={state.liked ? 'like-button liked' : 'like-button'} aria-pressed={state.liked}
        data-testid="like-button" disabled={mutation.isPending}
        onClick={() => (me === null ? navigate(signInPath(location)) : mutation.mutate(!state.liked))}>
        <span aria-hidden="true">{state.liked ? '♥' : '♡'}</span>
        {/* The name is the words a screen reader says and holds what is seen (the count). */}
        <span className="sr-only">Like {listing.title}, </span>
        <span className="like-count" data-testid="like-count">{state.count}<span className="sr-only">{state.count === 1 ? ' like' : ' likes'}</span></span>
      </button>
      <span role="status" className={message?.startsWith('Not saved') ? 'like-message error' : 'like-message'}>{message}</span>
    </span>
  );
};
