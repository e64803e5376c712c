/**
 * Benchmark of the web app's weight (issue #15, point 7): what a phone downloads and how
 * soon it paints on a cold load (a fresh browser context, nothing cached) of four pages,
 * served as `npm start` serves them: web/dist (buildWeb) through `vite preview`, which
 * compresses with gzip.
 *
 *   JS sent / JS raw / files   JavaScript bytes as transferred (gzip) and uncompressed, and its files
 *   ×budget                    JS sent over the budget, 400 kB (400,000 bytes) on the watch page
 *   FCP                        first contentful paint, median of the loads
 *   floor                      FCP of a one-line static page from the same server under the same
 *                              throttling, loaded just before each page: what the machine and the
 *                              network profile allow at best at that moment
 *   FCP ×floor                 the page's FCP over the floor's, per pair, median: steadier than FCP
 *                              alone on a shared machine
 *   content                    when the page's own content is in the DOM (its first data-testid
 *                              below), median, and its ratio to the floor
 *
 * Pages: home (/), watch (/shows/:id, a scheduled show with three items, as a viewer),
 * watch-live (the same page of a show its host has taken live: it adds LiveKit's chunk,
 * so this is the watch page's heaviest cold load, the one the 400 kB budget is for),
 * studio (/studio/:id, the same show, as its host) and replay (/replays/:id, an ended show
 * with a ready 4 s recording made by ffmpeg, as a viewer). Phone profile: 390×844 at 3×,
 * mobile and touch, the CPU 4× slower (CDP Emulation.setCPUThrottlingRate) and the network
 * as DevTools' "Slow 4G" (Network.emulateNetworkConditions: 562.5 ms latency, 1.44 Mbit/s
 * down, 675 kbit/s up). Headless Chromium, as the browser tests launch it.
 *
 * Run: npm run bench:web   (BENCH_WEB_LOADS=5 loads of each page)
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, BrowserContext } from 'playwright-core';
import { launchChromium } from '../e2e/browser.ts';
import { REPO_ROOT } from '../infra/local/components.ts';
import { freePort } from '../infra/local/processes.ts';
import { buildWeb, startServices, waitForHealthy } from '../infra/local/services.ts';
import type { TSupervised } from '../infra/local/supervisor.ts';
import { createShowDirect } from '../infra/test/fixtures.ts';
import { PROTOCOL_VERSION } from '@showcart/shared';
import { io } from 'socket.io-client';
import { startBenchPlatform } from './lib/platform.ts';
import { writeResults } from './lib/results.ts';
import { round } from './lib/stats.ts';

const LOADS = Number(process.env.BENCH_WEB_LOADS ?? 5);
/** The budget for the watch page's JavaScript, as sent. */
const BUDGET_BYTES = 400_000;
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 3, isMobile: true, hasTouch: true };
const CPU_SLOWDOWN = 4;
/** DevTools' "Slow 4G" preset, in its own units (bytes/s, ms). */
const SLOW_4G = { offline: false, latency: 150 * 3.75, downloadThroughput: (1.6e6 / 8) * 0.9, uploadThroughput: (750e3 / 8) * 0.9 };
/** A page's JavaScript is all in once no script has been asked for or arrived for this long. */
const QUIET_MS = 1_500;
const PASSWORD = 'bench-password';

// A directory of its own: the other benches empty .data/bench when they start.
const platform = await startBenchPlatform({ realtimeNodes: 0, dataDir: 'bench-web' });
const { db } = platform;
const dataDir = platform.dataDir;
const logDir = path.join(dataDir, 'logs');
const recordingsDir = path.join(dataDir, 'recordings');
const floorFile = path.join(REPO_ROOT, 'web/dist/bench-floor.html');
const [apiPort, realtimePort, webPort] = [await freePort(), await freePort(), await freePort()];
const webUrl = `http://localhost:${webPort}`;
let services: TSupervised[] = [];
let browser: Browser | undefined;
let hostSocket: ReturnType<typeof io> | undefined;

