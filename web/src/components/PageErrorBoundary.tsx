import { Component, type ReactNode } from 'react';
import { useLocation } from 'react-router-dom';
import { ErrorPage } from '../pages/ErrorPage.tsx';

type TProps = { children: ReactNode };

/** A page that crashed while rendering (or whose code could not be fetched) shows our server-error page, not a blank screen. */
class Boundary extends Component<TProps, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError() {
    return { failed: true };
  }

  override componentDidCatch(error: unknown) {
    console.error('page failed', error);
  }

  override render() {
    return this.state.failed ? <ErrorPage kind="server-error" /> : this.props.children;
  }
}

/** One boundary per location: moving to another page starts afresh. */
export const PageErrorBoundary = ({ children }: TProps) => <Boundary key={useLocation().pathname}>{children}</Boundary>;
