import type { ReactNode } from 'react';
import { Link, Navigate, useLocation, useNavigate } from 'react-router-dom';
import { useSession } from '../session.tsx';

/** The sign-in page, coming back here afterwards. */
export const signInPath = (location: { pathname: string; search: string }) =>
  `/login?next=${encodeURIComponent(location.pathname + location.search)}`;

/** Every signed-in page: the header, then the page. Signed-out visitors sign in and come back. */
export const Layout = ({ children, wide }: { children: ReactNode; wide?: boolean }) => {
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  if (me === undefined) return <div className="loading" role="status">Loading…</div>;
  if (me === null) return <Navigate to={signInPath(location)} replace />;
  return (
    <>
      <header className="topbar">
        <Link to="/" className="logo">
          Show<span>cart</span>
        </Link>
        <nav>
          <Link to="/">Shows</Link>
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
