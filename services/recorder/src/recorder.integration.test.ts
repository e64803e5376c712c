import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { access } from 'node:fs/promises';
import path from 'node:path';
import type { TLiveKitGrant } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishCamera } from '../../../infra/test/camera.ts';
import { exited, sleep, startStack, until, type TStack } from '../../../infra/test/harness.ts';

/**
 * The built-in recorder as its own process, killed with SIGKILL in the middle of a show
 * and started again: the recording loses at most the segment in progress, goes on in a
 * new part, and ends ready with every segment on disk.
 */
let stack: TStack;
const SEGMENT_MS = 2_000;
beforeAll(async () => {
  stack = await startStack({ env: { RECORDING_SEGMENT_SECONDS: String(SEGMENT_MS / 1_000), RECORDING_HEIGHT: '240' } });
});
afterAll(async () => stack?.close());

// The same id after a restart: it takes its shows straight back.
const startRecorder = () => stack.spawnService(path.resolve(import.meta.dirname, 'main.ts'), { RECORDER_ID: 'recorder-under-test' });

type TSeg = { part: number; seq: number; startedAt: Date; durationMs: number; path: string };
const segmentsOf = async (showId: string) =>
  (await stack.db.query<TSeg>(
    `select s.part, s.seq, s.started_at as "startedAt", s.duration_ms as "durationMs", s.path
       from recording_segments s join recordings r on r.id = s.recording_id where r.show_id = $1 order by part, seq`,
    [showId],
  )).rows;
describe('a recorder killed mid-show', () => {
  it('loses at most the segment in progress and resumes in a new part', async () => {
    const host = await stack.createUser({ name: 'Rec Host' });
    const show = await stack.createShow(host.cookie, [{ variantId: (await stack.createListing(host.id)).variantIds[0]! }]);
    // Grants are given only while the show is live.
    await stack.db.query(`update shows set status = 'live', started_at = now() where id = $1`, [show.id]);
    const grant = (await stack.http('POST', `/api/shows/${show.id}/livekit`, { cookie: host.cookie })).body as TLiveKitGrant;
    const camera = await publishCamera(grant, { width: 320, height: 240, fps: 30 });
    let recorder = startRecorder();
    try {
      await until('four segments', async () => (await segmentsOf(show.id)).length >= 4, 60_000);
      await sleep(700); // into the next segment
      recorder.kill('SIGKILL');
      const crashAt = Date.now();
      await exited(recorder);
      await sleep(3_000);
      recorder = startRecorder();
      await until('a second part', async () => (await segmentsOf(show.id)).filter((s) => s.part === 1).length >= 2, 60_000);
      await stack.db.query(`update shows set status = 'ended', ended_at = now() where id = $1`, [show.id]);
      const rec = await until('the recording to be ready', async () => {
        const { rows } = await stack.db.query<{ id: string; status: string }>('select id, status from recordings where show_id = $1', [show.id]);
        return rows[0]?.status === 'ready' ? rows[0] : undefined;
      });

      const segments = await segmentsOf(show.id);
      const before = segments.filter((s) => s.part === 0);
      const after = segments.filter((s) => s.part === 1);
      const lastBefore = before.at(-1)!;
      const recordedUntil = lastBefore.startedAt.getTime() + lastBefore.durationMs;
      // Lost: from the end of what was kept of part 0 to the kill. At most one segment.
      expect(crashAt - recordedUntil).toBeLessThanOrEqual(SEGMENT_MS + 250);
      expect(after[0]!.startedAt.getTime()).toBeGreaterThan(crashAt);
      expect(before.map((s) => s.seq)).toEqual(before.map((_, i) => i));
      for (const s of segments) await access(path.join(stack.config.recordings.dir, rec.id, s.path));
      // A segment is the host's picture and sound: H.264 at the camera's size, and AAC.
      const { stdout } = await promisify(execFile)('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,width,height',
        '-of', 'json', path.join(stack.config.recordings.dir, rec.id, segments[1]!.path)]);
      const streams = (JSON.parse(stdout) as { streams: { codec_name: string; width?: number; height?: number }[] }).streams;
      expect(streams).toEqual(expect.arrayContaining([
        expect.objectContaining({ codec_name: 'h264', width: 320, height: 240 }),
        expect.objectContaining({ codec_name: 'aac' }),
      ]));

      // The playlist joins both parts with a discontinuity and ends.
      const res = await fetch(`${stack.apiUrl}/api/recordings/${rec.id}/index.m3u8`, { headers: { cookie: host.cookie } });
      const playlist = await res.text();
      expect(res.status).toBe(200);
      expect(playlist.match(/#EXTINF/g)).toHaveLength(segments.length);
      expect(playlist.match(/#EXT-X-DISCONTINUITY/g)).toHaveLength(1);
      expect(playlist).toContain('#EXT-X-ENDLIST');
    } finally {
      recorder.kill('SIGTERM');
      await exited(recorder);
      await camera.stop();
    }
    // Two starts of a process that compiles its TypeScript, beside other test files, on a
    // fresh CI machine: minutes, not the usual one.
  }, 180_000);
});
