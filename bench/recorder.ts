/**
 * Benchmark of replays (issue #5): the built-in recorder recording a 720p30 camera, as its
 * own process with its ffmpeg, then the replay page opened in Chromium.
 *
 *   recorder CPU        cores used by the recorder process and its ffmpeg while recording
 *   end → playable      seconds from the show's end to its recording marked ready
 *   first frame         ms from opening the replay page to the video's first frame (median)
 *
 * Run: npm run bench:recorder   (BENCH_RECORD_SECONDS=30, BENCH_RECORD_HEIGHT=720;
 *      BENCH_RECORD_S3=1 keeps the segments in an S3 bucket, versitygw, instead of on disk)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createLiveKit, createRedis, loadConfig, roomNameOf, SHOW_STATUS_CHANNEL } from '@showcart/common';
import { launchChromium, serveWeb, signIn } from '../e2e/browser.ts';
import { REPO_ROOT, startS3 } from '../infra/local/components.ts';
import { freePort, startProcess, waitFor, type TManaged } from '../infra/local/processes.ts';
import { publishCamera } from '../infra/test/camera.ts';
import { sleep } from './lib/clock.ts';
import { startBenchPlatform } from './lib/platform.ts';
import { writeResults } from './lib/results.ts';
import { round } from './lib/stats.ts';

const SECONDS = Number(process.env.BENCH_RECORD_SECONDS ?? 30);
const HEIGHT = Number(process.env.BENCH_RECORD_HEIGHT ?? 720);
const WIDTH = Math.round((HEIGHT * 16) / 9 / 2) * 2;
const PAGE_LOADS = 5;
const TICKS_PER_SECOND = 100; // Linux's USER_HZ
const S3 = process.env.BENCH_RECORD_S3 === '1';

const platform = await startBenchPlatform({ realtimeNodes: 0 });
const { db } = platform;
const logDir = path.join(REPO_ROOT, '.data/bench/logs');
const apiPort = await freePort();
const webPort = await freePort();
const s3 = S3 ? await startS3(path.join(REPO_ROOT, '.data/bench'), await freePort()) : undefined;
const env: Record<string, string> = {
  ...(process.env as Record<string, string>), ...platform.env, NODE_ENV: 'production', LOG_LEVEL: 'warn',
  RECORDINGS_DIR: path.join(REPO_ROOT, '.data/bench/recordings'), RECORDING_HEIGHT: String(HEIGHT),
  RECORDER_ID: 'bench', API_PORT: String(apiPort), PUBLIC_URL: `http://localhost:${webPort}`, ...s3?.env,
};
const config = loadConfig(env);

/** CPU seconds used so far by a process and its children (the recorder's ffmpeg). */
const cpuSeconds = (pid: number): { self: number; children: number } => {
  const ticks = (p: number) => {
    const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime
  };
  const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return { self: ticks(pid) / TICKS_PER_SECOND, children: kids.reduce((sum, k) => sum + ticks(k), 0) / TICKS_PER_SECOND };
};

