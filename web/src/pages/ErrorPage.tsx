import { AppError } from '@showcart/shared';
import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Layout } from '../components/Layout.tsx';

const PAGES = {
  'not-found': {
    title: 'Nothing here',
    text: 'This page does not exist, or what it showed was removed. Check the link, or find a show from the list.',
  },
  forbidden: {
    title: 'Not yours to open',
    text: 'This page belongs to someone else: only its owner can use it. If that is you, sign in with that account.',
  },
  'server-error': {
    title: 'Something went wrong on our side',
    text: 'Nothing was changed. Try again in a moment; if it keeps happening, tell us what you were doing.',
  },
} as const;

export type TErrorKind = keyof typeof PAGES;

/** A page that cannot be shown, said plainly, with a way on. Inside the signed-in layout. */
export const ErrorPage = ({ kind, detail, children }: { kind: TErrorKind; detail?: string; children?: ReactNode }) => {
  const page = PAGES[kind];
  return (
    <Layout>
      <section className="card error-page" data-testid={`error-${kind}`}>
        <h1>{page.title}</h1>
        <p>{detail ?? page.text}</p>
        {children}
        <p>
          <Link className="button primary" to="/">
            Go to the shows
          </Link>
          {kind === 'server-error' && (
            <button className="button" type="button" onClick={() => window.location.reload()}>
              Try again
            </button>
          )}
        </p>
      </section>
    </Layout>
  );
};

export const NotFoundPage = () => <ErrorPage kind="not-found" />;

/** Where the api sends a browser that may not open an operator's page (/admin/…). */
export const NotAllowedPage = () => (
  <ErrorPage kind="forbidden" detail="That page is for the operators of this Showcart. If you are one, sign in with your operator account." />
);

/**
 * The page for a page's main request that failed: not found (a bad or unknown id), not
 * allowed, or our fault. Undefined for a refusal the page itself explains (not ready yet,
 * signed out: the layout sends the person to sign in).
 */
export const pageForError = (error: unknown): ReactNode | undefined => {
  if (!error) return undefined;
  if (!(error instanceof AppError)) return <ErrorPage kind="server-error" />;
  if (error.code === 'NOT_FOUND' || error.code === 'NO_REPLAY' || error.code === 'INVALID_INPUT') {
    return <ErrorPage kind="not-found" detail={error.code === 'NO_REPLAY' ? error.message : undefined} />;
  }
  if (error.code === 'FORBIDDEN') return <ErrorPage kind="forbidden" />;
  if (error.status >= 500) return <ErrorPage kind="server-error" />;
  return undefined;
};
