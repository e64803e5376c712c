import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import type { TS3Config } from './config.ts';

/**
 * Files kept by key (`a/b/c.ext`), in a directory or an S3-compatible bucket: what the
 * recordings' store and the photos' store are made of.
 */
export type TObjectStore = {
  kind: 'local' | 's3';
  put: (key: string, body: Buffer, contentType: string) => Promise<void>;
  /** The file at `key` to send, or null when there is none. */
  open: (key: string) => Promise<{ body: Readable; size: number } | null>;
  /** Removes everything stored under `<prefix>/`. */
  remove: (prefix: string) => Promise<void>;
};

/** The keys are ours, but a key that would leave the directory is a bug that must not write there. */
const inside = (dir: string, key: string) => {
  const file = path.resolve(dir, key);
  if (!file.startsWith(dir + path.sep)) throw new Error(`the key ${JSON.stringify(key)} is outside the store`);
  return file;
};

export const localObjects = (dir: string): TObjectStore => {
  const root = path.resolve(dir);
  return {
    kind: 'local',
    put: async (key, body) => {
      const file = inside(root, key);
      await mkdir(path.dirname(file), { recursive: true });
      // Written aside and renamed: a reader sees the whole file or none.
      const partial = `${file}.partial`;
      await writeFile(partial, body);
      await rename(partial, file);
    },
    open: async (key) => {
      const file = inside(root, key);
      const info = await stat(file).catch(() => null);
      return info?.isFile() ? { body: createReadStream(file), size: info.size } : null;
    },
    remove: (prefix) => rm(inside(root, prefix), { recursive: true, force: true }),
  };
};

export const s3Objects = (s3: TS3Config): TObjectStore => {
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
    put: async (key, body, contentType) => {
      const { sdk: { PutObjectCommand }, client } = await sdk();
      await client.send(new PutObjectCommand({ Bucket, Key: key, Body: body, ContentType: contentType }));
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
    },
  };
};
