import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { TConfig, TS3Config } from './config.ts';
import { localObjects, s3Objects } from './object-store.ts';

/**
 * Where the built-in recorder's finished segments live, keyed `<recording>/part-<n>/<file>`:
 * the recordings directory, or an S3-compatible bucket. ffmpeg writes each segment to the
 * directory; the recorder uploads it when it is finished, registers it, and only then
 * drops the directory's copy, so a crash between the steps loses nothing.
 */
export type TRecordingStore = {
  kind: 'local' | 's3';
  /** Stores a finished segment written under the recordings directory at `key`. */
  upload: (key: string) => Promise<void>;
  /** The segments at these keys are registered: the directory's copies may go. */
  uploaded: (keys: string[]) => Promise<void>;
  /** A stored segment to send, or null when there is none. */
  open: (key: string) => Promise<{ body: Readable; size: number } | null>;
  /** Removes everything stored under `<prefix>/` (a recording's id, or an Egress show's), here and in the directory. */
  remove: (prefix: string) => Promise<void>;
  /** A recording is finished: what the directory still holds of it is no longer needed. */
  finished: (recordingId: string) => Promise<void>;
};

const localStore = (dir: string): TRecordingStore => {
  const files = localObjects(dir);
  return {
    kind: 'local',
    upload: async () => {},
    uploaded: async () => {},
    open: files.open,
    remove: files.remove,
    finished: async () => {},
  };
};

const s3Store = (dir: string, s3: TS3Config): TRecordingStore => {
  const bucket = s3Objects(s3);
  return {
    kind: 's3',
    upload: async (key) => bucket.put(key, await readFile(path.join(dir, key)), 'video/mp2t'),
    uploaded: async (keys) => {
      for (const key of keys) await rm(path.join(dir, key), { force: true });
    },
    open: bucket.open,
    remove: async (prefix) => {
      await bucket.remove(prefix);
      await rm(path.join(dir, prefix), { recursive: true, force: true });
    },
    finished: (recordingId) => rm(path.join(dir, recordingId), { recursive: true, force: true }),
  };
};

/** The recordings' store this deployment is configured for. */
export const createRecordingStore = (recordings: TConfig['recordings']): TRecordingStore => {
  const dir = path.resolve(recordings.dir);
  return recordings.s3 ? s3Store(dir, recordings.s3) : localStore(dir);
};
