import type { ReactNode } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useSession } from '../session.tsx';

/** The sign-in page, coming back here afterwards. */
export const signInPath = (location: { pathname: string; search: string }) =>
  `/login?next=${encodeURIComponent(location.pathname + location.search)}`;

/**
 * Every page: the header, then the page. Signed-out visitors sign in and come back, except
 * on a page `open` to anyone (the home page, search): there the header offers to sign in,
 * and the page shows at once, before the session is known.
 */
export const Layout = ({ children, wide, open }: { children: ReactNode; wide?: boolean; open?: boolean }) => {
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  if (!me && open) {
    return (
      <>
        <header className="topbar">
          <Link to="/" className="logo">
            Show<span>cart</span>
          </Link>
          {me === null && (
            <div className="me">
              <Link to={signInPath(location)} className="me-open">Sign in</Link>
              <Link to="/signup" className="me-open">Sign up</Link>
            </div>
          )}
        </header>
        <main className={wide ? 'page page-wide' : 'page'}>{children}</main>
      </>
    );
  }
  if (me === undefined) return <div className="loading" role="status">Loading…</div>;
  if (me === null) return <Navigate to={signInPath(location)} replace />;
  return (
    <>
      <header className="topbar">
        <Link to="/" className="logo">
          Show<span>cart</span>
        </Link>
        <nav>
          <Link to="/shows">Shows</Link>
          <Link to="/closet">Closet</Link>
          <Link to="/orders">Orders</Link>
          <Link to="/sales">Sales</Link>
          <Link to="/cohost">Co-host</Link>
        </nav>
        <div className="me">
          <Link to="/account" className="me-name">{me.displayName}</Link>
          <Link to="/account" className="me-account">Account</Link>
          <button
            className="link-button"
            onClick={async () => {
              await signOut();
              navigate('/login');
            }}
          >
            Sign out
          </button>
        </div>
      </header>
      <main className={wide ? 'page page-wide' : 'page'}>{children}</main>
    </>
  );
};
