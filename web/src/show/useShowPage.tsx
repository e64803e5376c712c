import { AppError, ZId, type TShowDetail } from '@showcart/shared';
import { useQuery } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useParams } from 'react-router-dom';
import { queryOf } from '../api.ts';
import { Layout } from '../components/Layout.tsx';
import { ErrorPage } from '../pages/ErrorPage.tsx';

/**
 * A page of one show (/shows/:id, /studio/:id): the show, once it is known to exist, or the
 * page to show instead: not found for a bad or unknown id, the sign-in redirect (the
 * layout's) when signed out, the server-error page, or loading.
 */
export const useShowPage = (loading: string): { ready: true; showId: string; show: TShowDetail } | { ready: false; page: ReactNode } => {
  const showId = useParams().id!;
  const valid = ZId.safeParse(showId).success;
  const query = useQuery({ ...queryOf('shows.get', { params: { id: showId } }), enabled: valid });
  const error = query.error;
  if (!valid || (error instanceof AppError && error.code === 'NOT_FOUND')) return { ready: false, page: <ErrorPage kind="not-found" /> };
  if (error instanceof AppError && error.status === 401) return { ready: false, page: <Layout>{null}</Layout> };
  if (error) return { ready: false, page: <ErrorPage kind="server-error" /> };
  if (!query.data) return { ready: false, page: <Layout><div className="loading" role="status">{loading}</div></Layout> };
  return { ready: true, showId, show: query.data };
};
