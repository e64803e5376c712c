import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The api and realtime services sit behind the same origin as the app, as in production.
const apiOrigin = process.env.API_ORIGIN ?? 'http://127.0.0.1:3000';
const realtimeOrigin = process.env.REALTIME_ORIGIN ?? 'http://127.0.0.1:3001';
const port = Number(process.env.WEB_PORT ?? 5173);
/** An origin and its other scheme (LiveKit's client reaches the server over ws and http). */
const bothSchemes = (url: string | undefined) => {
  if (!url) return [];
  const { protocol, host } = new URL(url);
  const secure = protocol === 'wss:' || protocol === 'https:';
  return [`${secure ? 'wss' : 'ws'}://${host}`, `${secure ? 'https' : 'http'}://${host}`];
};

/**
 * The production build's Content-Security-Policy: scripts of this origin (and Stripe.js
 * with real keys), no framing, no plugins; connections to this origin (api, Socket.IO),
 * the LiveKit server, Stripe's api and, for Egress replays, the bucket. Styles allow
 * inline attributes (React's style props); nothing inline runs as script.
 */
const contentSecurityPolicy = () => [
  "default-src 'self'",
  "script-src 'self' https://js.stripe.com",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https://*.stripe.com",
  `media-src 'self' blob: ${bothSchemes(process.env.EGRESS_PUBLIC_BASE_URL).join(' ')}`.trim(),
  `connect-src 'self' ${[...bothSchemes(process.env.LIVEKIT_URL), ...bothSchemes(process.env.EGRESS_PUBLIC_BASE_URL)].join(' ')} https://api.stripe.com`,
  'frame-src https://js.stripe.com https://hooks.stripe.com',
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

type TProxyRequest = { setHeader: (name: string, value: string) => void; removeHeader: (name: string) => void };
type TIncoming = { socket: { remoteAddress?: string } };
type TProxyServer = {
  on(event: 'proxyReq' | 'proxyReqWs', handler: (proxyReq: TProxyRequest, req: TIncoming) => void): void;
  on(event: 'error', handler: () => void): void;
};

/**
 * The api believes X-Forwarded-For from this proxy alone (TRUST_PROXY=loopback in
 * development), so the proxy states who connected to it and drops whatever the client
 * claimed: a browser cannot name its own address and reset its sign-in allowance.
 */
const forwardedFor = (server: TProxyServer) => {
  const set = (proxyReq: TProxyRequest, req: TIncoming) => {
    proxyReq.removeHeader('forwarded');
    proxyReq.removeHeader('x-forwarded-host');
    proxyReq.removeHeader('x-forwarded-proto');
    proxyReq.setHeader('x-forwarded-for', req.socket.remoteAddress ?? '');
  };
  server.on('proxyReq', set);
  server.on('proxyReqWs', set);
};

const proxy = {
  '/api': { target: apiOrigin, changeOrigin: false, configure: forwardedFor },
  '/admin': { target: apiOrigin, changeOrigin: false, configure: forwardedFor },
  '/socket.io': {
    target: realtimeOrigin,
    ws: true,
    changeOrigin: false,
    configure: (server: TProxyServer) => {
      forwardedFor(server);
      // A browser closing its socket mid-handshake (page left, React StrictMode remount)
      // resets the proxied connection; that is expected and not worth a stack trace.
      server.on('error', () => {});
    },
  },
};

export default defineConfig({
  plugins: [react()],
  // No .env file: the app's one variable, VITE_CHECK_RESPONSES, comes from the browser
  // tests' environment, and a secret written to a .env here could not reach the bundle.
  envDir: false,
  server: { host: '127.0.0.1', port, strictPort: true, proxy },
  // `npm start` serves the build (gzip-compressed by vite preview itself).
  // The dev server runs Vite's inline client and React's refresh: its pages get no policy.
  preview: {
    host: '127.0.0.1', port, strictPort: true, proxy,
    headers: {
      'Content-Security-Policy': contentSecurityPolicy(),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'strict-origin-when-cross-origin',
    },
  },
  build: {
    sourcemap: true,
    // dist/.vite/manifest.json: which chunks each page loads (bench/web-weight.ts lists them).
    manifest: true,
    // Each page is a chunk of its own (src/main.tsx); the largest are livekit-client's on
    // the live pages (~620 KB minified) and hls.js' on the replay page (~580 KB).
    chunkSizeWarningLimit: 700,
  },
});
