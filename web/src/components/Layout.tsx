import type { ReactNode } from 'react';
import { Link, Navigate, useNavigate } from 'react-router-dom';
import { useSession } from '../session.tsx';

/** Every signed-in page: the header, then the page. Signed-out visitors go to /login. */
export const Layout = ({ children, wide }: { children: ReactNode; wide?: boolean }) => {
  const { me, signOut } = useSession();
  const navigate = useNavigate();
  if (me === undefined) return <div className="loading">Loading…</div>;
  if (me === null) return <Navigate to="/login" replace />;
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
          <span className="me-name">{me.displayName}</span>
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