/** An ended show with a ready recording: ffmpeg's test pattern as the built-in recorder stores it. */
const createReplay = async (entryCount: number) => {
  const show = await createShowDirect(db, Array.from({ length: entryCount }, () => 2), platform.passwordHash);
  const startedAt = Date.now() - 60_000;
  const { rows: [rec] } = await db.query<{ id: string }>(
    `insert into recordings (show_id, backend, status, started_at, ended_at) values ($1, 'builtin', 'ready', $2, now()) returning id`,
    [show.showId, new Date(startedAt)],
  );
  const partDir = path.join(recordingsDir, rec!.id, 'part-0');
  await mkdir(partDir, { recursive: true });
  await promisify(execFile)('ffmpeg', [
    '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-t', '4',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '60',
    '-f', 'hls', '-hls_time', '2', '-hls_list_size', '0', '-hls_segment_filename', path.join(partDir, 'seg-%05d.ts'),
    path.join(partDir, 'index.m3u8'),
  ]);
  const playlist = await readFile(path.join(partDir, 'index.m3u8'), 'utf8');
  const durations = [...playlist.matchAll(/#EXTINF:([\d.]+),/g)].map((m) => Math.round(Number(m[1]) * 1_000));
  const files = (await readdir(partDir)).filter((f) => f.endsWith('.ts')).sort();
  let at = startedAt;
  for (const [seq, file] of files.entries()) {
    const { size } = await stat(path.join(partDir, file));
    await db.query(
      `insert into recording_segments (recording_id, part, seq, started_at, duration_ms, bytes, path) values ($1, 0, $2, $3, $4, $5, $6)`,
      [rec!.id, seq, new Date(at), durations[seq], size, `part-0/${file}`],
    );
    at += durations[seq]!;
  }
  // Each item featured in turn: the replay's chapters.
  for (const [i, entryId] of show.entryIds.entries()) {
    await db.query(`insert into show_events (show_id, seq, type, at, payload) values ($1, $2, 'entry.featured', $3, $4)`,
      [show.showId, i + 1, new Date(startedAt + (i * (at - startedAt)) / entryCount), { entryId }]);
  }
  await db.query(`update shows set status = 'ended', started_at = $2, ended_at = now() where id = $1`, [show.showId, new Date(startedAt)]);
  return show;
};

/** Signs in through the api as the app does, for the session cookie a page is opened with. */
const sessionCookie = async (email: string) => {
  const res = await fetch(`${webUrl}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: PASSWORD }),
  });
  if (!res.ok) throw new Error(`signing in ${email}: ${res.status} ${await res.text()}`);
  const [name, value] = res.headers.getSetCookie()[0]!.split(';')[0]!.split('=') as [string, string];
  return { name, value, url: webUrl, httpOnly: true, sameSite: 'Lax' as const };
};

type TScript = { url: string; sentBytes: number; rawBytes: number; encoding: string };
type TLoad = { fcpMs: number; contentMs: number | null; scripts: TScript[] };

/** One cold load under the phone profile: its paint times and every script it fetched. */
const coldLoad = async (url: string, p: { cookie?: Awaited<ReturnType<typeof sessionCookie>>; selector?: string }): Promise<TLoad> => {
  const context: BrowserContext = await browser!.newContext(PHONE);
  try {
    if (p.cookie) await context.addCookies([p.cookie]);
    if (p.selector) {
      // Noted in the page itself, so that neither the protocol nor the throttled CPU's round
      // trips delay it. A string: tsx would wrap a function's inner names in a helper the page lacks.
      await context.addInitScript({
        content: `{
          const observer = new MutationObserver(() => {
            if (!document.querySelector(${JSON.stringify(p.selector)})) return;
            window.benchContentMs = performance.now();
            observer.disconnect();
          });
          observer.observe(document, { childList: true, subtree: true });
        }`,
      });
    }
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', SLOW_4G);
    await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
    const scripts: Promise<TScript>[] = [];
    let pending = 0;
    let lastScriptAt = Date.now();
    const isScript = (u: string, type: string) => type === 'script' || new URL(u).pathname.endsWith('.js');
    page.on('request', (req) => {
      if (!isScript(req.url(), req.resourceType())) return;
      pending++;
      lastScriptAt = Date.now();
    });
    page.on('requestfailed', (req) => {
      if (isScript(req.url(), req.resourceType())) pending--;
    });
    page.on('requestfinished', (req) => {
      if (!isScript(req.url(), req.resourceType())) return;
      scripts.push((async () => {
        const res = await req.response();
        const [sizes, body] = await Promise.all([req.sizes(), res!.body()]);
        return { url: new URL(req.url()).pathname, sentBytes: sizes.responseBodySize, rawBytes: body.length, encoding: res!.headers()['content-encoding'] ?? 'none' };
      })().finally(() => {
        pending--;
        lastScriptAt = Date.now();
      }));
    });
    await page.goto(url, { waitUntil: 'load', timeout: 120_000 });
    if (p.selector) {
      await page.waitForFunction(() => 'benchContentMs' in window, undefined, { timeout: 120_000, polling: 100 }).catch(async () => {
        const text = (await page.innerText('body').catch(() => '')).replace(/\s+/g, ' ').slice(0, 300);
        throw new Error(`${url}: no ${p.selector} in 120 s; ${page.url()} shows "${text}"`);
      });
    }
    const fcpMs = await page.waitForFunction(
      () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime, undefined, { timeout: 60_000, polling: 100 },
    ).then((h) => h.jsonValue() as Promise<number>);
    while (pending > 0 || Date.now() - lastScriptAt < QUIET_MS) await page.waitForTimeout(100);
    const contentMs = p.selector ? await page.evaluate(() => (window as unknown as { benchContentMs: number }).benchContentMs) : null;
    return { fcpMs, contentMs, scripts: await Promise.all(scripts) };
  } finally {
    await context.close();
  }
};

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const kB = (bytes: number) => round(bytes / 1_000, 1);

try {
  const built = await buildWeb({ logDir });
  // Served by the same preview server as the pages: no script, one line of text.
  await writeFile(floorFile, '<!doctype html><html lang="en"><meta name="viewport" content="width=device-width"><title>Floor</title><p>Showcart</p></html>\n');

  const watched = await createShowDirect(db, [3, 2, 1], platform.passwordHash);
  const live = await createShowDirect(db, [3, 2, 1], platform.passwordHash);
  const replayed = await createReplay(3);
  const emailOf = async (id: string) => (await db.query<{ email: string }>('select email from users where id = $1', [id])).rows[0]!.email;
  await db.query(`insert into users (email, password_hash, display_name) values ('bench-viewer@showcart.test', $1, 'Bench Viewer')`, [platform.passwordHash]);

  const env: Record<string, string> = {
    ...platform.env, NODE_ENV: 'production', LOG_LEVEL: 'warn',
    API_PORT: String(apiPort), REALTIME_PORT: String(realtimePort), PUBLIC_URL: webUrl, RECORDINGS_DIR: recordingsDir,
  };
  services = await startServices({ env, logDir, webPort, apiPort, realtimePort, preview: true, only: ['api', 'realtime', 'web'] });
  await waitForHealthy(webUrl, services);
  const viewer = await sessionCookie('bench-viewer@showcart.test');
  const host = await sessionCookie(await emailOf(watched.hostId));
  // The live show's host takes it live over Socket.IO, as the studio's Go live does.
  const liveHost = await sessionCookie(await emailOf(live.hostId));
  hostSocket = io(`http://127.0.0.1:${realtimePort}`, {
    transports: ['websocket'], extraHeaders: { cookie: `${liveHost.name}=${liveHost.value}` }, auth: { protocolVersion: PROTOCOL_VERSION },
  });
  const started = (await hostSocket.timeout(10_000).emitWithAck('show:start', { showId: live.showId, clientOpId: 'benchwebgolive0001' })) as { ok: boolean };
  if (!started.ok) throw new Error(`could not take the show live: ${JSON.stringify(started)}`);

  const pages = [
    { name: 'home', path: '/', cookie: viewer, selector: '[data-testid="show-card"]' },
    { name: 'watch', path: `/shows/${watched.showId}`, cookie: viewer, selector: '[data-testid="show-status"]' },
    // LiveKit's room element: the chunk has arrived and the page joins the room.
    { name: 'watch-live', path: `/shows/${live.showId}`, cookie: viewer, selector: '.stage-room' },
    { name: 'studio', path: `/studio/${watched.showId}`, cookie: host, selector: '[data-testid="show-status"]' },
    { name: 'replay', path: `/replays/${replayed.showId}`, cookie: viewer, selector: '[data-testid="chapter"]' },
  ];
  browser = await launchChromium();
  const loads = new Map(pages.map((p) => [p.name, [] as { page: TLoad; floor: TLoad }[]]));
  // Rounds of every page, each just after a floor: a busy spell of the machine hits both.
  for (let n = 0; n < LOADS; n++) {
    for (const p of pages) {
      const floor = await coldLoad(`${webUrl}/bench-floor.html`, {});
      const page = await coldLoad(`${webUrl}${p.path}`, { cookie: p.cookie, selector: p.selector });
      loads.get(p.name)!.push({ page, floor });
    }
  }

  const files = new Map<string, TScript & { pages: string[] }>();
  const rows = pages.map((p) => {
    const runs = loads.get(p.name)!;
    const scripts = runs[0]!.page.scripts;
    for (const s of scripts) {
      const file = files.get(s.url) ?? { ...s, pages: [] };
      file.pages.push(p.name);
      files.set(s.url, file);
    }
    const sent = scripts.reduce((sum, s) => sum + s.sentBytes, 0);
    const raw = scripts.reduce((sum, s) => sum + s.rawBytes, 0);
    const contents = runs.map((r) => r.page.contentMs!);
    return {
      page: p.name,
      'JS sent kB': kB(sent),
      'JS raw kB': kB(raw),
      files: scripts.length,
      encoding: [...new Set(scripts.map((s) => s.encoding))].join('+'),
      '×budget': round(sent / BUDGET_BYTES, 2),
      'FCP ms': Math.round(median(runs.map((r) => r.page.fcpMs))),
      'floor ms': Math.round(median(runs.map((r) => r.floor.fcpMs))),
      'FCP ×floor': round(median(runs.map((r) => r.page.fcpMs / r.floor.fcpMs)), 2),
      'content ms': Math.round(median(contents)),
      'content ×floor': round(median(runs.map((r) => r.page.contentMs! / r.floor.fcpMs)), 2),
      // Every load of a page fetched the same scripts: else the figures above mix two pages.
      sameScripts: runs.every((r) => r.page.scripts.map((s) => s.url).sort().join() === scripts.map((s) => s.url).sort().join()),
      sentBytes: sent,
      rawBytes: raw,
      fcpMs: runs.map((r) => round(r.page.fcpMs, 0)),
      floorMs: runs.map((r) => round(r.floor.fcpMs, 0)),
      contentMs: contents.map((ms) => round(ms, 0)),
    };
  });

  console.log(`\nCold loads on a phone profile (390×844 @3, CPU ÷${CPU_SLOWDOWN}, Slow 4G), ${LOADS} of each page; web build ${built}`);
  console.table(rows.map(({ sentBytes: _s, rawBytes: _r, fcpMs: _f, floorMs: _fl, contentMs: _c, ...row }) => row));
  const listing = [...files.values()].sort((a, b) => b.sentBytes - a.sentBytes).map((f) => ({
    file: f.url.replace(/^\/assets\//, ''), 'sent kB': kB(f.sentBytes), 'raw kB': kB(f.rawBytes), pages: f.pages.join(' '),
  }));
  console.log('\nEvery script those pages fetched, largest first');
  console.table(listing);
  const file = await writeResults('web-weight', {
    profile: { ...PHONE, cpuSlowdown: CPU_SLOWDOWN, network: SLOW_4G }, budgetBytes: BUDGET_BYTES, loads: LOADS, build: built, pages: rows, scripts: listing,
  });
  console.log(`\nWritten to ${path.relative(REPO_ROOT, file)}`);
} finally {
  hostSocket?.disconnect();
  await browser?.close();
  for (const s of services) await s.stop();
  await rm(floorFile, { force: true });
  await platform.stop();
}
