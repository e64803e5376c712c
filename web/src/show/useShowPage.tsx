import { AppError, ZId, type TShowDetail } from '@showcart/shared';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import { queryOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { ErrorPage } from '../pages/ErrorPage.tsx';
import { useSession } from '../session.tsx';

/**
 * A page of one show (/shows/:id, /studio/:id): the show, once it is known to exist, or the
 * page to show instead: not found for a bad or unknown id, the server-error page, or
 * loading. The show is open to anyone (`shows.get`); each page decides who may use it.
 */
export const useShowPage = (loading: string): { ready: true; showId: string; show: TShowDetail } | { ready: false; page: ReactNode } => {
  const showId = useParams().id!;
  const { me } = useSession();
  const valid = ZId.safeParse(showId).success;
  const query = useQuery({ ...queryOf('shows.get', { params: { id: showId } }), enabled: valid });
  const error = query.error;
  if (!valid || (error instanceof AppError && error.code === 'NOT_FOUND')) return { ready: false, page: <ErrorPage kind="not-found" /> };
  if (error) return { ready: false, page: <ErrorPage kind="server-error" /> };
  if (!query.data) {
    const spinner = <div className="loading" role="status">{loading}</div>;
    // Not in the layout for a visitor who is not signed in: a show's page is open to anyone, and the layout would send them to sign in.
    return { ready: false, page: me === null ? spinner : <Layout>{spinner}</Layout> };
  }
  return { ready: true, showId, show: query.data };
};
