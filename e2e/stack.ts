import { mkdir } from 'node:fs/promises';
import type { BrowserContext } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { freePort } from '../infra/local/processes.ts';
import { startStack, type TStack } from '../infra/test/harness.ts';
import { launchChromium, PHONE, SCREENSHOTS, serveWeb } from './browser.ts';

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

export type TBrowserStack = Awaited<ReturnType<typeof startBrowserStack>>;

/**
 * A browser test file's hooks: the stack started once before its tests (`ready` hands it to
 * the file's own variables) and stopped after them; the contexts each test opens with
 * `newContext`/`newPage` closed after that test, so a show left live stops sending video.
 */
export const useBrowserStack = (opts: Parameters<typeof startBrowserStack>[0], ready: (env: TBrowserStack) => void | Promise<void>) => {
  let env: TBrowserStack | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    env = await startBrowserStack(opts);
    await ready(env);
  }, 180_000);
  afterAll(() => env?.close());
  afterEach(async () => {
    for (const context of contexts.splice(0)) await context.close().catch(() => {});
  });
  /** One browser (one cookie jar), phone-sized unless told otherwise. */
  const newContext = async (viewport = PHONE) => {
    const context = await env!.browser.newContext({ viewport, deviceScaleFactor: 2 });
    contexts.push(context);
    return context;
  };
  const newPage = async (viewport = PHONE) => (await newContext(viewport)).newPage();
  return { newContext, newPage };
};
