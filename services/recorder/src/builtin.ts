import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Writable } from 'node:stream';
import {
  AudioStream,
  Room,
  RoomEvent,
  TrackKind,
  VideoBufferType,
  VideoStream,
  type RemoteParticipant,
  type RemoteTrack,
  type RemoteTrackPublication,
} from '@livekit/rtc-node';
import type { TDb, TLiveKit, TLogger, TRecordingStore } from '@showcart/common';
import type { TRecorderBackend, TRecordingSession, TShowToRecord } from './backend.ts';

const SAMPLE_RATE = 48_000;
const FPS = 30;

export type TBuiltinDeps = {
  db: TDb;
  livekit: TLiveKit;
  logger: TLogger;
  /** RECORDINGS_DIR, absolute: where ffmpeg writes. */
  dir: string;
  /** Where finished segments are kept: this directory, or S3. */
  store: TRecordingStore;
  segmentSeconds: number;
  height: number;
};

/** The segments an ffmpeg HLS playlist lists, in order, with their durations. */
export const parsePlaylist = (text: string): { file: string; durationMs: number }[] => {
  const out: { file: string; durationMs: number }[] = [];
  let duration: number | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#EXTINF:')) duration = Math.round(Number.parseFloat(line.slice(8)) * 1_000);
    else if (line && !line.startsWith('#') && duration !== null) {
      if (duration > 0) out.push({ file: line, durationMs: duration });
      duration = null;
    }
  }
  return out;
};

export const recordingDir = (root: string, recordingId: string) => path.join(root, recordingId);
const partDir = (root: string, recordingId: string, part: number) => path.join(recordingDir(root, recordingId), `part-${part}`);

/** The parts a recording has on disk, in order. */
const partsOnDisk = async (root: string, recordingId: string): Promise<number[]> => {
  const names = await readdir(recordingDir(root, recordingId)).catch(() => [] as string[]);
  return names.flatMap((n) => /^part-(\d+)$/.exec(n)?.[1] ?? []).map(Number).sort((a, b) => a - b);
};

/**
 * Registers the finished segments of one part that are not in `recording_segments` yet:
 * each is stored (uploaded, with S3), then registered with its start on the server clock
 * (where the part started plus the segments before it), then the directory's copy may go.
 * Safe to run twice at once or again after a crash: what is registered is skipped.
 */
export const registerPart = async (db: TDb, store: TRecordingStore, root: string, recordingId: string, part: number) => {
  const dir = partDir(root, recordingId, part);
  const meta = await readFile(path.join(dir, 'meta.json'), 'utf8').then((t) => JSON.parse(t) as { startedAt: number }, () => null);
  const playlist = await readFile(path.join(dir, 'index.m3u8'), 'utf8').catch(() => '');
  if (!meta || !playlist) return;
  const { rows: done } = await db.query<{ next: number }>(
    'select coalesce(max(seq) + 1, 0)::int as next from recording_segments where recording_id = $1 and part = $2',
    [recordingId, part],
  );
  const known = done[0]!.next;
  let at = meta.startedAt;
  const rows: { seq: number; startedAt: number; durationMs: number; bytes: number; file: string }[] = [];
  for (const [seq, s] of parsePlaylist(playlist).entries()) {
    if (seq >= known) {
      const file = path.join(`part-${part}`, s.file);
      const bytes = (await stat(path.join(dir, s.file)).catch(() => null))?.size ?? 0;
      if (bytes === 0) break;
      await store.upload(path.join(recordingId, file));
      rows.push({ seq, startedAt: at, durationMs: s.durationMs, bytes, file });
    }
    at += s.durationMs;
  }
  if (rows.length === 0) return;
  await db.query(
    `insert into recording_segments (recording_id, part, seq, started_at, duration_ms, bytes, path)
     select $1, $2, r.seq, to_timestamp(r.at / 1000.0), r.duration, r.bytes, r.path
       from unnest($3::int[], $4::float8[], $5::int[], $6::int[], $7::text[]) as r(seq, at, duration, bytes, path)
     on conflict do nothing`,
    [recordingId, part, rows.map((r) => r.seq), rows.map((r) => r.startedAt), rows.map((r) => r.durationMs),
      rows.map((r) => r.bytes), rows.map((r) => r.file)],
  );
  await store.uploaded(rows.map((r) => path.join(recordingId, r.file)));
};

