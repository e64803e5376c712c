import { mkdir } from 'node:fs/promises';
import { freePort } from '../infra/local/processes.ts';
import { startStack, type TStack } from '../infra/test/harness.ts';
import { launchChromium, SCREENSHOTS, serveWeb } from './browser.ts';

/**
 * What a browser test file starts: the stack, the built web app in front of it on a port of
 * its own (another file may be serving at the same time), with the api believing the web's
 * proxy as under `npm start`, and Chromium. `close` stops what was started, in reverse.
 */
export const startBrowserStack = async (opts: Parameters<typeof startStack>[0] = {}) => {
  const port = await freePort();
  const baseUrl = `http://localhost:${port}`;
  const closers: (() => Promise<unknown>)[] = [];
  const close = async () => {
    for (const stop of closers.reverse()) await stop();
  };
  try {
    const stack: TStack = await startStack({ ...opts, publicUrl: baseUrl, env: { TRUST_PROXY: 'loopback', ...opts.env } });
    closers.push(() => stack.close());
    const web = await serveWeb({ port, apiUrl: stack.apiUrl, realtimeUrl: stack.realtimeUrls[0]!, livekitUrl: stack.config.livekit.url });
    closers.push(() => web.close());
    const browser = await launchChromium();
    closers.push(() => browser.close());
    await mkdir(SCREENSHOTS, { recursive: true });
    return { stack, web, browser, baseUrl, close };
  } catch (error) {
    await close();
    throw error;
  }
};
