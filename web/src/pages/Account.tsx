import { useMutation, useQuery } from '@tanstack/react-query';
import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { call, messageOf, queryOf } from '../api.ts';
import { Avatar } from '../components/Avatar.tsx';
import { Layout } from '../components/Layout.tsx';
import { PhotoPicker } from '../components/PhotoPicker.tsx';
import { useSession } from '../session.tsx';
import { AccountPrivacy } from './AccountPrivacy.tsx';

/**
 * The pages of an account: signing up, the mailed links (verify, reset), asking for a
 * reset, and the account's own page (password, sign out everywhere). Each says what
 * happened and what comes next.
 */

/** The signed-out pages' frame: the logo, then a card. */
const Outside = ({ title, children }: { title: string; children: ReactNode }) => (
  <main className="login">
    <h1 className="logo logo-big">
      Show<span>cart</span>
    </h1>
    <section className="card form" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  </main>
);

const Field = ({ label, ...input }: { label: string } & React.InputHTMLAttributes<HTMLInputElement>) => (
  <label>
    {label}
    <input {...input} />
  </label>
);

export const SignUpPage = () => {
  const { me, setMe } = useSession();
  const [form, setForm] = useState({ email: '', password: '', displayName: '' });
  // Set before the session is: the next render knows this visitor was just signed up here.
  const justCreated = useRef(false);
  const signUp = useMutation({
    mutationFn: () => call('auth.signup', { body: form }),
    onSuccess: (created) => {
      justCreated.current = true;
      setMe(created);
    },
  });
  if (me) return <Navigate to={justCreated.current ? '/account?welcome=1' : '/'} replace />;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    signUp.mutate();
  };
  return (
    <Outside title="Create your account">
      <form className="form" onSubmit={submit}>
        <Field label="Your name" data-testid="signup-name" autoComplete="name" required maxLength={60} value={form.displayName} onChange={(e) => setForm({ ...form, displayName: e.target.value })} />
        <Field label="Email" data-testid="signup-email" type="email" autoComplete="email" required value={form.email} onChange={(e) => setForm({ ...form, email: e.target.value })} />
        <Field label="Password (10 characters or more)" data-testid="signup-password" type="password" autoComplete="new-password" required minLength={10} value={form.password} onChange={(e) => setForm({ ...form, password: e.target.value })} />
        {signUp.error && <p className="error" role="alert">{messageOf(signUp.error)}</p>}
        <button className="button primary" data-testid="signup-submit" disabled={signUp.isPending}>{signUp.isPending ? 'Creating…' : 'Create account'}</button>
      </form>
      <p className="muted">Already have one? <Link to="/login">Sign in</Link></p>
    </Outside>
  );
};

/** The link in the verification mail. */
export const VerifyPage = () => {
  const token = useSearchParams()[0].get('token') ?? '';
  const verify = useMutation({ mutationFn: () => call('auth.verify', { body: { token } }) });
  const { me } = useSession();
  return (
    <Outside title="Confirm your email">
      {verify.isSuccess ? (
        <p className="success" role="status" data-testid="verified">Your email is confirmed. You can now list items and host shows.</p>
      ) : (
        <>
          <p>One tap confirms this email belongs to you.</p>
          {verify.error && <p className="error" role="alert">{messageOf(verify.error)}</p>}
          <button className="button primary" data-testid="verify-submit" disabled={verify.isPending || !token} onClick={() => verify.mutate()}>
            Confirm my email
          </button>
        </>
      )}
      <p><Link to={me ? '/account' : '/login'}>{me ? 'Go to your account' : 'Sign in'}</Link></p>
    </Outside>
  );
};

export const ForgotPage = () => {
  const [email, setEmail] = useState('');
  const ask = useMutation({ mutationFn: () => call('auth.resetRequest', { body: { email } }) });
  return (
    <Outside title="Forgot your password?">
      {ask.isSuccess ? (
        <p className="success" role="status" data-testid="reset-sent">If {email} has an account, a link to choose a new password is on its way. It works for an hour.</p>
      ) : (
        <form className="form" onSubmit={(e) => { e.preventDefault(); ask.mutate(); }}>
          <Field label="Your account's email" data-testid="forgot-email" type="email" autoComplete="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          {ask.error && <p className="error" role="alert">{messageOf(ask.error)}</p>}
          <button className="button primary" data-testid="forgot-submit" disabled={ask.isPending}>Mail me a link</button>
        </form>
      )}
      <p><Link to="/login">Back to sign in</Link></p>
    </Outside>
  );
};

