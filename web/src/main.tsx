import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Navigate, Route, Routes } from 'react-router-dom';
import { isTransient } from './api.ts';
import { CohostPage } from './pages/Cohost.tsx';
import { LoginPage } from './pages/Login.tsx';
import { NewShowPage } from './pages/NewShow.tsx';
import { OrdersPage } from './pages/Orders.tsx';
import { PayPage } from './pages/Pay.tsx';
import { SalesPage } from './pages/Sales.tsx';
import { ShowSalesPage } from './pages/ShowSales.tsx';
import { WalletPage } from './pages/Wallet.tsx';
import { ReceiptsPage } from './pages/Receipts.tsx';
import { ReplayPage } from './pages/Replay.tsx';
import { ShowsPage } from './pages/Shows.tsx';
import { StudioPage } from './pages/Studio.tsx';
import { WatchPage } from './pages/Watch.tsx';
import { SessionProvider } from './session.tsx';
import './styles.css';

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
          <Routes>
            <Route path="/login" element={<LoginPage />} />
            <Route path="/" element={<ShowsPage />} />
            <Route path="/shows/new" element={<NewShowPage />} />
            <Route path="/shows/:id" element={<WatchPage />} />
            <Route path="/shows/:id/receipts" element={<ReceiptsPage />} />
            <Route path="/replays/:id" element={<ReplayPage />} />
            <Route path="/studio/:id" element={<StudioPage />} />
            <Route path="/shows/:id/sales" element={<ShowSalesPage />} />
            <Route path="/orders" element={<OrdersPage />} />
            <Route path="/orders/:id/pay" element={<PayPage />} />
            <Route path="/wallet" element={<WalletPage />} />
            <Route path="/sales" element={<SalesPage />} />
            <Route path="/cohost" element={<CohostPage />} />
            <Route path="*" element={<Navigate to="/" replace />} />
          </Routes>
        </BrowserRouter>
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
);
