import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The api and realtime services sit behind the same origin as the app, as in production.
const apiOrigin = process.env.API_ORIGIN ?? 'http://127.0.0.1:3000';
const realtimeOrigin = process.env.REALTIME_ORIGIN ?? 'http://127.0.0.1:3001';
const port = Number(process.env.WEB_PORT ?? 5173);
const proxy = {
  '/api': { target: apiOrigin, changeOrigin: false },
  '/admin': { target: apiOrigin, changeOrigin: false },
  '/socket.io': {
    target: realtimeOrigin,
    ws: true,
    changeOrigin: false,
    // A browser closing its socket mid-handshake (page left, React StrictMode remount)
    // resets the proxied connection; that is expected and not worth a stack trace.
    configure: (server: { on: (event: 'error', handler: () => void) => void }) => server.on('error', () => {}),
  },
};

export default defineConfig({
  plugins: [react()],
  server: { host: '127.0.0.1', port, strictPort: true, proxy },
  preview: { host: '127.0.0.1', port, strictPort: true, proxy },
  build: { sourcemap: true, chunkSizeWarningLimit: 1_500 },
});
