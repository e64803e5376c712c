import { Link, useLocation } from 'react-router-dom';
import { signInPath } from './Layout.tsx';

/** What went wrong with the show's connection; once the session ended, a way to sign in and come back. */
export const ShowError = ({ error, signedOut }: { error: string | null; signedOut: boolean }) =>
  error ? (
    <p className="error" role="alert" data-testid="show-error">
      {error}
      {signedOut && <> <SignInAgain /></>}
    </p>
  ) : null;

const SignInAgain = () => (
  <Link to={signInPath(useLocation())} data-testid="sign-in-again">
    Sign in
  </Link>
);