const procs: TManaged[] = [];
try {
  const { rows: [host] } = await db.query<{ id: string }>(
    `insert into users (email, password_hash, display_name) values ('bench-host@showcart.test', $1, 'Bench Host') returning id`,
    [platform.passwordHash],
  );
  await db.query(`insert into users (email, password_hash, display_name) values ('bench-viewer@showcart.test', $1, 'Bench Viewer')`, [platform.passwordHash]);
  const { rows: [show] } = await db.query<{ id: string }>(
    `insert into shows (host_id, title, status, started_at) values ($1, 'Recorder bench', 'live', now()) returning id`,
    [host!.id],
  );
  const showId = show!.id;
  const { rows: [variant] } = await db.query<{ id: string }>(
    `with l as (insert into listings (seller_id, title, photo_url, price_minor, category, condition) values ($1, 'Bench item', '/demo/sneakers.svg', 2500, 'women', 'good') returning id)
     insert into listing_variants (listing_id, label, quantity) select id, 'M', 5 from l returning id`,
    [host!.id],
  );
  await db.query(
    `insert into show_entries (show_id, position, variant_id, seller_id, price_minor, quantity) values ($1, 0, $2, $3, 2500, 5)`,
    [showId, variant!.id, host!.id],
  );

  const livekit = createLiveKit(config.livekit);
  const token = await livekit.mintToken({ room: roomNameOf(showId), identity: `host-${host!.id}`, name: 'Bench Host', role: 'host' });
  const camera = await publishCamera({ url: livekit.url, token }, { width: WIDTH, height: HEIGHT, fps: 30 });
  const recorder = await startProcess({
    name: 'recorder', command: process.execPath, args: ['--import', 'tsx', path.join(REPO_ROOT, 'services/recorder/src/main.ts')],
    logDir, options: { env, cwd: REPO_ROOT },
  });
  procs.push(recorder);
  await waitFor('the first segment', async () =>
    (await db.query('select 1 from recording_segments s join recordings r on r.id = s.recording_id where r.show_id = $1', [showId])).rows.length > 0,
  { timeoutMs: 60_000 });

  const before = cpuSeconds(recorder.child.pid!);
  const startedAt = Date.now();
  await sleep(SECONDS * 1_000);
  const after = cpuSeconds(recorder.child.pid!);
  const wall = (Date.now() - startedAt) / 1_000;

  await db.query(`update shows set status = 'ended', ended_at = now() where id = $1`, [showId]);
  const endedAt = Date.now();
  const pub = createRedis(config.redisUrl);
  await pub.publish(SHOW_STATUS_CHANNEL, showId);
  pub.disconnect();
  let readyAt = 0;
  await waitFor('the recording to be ready', async () => {
    const { rows } = await db.query<{ status: string }>('select status from recordings where show_id = $1', [showId]);
    readyAt = Date.now();
    return rows[0]?.status === 'ready';
  }, { timeoutMs: 60_000 });
  await camera.stop();
  const { rows: [segs] } = await db.query<{ n: number; ms: number; bytes: number }>(
    `select count(*)::int as n, sum(duration_ms)::int as ms, sum(bytes)::int as bytes
       from recording_segments s join recordings r on r.id = s.recording_id where r.show_id = $1`,
    [showId],
  );

  // The replay page, opened cold five times by a signed-in viewer.
  const api = await startProcess({
    name: 'api', command: process.execPath, args: ['--import', 'tsx', path.join(REPO_ROOT, 'services/api/src/main.ts')],
    logDir, options: { env, cwd: REPO_ROOT },
  });
  procs.push(api);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  await waitFor('the api', async () => (await fetch(`${apiUrl}/api/health`).catch(() => null))?.ok === true, { timeoutMs: 60_000, process: api });
  const web = await serveWeb({ port: webPort, apiUrl, realtimeUrl: apiUrl });
  const browser = await launchChromium();
  const firstFrames: number[] = [];
  for (let i = 0; i < PAGE_LOADS; i++) {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    await signIn(page, `http://localhost:${webPort}`, 'bench-viewer@showcart.test', 'bench-password');
    await page.goto(`http://localhost:${webPort}/replays/${showId}`);
    const replay = page.getByTestId('replay');
    await page.waitForSelector('[data-testid="replay"][data-first-frame-ms]', { timeout: 30_000 });
    firstFrames.push(Number(await replay.getAttribute('data-first-frame-ms')));
    await context.close();
  }
  await browser.close();
  await web.close();
  const sorted = [...firstFrames].sort((a, b) => a - b);

  const results = {
    resolution: `${WIDTH}x${HEIGHT}@30`,
    store: S3 ? 's3' : 'local',
    recordedSeconds: round(wall, 1),
    recorderCores: round((after.self - before.self) / wall, 3),
    ffmpegCores: round((after.children - before.children) / wall, 3),
    totalCores: round((after.self + after.children - before.self - before.children) / wall, 3),
    segments: segs!.n,
    bitrateKbps: round((segs!.bytes * 8) / (segs!.ms / 1_000) / 1_000, 0),
    endToPlayableSeconds: round((readyAt - endedAt) / 1_000, 2),
    firstFrameMsMedian: sorted[Math.floor(sorted.length / 2)]!,
    firstFrameMsMax: sorted.at(-1)!,
  };
  console.log(`\nRecording a ${WIDTH}x${HEIGHT} 30 fps camera for ${SECONDS} s, then opening its replay ${PAGE_LOADS} times`);
  console.table([results]);
  await writeResults(S3 ? 'recorder-s3' : 'recorder', results);
} finally {
  for (const p of procs) await p.stop();
  await s3?.stop();
  await platform.stop();
}