/** The link in the reset mail. */
export const ResetPage = () => {
  const token = useSearchParams()[0].get('token') ?? '';
  const [password, setPassword] = useState('');
  const reset = useMutation({ mutationFn: () => call('auth.reset', { body: { token, password } }) });
  return (
    <Outside title="Choose a new password">
      {reset.isSuccess ? (
        <p className="success" role="status" data-testid="reset-done">Your password is changed, and every device was signed out. <Link to="/login">Sign in</Link> with the new one.</p>
      ) : (
        <form className="form" onSubmit={(e) => { e.preventDefault(); reset.mutate(); }}>
          <Field label="New password (10 characters or more)" data-testid="reset-password" type="password" autoComplete="new-password" required minLength={10} value={password} onChange={(e) => setPassword(e.target.value)} />
          {reset.error && <p className="error" role="alert">{messageOf(reset.error)}</p>}
          <button className="button primary" data-testid="reset-submit" disabled={reset.isPending || !token}>Save the new password</button>
        </form>
      )}
    </Outside>
  );
};

/** The account's own page: its email's state, its password, its sessions. */
export const AccountPage = () => {
  const { me, setMe } = useSession();
  const welcome = useSearchParams()[0].get('welcome') === '1';
  const navigate = useNavigate();
  const [passwords, setPasswords] = useState({ currentPassword: '', password: '' });
  const resend = useMutation({ mutationFn: () => call('auth.resendVerification') });
  // What the person changed (undefined: as it is); the bio as it is comes from the public page.
  const [handle, setHandle] = useState<string | undefined>();
  const [bio, setBio] = useState<string | undefined>();
  const current = useQuery({ ...queryOf('profiles.get', { params: { handle: me?.handle ?? '' } }), enabled: !!me });
  const saveProfile = useMutation({
    mutationFn: () => call('me.profile', { body: { ...(handle !== undefined ? { handle } : {}), ...(bio !== undefined ? { bio } : {}) } }),
    onSuccess: (next) => {
      setHandle(undefined);
      setBio(undefined);
      setMe(next);
      void current.refetch();
    },
  });
  // Uploaded, then made the avatar at once: the picker holds nothing of its own.
  const saveAvatar = useMutation({
    mutationFn: (avatarPhotoId: string | null) => call('me.profile', { body: { avatarPhotoId } }),
    onSuccess: (next) => {
      setMe(next);
      void current.refetch();
    },
  });
  const signedOut = () => {
    setMe(null);
    navigate('/login', { replace: true });
  };
  const change = useMutation({ mutationFn: () => call('auth.password', { body: passwords }), onSuccess: signedOut });
  const everywhere = useMutation({ mutationFn: () => call('auth.logoutEverywhere'), onSuccess: signedOut });
  const [newEmail, setNewEmail] = useState({ email: '', currentPassword: '' });
  const moveEmail = useMutation({
    mutationFn: () => call('auth.email', { body: newEmail }),
    onSuccess: (next) => {
      setMe(next);
      setNewEmail({ email: '', currentPassword: '' });
    },
  });
  return (
    <Layout>
      <h1>Your account</h1>
      {me && (
        <div className="stack">
          {welcome && <p className="banner" role="status" data-testid="welcome">Welcome to Showcart, {me.displayName}! We mailed a link to {me.email}: open it to confirm your email.</p>}
          <section className="card">
            <h2 className="section-title">Email</h2>
            <p>
              {me.email} · {me.emailVerified ? <strong data-testid="email-verified">confirmed</strong> : <strong data-testid="email-unverified">not confirmed yet</strong>}
            </p>
            {!me.emailVerified && (
              <p>
                <button className="button small" data-testid="resend-verification" disabled={resend.isPending || resend.isSuccess} onClick={() => resend.mutate()}>
                  Mail the link again
                </button>{' '}
                {resend.isSuccess && <span className="success" role="status">Sent: check your inbox.</span>}
                {resend.error && <span className="error" role="alert">{messageOf(resend.error)}</span>}
              </p>
            )}
            <details>
              <summary>Use another email</summary>
              <form className="form" onSubmit={(e) => { e.preventDefault(); moveEmail.mutate(); }}>
                <Field label="New email" type="email" autoComplete="email" required maxLength={254} data-testid="email-new"
                  value={newEmail.email} onChange={(e) => setNewEmail({ ...newEmail, email: e.target.value })} />
                <Field label="Your password" type="password" autoComplete="current-password" required data-testid="email-password"
                  value={newEmail.currentPassword} onChange={(e) => setNewEmail({ ...newEmail, currentPassword: e.target.value })} />
                {moveEmail.error && <p className="error" role="alert">{messageOf(moveEmail.error)}</p>}
                <button className="button" disabled={moveEmail.isPending}>Change email</button>
              </form>
            </details>
            {moveEmail.isSuccess && (
              <p className="success" role="status" data-testid="email-moved">
                Your account now uses {me.email}. We mailed it a link to confirm it; until then you can buy but not sell.
              </p>
            )}
          </section>
          <section className="card" aria-labelledby="avatar-title">
            <h2 className="section-title" id="avatar-title">Profile photo</h2>
            <div className="avatar-editor">
              <Avatar url={me.avatarUrl} name={me.displayName} size="large" />
              <div className="stack">
                <PhotoPicker value={[]} onChange={(photos) => photos[0] && saveAvatar.mutate(photos[0].id)} max={1} label="Profile photo"
                  addLabel={me.avatarUrl ? 'Choose another photo' : 'Choose a photo'} disabled={saveAvatar.isPending} />
                {me.avatarUrl && (
                  <p>
                    <button type="button" className="button small" data-testid="avatar-remove" disabled={saveAvatar.isPending}
                      onClick={() => saveAvatar.mutate(null)}>Remove the photo</button>
                  </p>
                )}
                {saveAvatar.isSuccess && (
                  <p className="success" role="status" data-testid="avatar-saved">
                    {saveAvatar.variables ? 'Your new photo is on your page.' : 'Photo removed: your page shows your initial.'}
                  </p>
                )}
                {saveAvatar.error && <p className="error" role="alert">{messageOf(saveAvatar.error)}</p>}
              </div>
            </div>
          </section>
          <section className="card">
            <h2 className="section-title">Public page</h2>
            <p>
              Anyone can open <Link to={`/@${me.handle}`} data-testid="profile-link">/@{me.handle}</Link>: your closet, shows and replays.
            </p>
            <form className="form" onSubmit={(e) => { e.preventDefault(); saveProfile.mutate(); }}>
              <Field label="Handle (3 to 30 letters, digits or _)" data-testid="profile-handle" required minLength={3} maxLength={30}
                value={handle ?? me.handle} onChange={(e) => setHandle(e.target.value)} />
              <label>
                About you (shown on your page)
                <textarea data-testid="profile-bio" maxLength={300} rows={3} value={bio ?? current.data?.bio ?? ''}
                  onChange={(e) => setBio(e.target.value)} />
              </label>
              {saveProfile.isSuccess && <p className="success" role="status">Saved.</p>}
              {saveProfile.error && <p className="error" role="alert">{messageOf(saveProfile.error)}</p>}
              <button className="button" data-testid="profile-save" disabled={saveProfile.isPending || (handle === undefined && bio === undefined)}>Save</button>
            </form>
          </section>
          <section className="card">
            <h2 className="section-title">Password</h2>
            <form className="form" onSubmit={(e) => { e.preventDefault(); change.mutate(); }}>
              <Field label="Current password" type="password" autoComplete="current-password" required value={passwords.currentPassword} onChange={(e) => setPasswords({ ...passwords, currentPassword: e.target.value })} />
              <Field label="New password (10 characters or more)" type="password" autoComplete="new-password" required minLength={10} value={passwords.password} onChange={(e) => setPasswords({ ...passwords, password: e.target.value })} />
              {change.error && <p className="error" role="alert">{messageOf(change.error)}</p>}
              <button className="button" disabled={change.isPending}>Change password (signs out every device)</button>
            </form>
          </section>
          <section className="card">
            <h2 className="section-title">Devices</h2>
            <p>Lost a phone, or signed in somewhere you should not have? This ends every session, this one too.</p>
            {everywhere.error && <p className="error" role="alert">{messageOf(everywhere.error)}</p>}
            <button className="button danger" data-testid="logout-everywhere" disabled={everywhere.isPending} onClick={() => everywhere.mutate()}>
              Sign out everywhere
            </button>
          </section>
          <AccountPrivacy />
        </div>
      )}
    </Layout>
  );
};
