import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { call, messageOf } from '../api.ts';
import { useSession } from '../session.tsx';

const DEMO = ['host@showcart.test', 'viewer1@showcart.test', 'viewer2@showcart.test'];

/** Where to go after signing in: a path of this app only (never `//elsewhere` or a URL). */
const returnPath = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? next : '/');

export const LoginPage = () => {
  const { me, setMe } = useSession();
  const navigate = useNavigate();
  const next = returnPath(useSearchParams()[0].get('next'));
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => call('auth.login', { body: { email, password } }),
    onSuccess: (signedIn) => {
      setMe(signedIn);
      navigate(next, { replace: true });
    },
  });
  if (me) return <Navigate to={next} replace />;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    login.mutate();
  };

  return (
    <main className="login">
      <h1 className="logo logo-big">
        Show<span>cart</span>
      </h1>
      <p className="tagline">Live shows you can shop.</p>
      {next !== '/' && <p className="banner" role="status">Sign in to continue to that page.</p>}
      <form onSubmit={submit} className="card form">
        <label>
          Email
          <input data-testid="login-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input data-testid="login-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {login.error && <p className="error" role="alert">{messageOf(login.error)}</p>}
        <button data-testid="login-submit" className="button primary" disabled={login.isPending}>
          {login.isPending ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="muted">
          <Link to="/forgot">Forgot your password?</Link> · New here? <Link to="/signup" data-testid="signup-link">Create an account</Link>
        </p>
      </form>
      <section className="card demo">
        <h2>Demo logins</h2>
        <p>Password for all: <code>showcart-demo</code></p>
        <ul>
          {DEMO.map((d) => (
            <li key={d}>
              <button className="link-button" type="button" onClick={() => { setEmail(d); setPassword('showcart-demo'); }}>
                {d}
              </button>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
};