/** Nearest-neighbour scaling of an I420 picture (rare: only while the camera's size differs). */
export const scaleI420 = (src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array => {
  const planes = (w: number, h: number) => {
    const cw = Math.ceil(w / 2);
    const ch = Math.ceil(h / 2);
    return [{ off: 0, w, h }, { off: w * h, w: cw, h: ch }, { off: w * h + cw * ch, w: cw, h: ch }];
  };
  const from = planes(sw, sh);
  const to = planes(dw, dh);
  const out = new Uint8Array(to[2]!.off + to[2]!.w * to[2]!.h);
  for (let p = 0; p < 3; p++) {
    const a = from[p]!;
    const b = to[p]!;
    const xs = Int32Array.from({ length: b.w }, (_, x) => Math.min(a.w - 1, Math.floor((x * a.w) / b.w)));
    for (let y = 0; y < b.h; y++) {
      const row = a.off + Math.min(a.h - 1, Math.floor((y * a.h) / b.h)) * a.w;
      const base = b.off + y * b.w;
      for (let x = 0; x < b.w; x++) out[base + x] = src[row + xs[x]!]!;
    }
  }
  return out;
};

/** Reads a stream to its end, or until `stop()` says so. */
const eachOf = async <T>(stream: ReadableStream<T>, fn: (value: T) => unknown, stop: () => boolean) => {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done || stop()) return;
      await fn(value);
    }
  } finally {
    reader.releaseLock();
  }
};

/** One run of ffmpeg: raw I420 video on stdin (timed by arrival), 48 kHz mono PCM on fd 3. */
class Encoder {
  readonly proc: ChildProcess;
  readonly startedAt = Date.now();
  private audioSamples = 0;
  private videoBlocked = false;
  private readonly silence: NodeJS.Timeout;
  exited: Promise<number | null>;

