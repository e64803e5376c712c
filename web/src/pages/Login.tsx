import type { TMe } from '@showcart/shared';
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { api, messageOf } from '../api.ts';
import { useSession } from '../session.tsx';

const DEMO = ['host@showcart.test', 'viewer1@showcart.test', 'viewer2@showcart.test'];

export const LoginPage = () => {
  const { me, setMe } = useSession();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (me) return <Navigate to="/" replace />;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setMe(await api<TMe>('POST', '/auth/login', { email, password }));
      navigate('/');
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <h1 className="logo logo-big">
        Show<span>cart</span>
      </h1>
      <p className="tagline">Live shows you can shop.</p>
      <form onSubmit={submit} className="card form">
        <label>
          Email
          <input data-testid="login-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input data-testid="login-password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        {error && <p className="error" role="alert">{error}</p>}
        <button data-testid="login-submit" className="button primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
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
