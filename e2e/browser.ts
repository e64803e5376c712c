import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { REPO_ROOT } from '../infra/local/components.ts';

export const SCREENSHOTS = path.join(REPO_ROOT, 'test-results/screenshots');

/** A phone-sized screen: pages are built for it first. */
export const PHONE = { width: 390, height: 844 };

/**
 * Headless Debian Chromium with a fake camera and microphone. WebRTC needs the loopback
 * interface and real (not mDNS-hidden) local addresses to reach LiveKit on 127.0.0.1.
 */
export const launchChromium = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      '--allow-loopback-in-peer-connection',
      '--disable-features=WebRtcHideLocalIpsWithMdns',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });

/**
 * Builds the web app and serves the build, proxying to the given api and realtime. The
 * build parses each api response with its contract schema, as development does. It goes
 * to a directory of its own, removed on close: web/dist is what `npm start` serves.
 */
export const serveWeb = async (p: { port: number; apiUrl: string; realtimeUrl: string; livekitUrl?: string }): Promise<PreviewServer> => {
  process.env.API_ORIGIN = p.apiUrl;
  // The page's Content-Security-Policy lets it reach this LiveKit server.
  if (p.livekitUrl) process.env.LIVEKIT_URL = p.livekitUrl;
  process.env.REALTIME_ORIGIN = p.realtimeUrl;
  process.env.WEB_PORT = String(p.port);
  const root = path.join(REPO_ROOT, 'web');
  await mkdir(path.join(REPO_ROOT, '.data'), { recursive: true });
  const outDir = await mkdtemp(path.join(REPO_ROOT, '.data/web-build-'));
  // Vitest sets NODE_ENV=test, which would otherwise give React's slower development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  process.env.VITE_CHECK_RESPONSES = '1';
  try {
    await build({ root, logLevel: 'warn', mode: 'production', build: { outDir, emptyOutDir: true } });
  } catch (error) {
    await rm(outDir, { recursive: true, force: true });
    throw error;
  } finally {
    process.env.NODE_ENV = nodeEnv;
    delete process.env.VITE_CHECK_RESPONSES;
  }
  const server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { port: p.port, host: '127.0.0.1', strictPort: true } });
  const close = server.close.bind(server);
  server.close = async () => {
    await close();
    await rm(outDir, { recursive: true, force: true });
  };
  return server;
};

/** Signs in on the sign-in page; with `next`, the page it goes on to (no page in between). */
export const signIn = async (page: Page, baseUrl: string, email: string, password: string, next?: string) => {
  await page.goto(`${baseUrl}/login${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
};

/** The host's camera is playing at the viewer: frames have size and time moves on. */
export const videoIsPlaying = async (page: Page) => {
  const video = page.getByTestId('show-video');
  await video.waitFor({ state: 'attached', timeout: 30_000 });
  await page.waitForFunction(
    () => {
      const el = document.querySelector<HTMLVideoElement>('[data-testid="show-video"]');
      return !!el && el.videoWidth > 0 && el.currentTime > 0;
    },
    undefined,
    { timeout: 30_000 },
  );
  const first = await video.evaluate((el: HTMLVideoElement) => ({ width: el.videoWidth, time: el.currentTime }));
  await page.waitForTimeout(1_000);
  const later = await video.evaluate((el: HTMLVideoElement) => el.currentTime);
  return { width: first.width, advancedBy: later - first.time };
};