  constructor(
    readonly dir: string,
    readonly width: number,
    readonly height: number,
    p: { segmentSeconds: number; maxHeight: number; logger: TLogger },
  ) {
    const seg = p.segmentSeconds;
    this.proc = spawn('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-nostats',
      '-thread_queue_size', '1024', '-use_wallclock_as_timestamps', '1',
      '-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', `${width}x${height}`, '-i', 'pipe:0',
      '-thread_queue_size', '1024', '-f', 's16le', '-ar', String(SAMPLE_RATE), '-ac', '1', '-i', 'pipe:3',
      '-map', '0:v', '-map', '1:a',
      '-vf', `scale=w=-2:h='min(${p.maxHeight},ih)'`, '-fps_mode', 'cfr', '-r', String(FPS),
      '-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p',
      '-g', String(seg * FPS), '-sc_threshold', '0', '-force_key_frames', `expr:gte(t,n_forced*${seg})`,
      '-c:a', 'aac', '-b:a', '96k', '-af', 'aresample=async=1000',
      '-f', 'hls', '-hls_time', String(seg), '-hls_list_size', '0', '-hls_playlist_type', 'event',
      '-hls_flags', 'independent_segments+temp_file',
      '-hls_segment_filename', path.join(dir, 'seg-%05d.ts'), path.join(dir, 'index.m3u8'),
    ], { stdio: ['pipe', 'ignore', 'pipe', 'pipe'] });
    this.proc.stderr!.on('data', (d: Buffer) => p.logger.warn({ ffmpeg: d.toString().trim().slice(0, 500) }, 'ffmpeg says'));
    for (const s of [this.proc.stdin!, this.audio]) s.on('error', () => {}); // EPIPE after ffmpeg exits
    this.exited = new Promise((resolve) => this.proc.once('exit', (code) => resolve(code)));
    // The host may have no microphone, or a silent one: the audio track must not stall.
    this.silence = setInterval(() => this.fillSilence(), 100);
  }

  private get audio(): Writable {
    return this.proc.stdio[3] as Writable;
  }

  /** Writes a frame, or drops it while ffmpeg is behind: a live recording does not queue. */
  writeVideo(data: Uint8Array) {
    if (this.videoBlocked) return;
    if (!this.proc.stdin!.write(data)) {
      this.videoBlocked = true;
      this.proc.stdin!.once('drain', () => (this.videoBlocked = false));
    }
  }

  writeAudio(samples: Int16Array) {
    this.audioSamples += samples.length;
    this.audio.write(Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
  }

  private fillSilence() {
    const due = Math.floor(((Date.now() - this.startedAt) / 1_000) * SAMPLE_RATE);
    const behind = due - this.audioSamples;
    if (behind > SAMPLE_RATE / 10) this.writeAudio(new Int16Array(Math.min(behind, SAMPLE_RATE)));
  }

  /** Ends the inputs: ffmpeg writes the last segment and the end of the playlist. */
  async close() {
    clearInterval(this.silence);
    this.proc.stdin!.end();
    this.audio.end();
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/**
 * The built-in recorder: a hidden participant that subscribes to the host's camera and
 * microphone and encodes them with ffmpeg into HLS segments on local storage.
 */
export const createBuiltinBackend = (deps: TBuiltinDeps): TRecorderBackend => {
  const { db, logger } = deps;

  /** The show's recording row, made when its first frame arrives (the start of its clock). */
  const recordingOf = async (showId: string, startedAt: number) => {
    const { rows } = await db.query<{ id: string }>(
      `insert into recordings (show_id, backend, started_at) values ($1, 'builtin', to_timestamp($2 / 1000.0))
       on conflict (show_id) do update set show_id = excluded.show_id returning id`,
      [showId, startedAt],
    );
    return rows[0]!.id;
  };

  const start = async (show: TShowToRecord): Promise<TRecordingSession> => {
    const log = logger.child({ showId: show.showId });
    const room = new Room();
    let encoder: Encoder | undefined;
    let starting: Promise<Encoder> | undefined;
    let recordingId: string | undefined;
    let part = -1;
    let closed = false;

    const openEncoder = async (width: number, height: number) => {
      const firstFrameAt = Date.now();
      recordingId ??= await recordingOf(show.showId, firstFrameAt);
      const onDisk = await partsOnDisk(deps.dir, recordingId);
      // A recorder that crashed left parts behind: register what they finished, go on after
      // them and after any part registered (by a recorder elsewhere, or already cleaned up).
      for (const earlier of onDisk) if (earlier > part) await registerPart(db, deps.store, deps.dir, recordingId, earlier);
      const { rows } = await db.query<{ last: number }>(
        'select coalesce(max(part), -1)::int as last from recording_segments where recording_id = $1',
        [recordingId],
      );
      part = Math.max(part, rows[0]!.last, ...onDisk) + 1;
      const dir = partDir(deps.dir, recordingId, part);
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, 'meta.json'), JSON.stringify({ startedAt: firstFrameAt, width, height }));
      log.info({ recordingId, part, width, height }, 'recording part started');
      return new Encoder(dir, width, height, { segmentSeconds: deps.segmentSeconds, maxHeight: deps.height, logger: log });
    };

    const closeEncoder = async () => {
      const e = encoder;
      encoder = undefined;
      if (!e) return;
      await e.close();
      if (recordingId) await registerPart(db, deps.store, deps.dir, recordingId, part);
    };

    // The encoder's size is the camera's as published: LiveKit starts a subscriber on a low
    // simulcast layer and climbs, so the first frames are smaller than the show. Even
    // sizes, as H.264's 4:2:0 needs.
    const pumpVideo = (track: RemoteTrack, published: { width?: number; height?: number }) =>
      eachOf(new VideoStream(track), async (event) => {
        const frame = event.frame.type === VideoBufferType.I420 ? event.frame : event.frame.convert(VideoBufferType.I420);
        if (!encoder) {
          const width = (published.width || frame.width) & ~1;
          const height = (published.height || frame.height) & ~1;
          starting ??= openEncoder(width, height);
          encoder = await starting;
          starting = undefined;
        }
        // WebRTC lowers the resolution when the host's network or CPU is short: the encoder
        // keeps its size and the frame is scaled to it, so the recording runs on unbroken.
        encoder.writeVideo(
          frame.width === encoder.width && frame.height === encoder.height
            ? frame.data
            : scaleI420(frame.data, frame.width, frame.height, encoder.width, encoder.height),
        );
      }, () => closed);

    const pumpAudio = (track: RemoteTrack) =>
      eachOf(new AudioStream(track, { sampleRate: SAMPLE_RATE, numChannels: 1 }), (frame) => {
        encoder?.writeAudio(frame.data);
      }, () => closed);

    room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, pub: RemoteTrackPublication, participant: RemoteParticipant) => {
      if (!participant.identity.startsWith(show.hostIdentityPrefix)) return;
      const pumping = track.kind === TrackKind.KIND_VIDEO ? pumpVideo(track, { width: pub.width, height: pub.height })
        : track.kind === TrackKind.KIND_AUDIO ? pumpAudio(track) : null;
      pumping?.catch((error: unknown) => log.warn({ err: error }, 'track ended'));
    });

    const token = await deps.livekit.mintToken({ room: show.room, identity: `recorder-${show.showId}`, name: 'Recorder', role: 'recorder' });
    await room.connect(deps.livekit.url, token, { autoSubscribe: true, dynacast: false });
    // Finished segments are registered as they come, so a crash loses only the one in progress.
    let scanning = false;
    const scan = setInterval(() => {
      if (!encoder || !recordingId || scanning) return;
      scanning = true;
      registerPart(db, deps.store, deps.dir, recordingId, part)
        .catch((error: unknown) => log.warn({ err: error }, 'segment scan failed'))
        .finally(() => (scanning = false));
    }, 500);

    return {
      stop: async () => {
        closed = true;
        clearInterval(scan);
        await room.disconnect().catch(() => {});
        await starting?.then((e) => (encoder ??= e), () => {});
        await closeEncoder();
        if (recordingId) await deps.store.finished(recordingId);
        log.info({ recordingId, parts: part + 1 }, 'recording stopped');
      },
    };
  };

  return {
    name: 'builtin',
    start,
    finishOrphan: async (recordingId) => {
      for (const part of await partsOnDisk(deps.dir, recordingId)) await registerPart(db, deps.store, deps.dir, recordingId, part);
      await deps.store.finished(recordingId);
      const { rows } = await db.query('select 1 from recording_segments where recording_id = $1 limit 1', [recordingId]);
      return rows.length > 0;
    },
  };
};
