import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Navigate, useNavigate } from 'react-router-dom';
import { call, messageOf } from '../api.ts';
import { useSession } from '../session.tsx';

const DEMO = ['host@showcart.test', 'viewer1@showcart.test', 'viewer2@showcart.test'];

export const LoginPage = () => {
  const { me, setMe } = useSession();
  const navigate = useNavigate();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const login = useMutation({
    mutationFn: () => call('auth.login', { body: { email, password } }),
    onSuccess: (signedIn) => {
      setMe(signedIn);
      navigate('/');
    },
  });
  if (me) return <Navigate to="/" replace />;

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
