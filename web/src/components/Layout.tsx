import type { ReactNode } from 'react';
import { Link, NavLink, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useSession } from '../session.tsx';
import { NotificationBell } from '../notifications/Bell.tsx';

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
        <nav aria-label="Main">
          <NavLink to="/feed">Feed</NavLink>
          <NavLink to="/likes">Likes</NavLink>
          <NavLink to="/shows">Shows</NavLink>
          <NavLink to="/closet">Closet</NavLink>
          <NavLink to="/messages">Messages</NavLink>
          <NavLink to="/orders">Orders</NavLink>
          <NavLink to="/sales">Sales</NavLink>
          <NavLink to="/cohost">Co-host</NavLink>
        </nav>
        <div className="me">
          <NotificationBell />
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
