import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TLiveKitGrant } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startS3 } from '../../../infra/local/components.ts';
import { freePort } from '../../../infra/local/processes.ts';
import { publishCamera } from '../../../infra/test/camera.ts';
import { startStack, until, type TStack } from '../../../infra/test/harness.ts';

/**
 * The built-in recorder with RECORDINGS_S3_BUCKET set: each finished segment goes to the
 * bucket (a real S3 server, versitygw) and leaves the recorder's disk; the api serves the
 * replay from the bucket; deleting the replay empties the bucket of it.
 */
let stack: TStack;
let s3: Awaited<ReturnType<typeof startS3>>;
const dataDir = path.join(REPO_ROOT, `.data/test-s3-${randomUUID()}`);
beforeAll(async () => {
  s3 = await startS3(dataDir, await freePort());
  stack = await startStack({ recorder: true, env: { ...s3.env, RECORDING_SEGMENT_SECONDS: '1', RECORDING_HEIGHT: '240' } });
}, 60_000);
afterAll(async () => {
  await stack?.close();
  await s3?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const filesUnder = async (dir: string) =>
  (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])).filter((d) => d.isFile()).map((d) => d.name);

describe('recordings kept in S3', () => {
  it('uploads each finished segment, serves the replay from the bucket and deletes it there', async () => {
    const host = await stack.createUser({ name: 'S3 Host' });
    const viewer = await stack.createUser({ name: 'S3 Viewer' });
    const show = await stack.createShow(host.cookie, [{ variantId: (await stack.createListing(host.id)).variantIds[0]! }]);
    // Grants are given only while the show is live.
    await stack.db.query(`update shows set status = 'live', started_at = now() where id = $1`, [show.id]);
    const grant = (await stack.http('POST', `/api/shows/${show.id}/livekit`, { cookie: host.cookie })).body as TLiveKitGrant;
    stack.recordShow(show.id);
    const camera = await publishCamera(grant, { width: 320, height: 240, fps: 30 });
    type TSeg = { recordingId: string; path: string; bytes: number };
    const segments = async () => (await stack.db.query<TSeg>(
      `select s.recording_id as "recordingId", s.path, s.bytes from recording_segments s
         join recordings r on r.id = s.recording_id where r.show_id = $1 order by s.part, s.seq`,
      [show.id],
    )).rows;
    try {
      const live = await until('three segments', async () => ((await segments()).length >= 3 ? segments() : undefined), 60_000);
      const recordingId = live[0]!.recordingId;
      // While live: what is registered is in the bucket, no longer on the recorder's disk.
      for (const s of live) expect((await stat(path.join(s3.root, recordingId, s.path))).size).toBe(s.bytes);
      const onDisk = await filesUnder(path.join(stack.config.recordings.dir, recordingId));
      expect(onDisk.filter((f) => live.some((s) => s.path.endsWith(f)))).toEqual([]);
    } finally {
      await camera.stop();
    }
    await stack.db.query(`update shows set status = 'ended', ended_at = now() where id = $1`, [show.id]);
    const rec = await until('the recording to be ready', async () => {
      const { rows } = await stack.db.query<{ id: string; status: string }>('select id, status from recordings where show_id = $1', [show.id]);
      return rows[0]?.status === 'ready' ? rows[0] : undefined;
    });
    const all = await segments();
    // Finished: the recorder's directory holds nothing of it; the bucket holds every segment.
    expect(await filesUnder(path.join(stack.config.recordings.dir, rec.id))).toEqual([]);
    expect((await filesUnder(path.join(s3.root, rec.id))).sort()).toEqual(all.map((s) => path.basename(s.path)).sort());

    // The replay plays from the bucket through the api: the playlist's segments are the bucket's bytes.
    const playlist = await fetch(`${stack.apiUrl}/api/recordings/${rec.id}/index.m3u8`, { headers: { cookie: viewer.cookie } });
    const uris = (await playlist.text()).split('\n').filter((l) => l && !l.startsWith('#'));
    expect(uris).toHaveLength(all.length);
    const first = await fetch(`${stack.apiUrl}/api/recordings/${rec.id}/${uris[0]}`, { headers: { cookie: viewer.cookie } });
    expect(first.status).toBe(200);
    const body = Buffer.from(await first.arrayBuffer());
    expect(body.equals(await readFile(path.join(s3.root, rec.id, all[0]!.path)))).toBe(true);
    const probe = path.join(dataDir, 'first.ts');
    await writeFile(probe, body);
    const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height', '-of', 'json', probe]);
    expect((JSON.parse(stdout) as { streams: unknown[] }).streams).toEqual(expect.arrayContaining([
      expect.objectContaining({ codec_name: 'h264', width: 320, height: 240 }),
    ]));

    // Deleted: gone from the bucket; its segments are no longer served.
    expect((await stack.http('DELETE', `/api/replays/${show.id}`, { cookie: host.cookie })).status).toBe(204);
    expect(await filesUnder(path.join(s3.root, rec.id))).toEqual([]);
    const after = await fetch(`${stack.apiUrl}/api/recordings/${rec.id}/${uris[0]}`, { headers: { cookie: viewer.cookie } });
    expect(after.status).toBe(404);
    // Deleting again is no error (it would retry a store that failed).
    expect((await stack.http('DELETE', `/api/replays/${show.id}`, { cookie: host.cookie })).status).toBe(204);
  }, 120_000);
});
