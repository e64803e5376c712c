import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { lazy, StrictMode, Suspense, type ComponentType } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { isTransient } from './api.ts';
import { PageErrorBoundary } from './components/PageErrorBoundary.tsx';
// In the main chunk already: the boundary shows the server-error page.
import { NotAllowedPage, NotFoundPage } from './pages/ErrorPage.tsx';
import { SessionProvider } from './session.tsx';
import './styles.css';

/**
 * A page as a chunk of its own, fetched when its route is first opened: a viewer's phone
 * downloads the watch page, not the studio's, the wallet's Stripe or the replay's player.
 */
const page = <K extends string>(load: () => Promise<Record<K, ComponentType>>, name: K) =>
  lazy(async () => ({ default: (await load())[name] }));

const AccountPage = page(() => import('./pages/Account.tsx'), 'AccountPage');
const ClosetPage = page(() => import('./pages/Closet.tsx'), 'ClosetPage');
const CohostPage = page(() => import('./pages/Cohost.tsx'), 'CohostPage');
const EditShowPage = page(() => import('./pages/EditShow.tsx'), 'EditShowPage');
const ForgotPage = page(() => import('./pages/Account.tsx'), 'ForgotPage');
const ResetPage = page(() => import('./pages/Account.tsx'), 'ResetPage');
const SignUpPage = page(() => import('./pages/Account.tsx'), 'SignUpPage');
const VerifyPage = page(() => import('./pages/Account.tsx'), 'VerifyPage');
const ListingPage = page(() => import('./pages/Listing.tsx'), 'ListingPage');
const ListingEditorPage = page(() => import('./pages/ListingEditor.tsx'), 'ListingEditorPage');
const LoginPage = page(() => import('./pages/Login.tsx'), 'LoginPage');
const MessagesPage = page(() => import('./pages/Messages.tsx'), 'MessagesPage');
const ThreadPage = page(() => import('./pages/Messages.tsx'), 'ThreadPage');
const NewShowPage = page(() => import('./pages/NewShow.tsx'), 'NewShowPage');
const NotificationsPage = page(() => import('./pages/Notifications.tsx'), 'NotificationsPage');
const LikesPage = page(() => import('./pages/Likes.tsx'), 'LikesPage');
const FeedPage = page(() => import('./pages/Feed.tsx'), 'FeedPage');
const UnsubscribePage = page(() => import('./pages/Unsubscribe.tsx'), 'UnsubscribePage');
const OrdersPage = page(() => import('./pages/Orders.tsx'), 'OrdersPage');
const PayPage = page(() => import('./pages/Pay.tsx'), 'PayPage');
const ProfilePage = page(() => import('./pages/Profile.tsx'), 'ProfilePage');
const ReceiptsPage = page(() => import('./pages/Receipts.tsx'), 'ReceiptsPage');
const ReplayPage = page(() => import('./pages/Replay.tsx'), 'ReplayPage');
const SearchPage = page(() => import('./pages/Search.tsx'), 'SearchPage');
const SalesPage = page(() => import('./pages/Sales.tsx'), 'SalesPage');
const ShowSalesPage = page(() => import('./pages/ShowSales.tsx'), 'ShowSalesPage');
const ShowsPage = page(() => import('./pages/Shows.tsx'), 'ShowsPage');
const HomePage = page(() => import('./pages/Home.tsx'), 'HomePage');
const StudioPage = page(() => import('./pages/Studio.tsx'), 'StudioPage');
const WalletPage = page(() => import('./pages/Wallet.tsx'), 'WalletPage');
const WatchPage = page(() => import('./pages/Watch.tsx'), 'WatchPage');

/** How often a query that failed for a passing reason (network, 5xx) is tried again. */
const QUERY_RETRIES = 2;

const queryClient = new QueryClient({
  defaultOptions: {
    // A refusal (not found, not ready, signed out) is shown at once; trying again would not change it.
    queries: { retry: (failures, error) => failures < QUERY_RETRIES && isTransient(error) },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <BrowserRouter>
          <PageErrorBoundary>
            <Suspense fallback={<div className="loading" role="status">Loading…</div>}>
              <Routes>
                <Route path="/login" element={<LoginPage />} />
                <Route path="/signup" element={<SignUpPage />} />
                <Route path="/verify" element={<VerifyPage />} />
                <Route path="/forgot" element={<ForgotPage />} />
                <Route path="/reset" element={<ResetPage />} />
                <Route path="/account" element={<AccountPage />} />
                <Route path="/" element={<HomePage />} />
                <Route path="/search" element={<SearchPage />} />
                <Route path="/shows" element={<ShowsPage />} />
                <Route path="/shows/new" element={<NewShowPage />} />
                <Route path="/shows/:id" element={<WatchPage />} />
                <Route path="/shows/:id/receipts" element={<ReceiptsPage />} />
                <Route path="/replays/:id" element={<ReplayPage />} />
                <Route path="/studio/:id" element={<StudioPage />} />
                <Route path="/studio/:id/edit" element={<EditShowPage />} />
                <Route path="/shows/:id/sales" element={<ShowSalesPage />} />
                <Route path="/orders" element={<OrdersPage />} />
                <Route path="/orders/:id/pay" element={<PayPage />} />
                <Route path="/wallet" element={<WalletPage />} />
                <Route path="/closet" element={<ClosetPage />} />
                <Route path="/messages" element={<MessagesPage />} />
                <Route path="/messages/:handle" element={<ThreadPage />} />
                <Route path="/closet/new" element={<ListingEditorPage />} />
                <Route path="/listings/:id" element={<ListingPage />} />
                <Route path="/listings/:id/edit" element={<ListingEditorPage />} />
                <Route path="/sales" element={<SalesPage />} />
                <Route path="/cohost" element={<CohostPage />} />
                <Route path="/notifications" element={<NotificationsPage />} />
                <Route path="/likes" element={<LikesPage />} />
                <Route path="/feed" element={<FeedPage />} />
                <Route path="/unsubscribe" element={<UnsubscribePage />} />
                <Route path="/not-allowed" element={<NotAllowedPage />} />
                {/* /@handle: one segment that is no other page's (ProfilePage checks the @). */}
                <Route path="/:profile" element={<ProfilePage />} />
                <Route path="*" element={<NotFoundPage />} />
              </Routes>
            </Suspense>
          </PageErrorBoundary>
        </BrowserRouter>
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
);
