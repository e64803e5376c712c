import { createReadStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { TConfig, TS3Config } from './config.ts';

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

const localStore = (dir: string): TRecordingStore => ({
  kind: 'local',
  upload: async () => {},
  uploaded: async () => {},
  open: async (key) => {
    const file = path.join(dir, key);
    const info = await stat(file).catch(() => null);
    return info ? { body: createReadStream(file), size: info.size } : null;
  },
  remove: (prefix) => rm(path.join(dir, prefix), { recursive: true, force: true }),
  finished: async () => {},
});

const s3Store = (dir: string, s3: TS3Config): TRecordingStore => {
  // Loaded on first use: the SDK is large, and most runs keep their files locally.
  let loading: Promise<{ sdk: typeof import('@aws-sdk/client-s3'); client: import('@aws-sdk/client-s3').S3Client }> | undefined;
  const sdk = () => (loading ??= import('@aws-sdk/client-s3').then((m) => ({
    sdk: m,
    client: new m.S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      // Stores other than AWS rarely have a DNS name per bucket.
      forcePathStyle: Boolean(s3.endpoint),
      credentials: s3.accessKey && s3.secret ? { accessKeyId: s3.accessKey, secretAccessKey: s3.secret } : undefined,
    }),
  })));
  const Bucket = s3.bucket;
  return {
    kind: 's3',
    upload: async (key) => {
      const { sdk: { PutObjectCommand }, client } = await sdk();
      const body = await readFile(path.join(dir, key));
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: 'video/mp2t' }));
    },
    uploaded: async (keys) => {
      for (const key of keys) await rm(path.join(dir, key), { force: true });
    },
    open: async (key) => {
      const { sdk: { GetObjectCommand, NoSuchKey }, client } = await sdk();
      try {
        const out = await client.send(new GetObjectCommand({ Bucket, Key: key }));
        return { body: out.Body as Readable, size: out.ContentLength ?? 0 };
      } catch (error) {
        if (error instanceof NoSuchKey) return null;
        throw error;
      }
    },
    remove: async (prefix) => {
      const { sdk: { ListObjectsV2Command, DeleteObjectsCommand }, client } = await sdk();
      let token: string | undefined;
      do {
        const page = await client.send(new ListObjectsV2Command({ Bucket, Prefix: `${prefix}/`, ContinuationToken: token }));
        const keys = (page.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
        if (keys.length > 0) await client.send(new DeleteObjectsCommand({ Bucket, Delete: { Objects: keys, Quiet: true } }));
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
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
