import type { TProfile } from '@showcart/shared';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation, useNavigate } from 'react-router-dom';
import { call, invalidate, keyOf, messageOf } from '../api.ts';
import { useSession } from '../session.tsx';
import { signInPath } from './Layout.tsx';
import '../social.css';

/**
 * Follow / Following on a profile: the profile's cached counts change at once and the
 * server confirms; a refusal puts them back and says why. Signed out: sign in and come back.
 */
export const FollowButton = ({ profile }: { profile: Pick<TProfile, 'id' | 'handle' | 'followedByMe' | 'followerCount'> }) => {
  const { me } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const client = useQueryClient();
  const [message, setMessage] = useState<string | null>(null);
  const key = keyOf('profiles.get', { handle: profile.handle });
  const following = profile.followedByMe ?? false;
  const mutation = useMutation({
    mutationFn: (follow: boolean) => follow
      ? call('follows.add', { params: { userId: profile.id } })
      : call('follows.remove', { params: { userId: profile.id } }),
    onMutate: (follow) => {
      const before = client.getQueryData<TProfile>(key);
      if (before) client.setQueryData<TProfile>(key, { ...before, followedByMe: follow, followerCount: Math.max(0, before.followerCount + (follow ? 1 : -1)) });
      setMessage(null);
      return before;
    },
    onError: (error, _follow, before) => {
      if (before) client.setQueryData(key, before);
      setMessage(`Not saved: ${messageOf(error)}`);
    },
    onSuccess: (result) => {
      const now = client.getQueryData<TProfile>(key);
      if (now) client.setQueryData<TProfile>(key, { ...now, followedByMe: result.following, followerCount: result.followerCount });
      setMessage(result.following
        ? `Following @${profile.handle}: you'll see their new listings and shows in your feed.`
        : `You no longer follow @${profile.handle}.`);
      void invalidate(client, 'me.feed');
    },
  });
  return (
    <div className="follow">
      <button type="button" className={following ? 'button small' : 'button small primary'} aria-pressed={following}
        data-testid="follow-button" disabled={mutation.isPending}
        onClick={() => (me === null ? navigate(signInPath(location)) : mutation.mutate(!following))}>
        {following ? 'Following' : 'Follow'}
      </button>
      {message && <p role="status" className={message.startsWith('Not saved') ? 'error' : 'success'} data-testid="follow-notice">{message}</p>}
    </div>
  );
};
