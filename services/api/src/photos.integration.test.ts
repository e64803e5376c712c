import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { readdir, rm, stat } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { createLogger, localObjects, type TPhotoStore } from '@showcart/common';
import { createPhotoUploads, PHOTO_UPLOADS_PER_HOUR } from '@showcart/domain';
import { MAX_PHOTO_BYTES, photoUrl, ZPhoto, type TPhoto } from '@showcart/shared';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, startS3 } from '../../../infra/local/components.ts';
import { freePort } from '../../../infra/local/processes.ts';
import { startStack, type TStack } from '../../../infra/test/harness.ts';
import { pngBomb } from '../../../infra/test/images.ts';

/**
 * Photos through the api: a real upload comes back as WebP sizes without its EXIF (GPS
 * included) and upright; each bad file is refused with its code and leaves no file in the
 * store and no row; the sizes are served with cache headers; an avatar is one's own photo.
 */
let stack: TStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());

type TUser = Awaited<ReturnType<TStack['createUser']>>;
type TReply = { status: number; headers: Headers; body: { error?: { code: string; message: string } } & Partial<TPhoto> };

/** A landscape JPEG, red on its left half and blue on its right, that says "turn me 90° clockwise", with a GPS position and a P3 profile. */
const phoneJpeg = async (width = 1200, height = 800) => {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="${width / 2}" height="${height}" fill="#f00"/><rect x="${width / 2}" width="${width / 2}" height="${height}" fill="#00f"/></svg>`;
  return sharp(Buffer.from(svg))
    .jpeg({ quality: 90 })
    .withIccProfile('p3')
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Make: 'Showcart', Model: 'Test phone' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '48/1 51/1 2400/100', GPSLongitudeRef: 'E', GPSLongitude: '2/1 21/1 0/1' } })
    .toBuffer();
};
/** The EXIF tag that points at the GPS block, in either byte order. */
const hasGpsBlock = (exif: Buffer | undefined) => !!exif && (exif.includes(Buffer.from([0x88, 0x25])) || exif.includes(Buffer.from([0x25, 0x88])));

const upload = async (user: TUser | undefined, parts: { name?: string; bytes: Buffer; filename?: string; type?: string }[], headers: Record<string, string> = {}): Promise<TReply> => {
  const form = new FormData();
  for (const part of parts) form.append(part.name ?? 'photo', new Blob([part.bytes], { type: part.type ?? 'image/jpeg' }), part.filename ?? 'photo.jpg');
  const res = await fetch(`${stack.apiUrl}/api/photos`, { method: 'POST', body: form, headers: { ...(user ? { cookie: user.cookie } : {}), ...headers } });
  return { status: res.status, headers: res.headers, body: (await res.json()) as TReply['body'] };
};

/** Every file under a directory, as paths relative to it. */
const filesUnder = async (dir: string) =>
  (await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []))
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();
const photoRows = async (ownerId: string) =>
  (await stack.db.query<{ id: string; width: number; height: number; bytes: number }>('select id, width, height, bytes from photos where owner_id = $1', [ownerId])).rows;

/** Runs `act` and checks it stored nothing: no file anywhere under the recordings directory, no row. */
const leavesNothing = async (user: TUser, act: () => Promise<void>) => {
  const before = await filesUnder(stack.config.recordings.dir);
  await act();
  expect(await filesUnder(stack.config.recordings.dir)).toEqual(before);
  expect(await photoRows(user.id)).toEqual([]);
};

describe('uploading a photo', () => {
  it('stores WebP sizes, upright, without EXIF, GPS or profile, and a row once all are stored', async () => {
    const user = await stack.createUser();
    const original = await phoneJpeg();
    const inMeta = await sharp(original).metadata();
    // The test's photo has what a phone's has: its orientation, a GPS position, a colour profile.
    expect([inMeta.width, inMeta.height, inMeta.orientation, hasGpsBlock(inMeta.exif), !!inMeta.icc]).toEqual([1200, 800, 6, true, true]);

    const reply = await upload(user, [{ bytes: original, filename: 'IMG_0001.JPG' }]);
    expect(reply.status).toBe(201);
    const photo = ZPhoto.parse(reply.body);
    // Turned upright (portrait), and never enlarged: 800 px is below `full`'s 1600.
    expect(photo).toEqual({
      id: photo.id, width: 800, height: 1200,
      urls: { thumb: photoUrl(photo.id, 'thumb'), card: photoUrl(photo.id, 'card'), full: photoUrl(photo.id, 'full') },
    });
    const dir = stack.config.recordings.dir;
    expect(await filesUnder(path.join(dir, 'photos', photo.id))).toEqual(['card.webp', 'full.webp', 'thumb.webp']);
    const stored = await Promise.all(['card', 'full', 'thumb'].map(async (s) => (await stat(path.join(dir, 'photos', photo.id, `${s}.webp`))).size));
    expect(await photoRows(user.id)).toEqual([{ id: photo.id, width: 800, height: 1200, bytes: stored.reduce((a, b) => a + b, 0) }]);

    const expected = { thumb: [107, 160], card: [320, 480], full: [800, 1200] } as const;
    for (const [size, [width, height]] of Object.entries(expected)) {
      const res = await fetch(`${stack.apiUrl}${photo.urls[size as keyof typeof expected]}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/webp');
      expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const bytes = Buffer.from(await res.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      expect({ format: meta.format, width: meta.width, height: meta.height, exif: meta.exif, xmp: meta.xmp, icc: meta.icc, orientation: meta.orientation })
        .toEqual({ format: 'webp', width, height, exif: undefined, xmp: undefined, icc: undefined, orientation: undefined });
      // Upright: the original's left (red) is now the top, its right (blue) the bottom.
      const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
      const pixel = (x: number, y: number) => [...data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3)];
      const [top, bottom] = [pixel(Math.floor(width / 2), Math.floor(height / 8)), pixel(Math.floor(width / 2), Math.floor((height * 7) / 8))];
      expect(top[0]).toBeGreaterThan(200);
      expect(top[2]).toBeLessThan(60);
      expect(bottom[2]).toBeGreaterThan(200);
      expect(bottom[0]).toBeLessThan(60);
    }

    // A browser that holds a size is told it has not changed; an ETag names the id and size.
    const first = await fetch(`${stack.apiUrl}${photo.urls.card}`);
    const etag = first.headers.get('etag')!;
    expect(etag).toBe(`"${photo.id}-card"`);
    const again = await fetch(`${stack.apiUrl}${photo.urls.card}`, { headers: { 'if-none-match': etag } });
    expect([again.status, again.headers.get('cache-control')]).toEqual([304, 'public, max-age=31536000, immutable']);
  });

  it('serves anyone, and answers an unknown photo or size with an error, never cached', async () => {
    const user = await stack.createUser();
    const photo = ZPhoto.parse((await upload(user, [{ bytes: await phoneJpeg(300, 200) }])).body);
    // Public: a signed-out visitor's browser loads it.
    expect((await fetch(`${stack.apiUrl}${photo.urls.thumb}`)).status).toBe(200);
    const unknown = await fetch(`${stack.apiUrl}${photoUrl(randomUUID(), 'card')}`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as TReply['body']).error?.code).toBe('NOT_FOUND');
    expect(unknown.headers.get('cache-control') ?? '').not.toContain('immutable');
    for (const bad of [`/api/photos/${photo.id}/huge`, `/api/photos/${photo.id}/card.webp`, '/api/photos/..%2F..%2Fetc%2Fpasswd/card']) {
      const res = await fetch(`${stack.apiUrl}${bad}`);
      expect([bad, res.status]).toEqual([bad, 400]);
    }
  });

  it('never uses the file name: one with path parts is stored under the photo id alone', async () => {
    const user = await stack.createUser();
    const dir = stack.config.recordings.dir;
    const before = await filesUnder(dir);
    const reply = await upload(user, [{ bytes: await phoneJpeg(300, 200), filename: '../../etc/passwd.jpg' }]);
    expect(reply.status).toBe(201);
    const added = (await filesUnder(dir)).filter((f) => !before.includes(f));
    expect(added).toEqual([`photos/${reply.body.id}/card.webp`, `photos/${reply.body.id}/full.webp`, `photos/${reply.body.id}/thumb.webp`]);
    expect(await stat(path.resolve(dir, 'photos/etc/passwd.jpg')).catch(() => null)).toBeNull();
    expect(await stat(path.resolve(dir, '../../etc/passwd.jpg')).catch(() => null)).toBeNull();
  });

  it('refuses each bad file with its code, by its content, and stores nothing', async () => {
    const user = await stack.createUser();
    const jpeg = await phoneJpeg();
    const cases: [string, Parameters<typeof upload>[1], number, string][] = [
      ['text named .jpg', [{ bytes: Buffer.from('This is a shopping list, not a photo.\n'), filename: 'list.jpg' }], 422, 'NOT_A_PHOTO'],
      ['an SVG named .png', [{
        bytes: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100"><script>alert(1)</script><rect width="100" height="100"/></svg>'),
        filename: 'dress.png', type: 'image/png',
      }], 422, 'NOT_A_PHOTO'],
      ['a PDF', [{ bytes: Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n'), filename: 'photo.pdf', type: 'application/pdf' }], 422, 'NOT_A_PHOTO'],
      ['a truncated JPEG', [{ bytes: jpeg.subarray(0, Math.floor(jpeg.length * 0.6)) }], 422, 'NOT_A_PHOTO'],
      ['an empty file', [{ bytes: Buffer.alloc(0) }], 422, 'NOT_A_PHOTO'],
      ['a decompression bomb (20000x20000 PNG)', [{ bytes: pngBomb(20_000, 20_000), filename: 'bomb.png', type: 'image/png' }], 422, 'PHOTO_TOO_BIG'],
      ['two files', [{ bytes: jpeg }, { bytes: jpeg }], 400, 'INVALID_INPUT'],
      ['a file in another field', [{ name: 'file', bytes: jpeg }], 400, 'INVALID_INPUT'],
    ];
    for (const [what, parts, status, code] of cases) {
      await leavesNothing(user, async () => {
        const reply = await upload(user, parts);
        expect([what, reply.status, reply.body.error?.code]).toEqual([what, status, code]);
      });
    }
    const bomb = await upload(user, [{ bytes: pngBomb(20_000, 20_000), type: 'image/png' }]);
    // Judged by its header: the message names its size.
    expect(bomb.body.error?.message).toContain('20000×20000');
  });

  it('refuses a body without a file, of the wrong type, unsigned or from another site, and stores nothing', async () => {
    const user = await stack.createUser();
    const jpeg = await phoneJpeg(300, 200);
    const post = async (body: FormData | Buffer | string, headers: Record<string, string>) => {
      const res = await fetch(`${stack.apiUrl}/api/photos`, { method: 'POST', body, headers });
      return [res.status, ((await res.json()) as TReply['body']).error?.code];
    };
    const onlyText = new FormData();
    onlyText.append('photo', 'not a file');
    const photoForm = new FormData();
    photoForm.append('photo', new Blob([jpeg], { type: 'image/jpeg' }), 'photo.jpg');
    await leavesNothing(user, async () => {
      expect(await post(onlyText, { cookie: user.cookie })).toEqual([400, 'INVALID_INPUT']);
      expect(await post(jpeg, { cookie: user.cookie, 'content-type': 'image/jpeg' })).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      expect(await post(JSON.stringify({ photo: 'x' }), { cookie: user.cookie, 'content-type': 'application/json' })).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
      expect(await post(jpeg, { cookie: user.cookie, 'content-type': 'multipart/form-data' })).toEqual([400, 'INVALID_INPUT']);
      expect(await post(photoForm, {})).toEqual([401, 'UNAUTHENTICATED']);
      // Cross-site request forgery: another site's page posting a photo with the person's cookie.
      expect(await post(photoForm, { cookie: user.cookie, origin: 'https://evil.example' })).toEqual([403, 'FORBIDDEN']);
    });
  });

  /** Streams a multipart body of `totalBytes` of file (chunked, or with its length declared), stopping at the answer. */
  const streamUpload = (user: TUser, totalBytes: number, declareLength: boolean) =>
    new Promise<{ status: number; code: string; sentBytes: number }>((resolve, reject) => {
      const boundary = `----showcart${randomUUID()}`;
      const head = Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="photo"; filename="big.jpg"\r\ncontent-type: image/jpeg\r\n\r\n`);
      const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
      const url = new URL(stack.apiUrl);
      let sentBytes = 0;
      let answered = false;
      const req = request({
        host: url.hostname, port: url.port, method: 'POST', path: '/api/photos',
        headers: {
          cookie: user.cookie, 'content-type': `multipart/form-data; boundary=${boundary}`,
          ...(declareLength ? { 'content-length': String(head.length + totalBytes + tail.length) } : {}),
        },
      }, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          req.destroy();
          resolve({ status: res.statusCode!, code: JSON.parse(Buffer.concat(chunks).toString()).error.code, sentBytes });
        });
      });
      req.on('error', (error) => !answered && reject(error));
      const chunk = Buffer.alloc(256 * 1024, 0xab);
      void (async () => {
        req.write(head);
        while (!answered && sentBytes < totalBytes) {
          sentBytes += chunk.length;
          if (!req.write(chunk)) await Promise.race([once(req, 'drain'), once(req, 'response'), once(req, 'close')]);
        }
        if (!answered) req.end(tail);
      })();
    });

  it('refuses a 50 MB upload with 413 before it is all sent, keeping none of it', async () => {
    const user = await stack.createUser();
    await leavesNothing(user, async () => {
      const streamed = await streamUpload(user, 50 * 1024 * 1024, false);
      expect([streamed.status, streamed.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      // The answer came while the client was still sending: a little past the limit (what the sockets buffer), far from the end.
      expect(streamed.sentBytes).toBeGreaterThanOrEqual(MAX_PHOTO_BYTES);
      expect(streamed.sentBytes).toBeLessThan(35 * 1024 * 1024);
      // A declared length over the limit is refused before a byte of the body is read.
      const declared = await streamUpload(user, 50 * 1024 * 1024, true);
      expect([declared.status, declared.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      expect(declared.sentBytes).toBeLessThan(MAX_PHOTO_BYTES / 2);
    });
    // The api is still there for the next upload.
    expect((await upload(user, [{ bytes: await phoneJpeg(300, 200) }])).status).toBe(201);
  });

  it('removes what it stored when a later step fails: no file, no row', async () => {
    const user = await stack.createUser();
    const dir = path.join(REPO_ROOT, `.data/test-photos-${randomUUID()}`);
    const files = localObjects(dir);
    // A store that breaks on the last size, as a full disk or a bucket's outage would.
    const failing: TPhotoStore = { ...files, put: async (key, body, type) => {
      if (key.endsWith('/full.webp')) throw new Error('disk full');
      await files.put(key, body, type);
    } };
    try {
      const uploads = createPhotoUploads({ db: stack.db, redis: stack.redis, config: stack.config, logger: createLogger('test', 'silent'), photos: failing });
      await expect(uploads.uploadPhoto({ ownerId: user.id, read: async () => phoneJpeg(300, 200) })).rejects.toThrow('disk full');
      expect(await filesUnder(dir)).toEqual([]);
      expect(await photoRows(user.id)).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('limits the uploads of one account per hour, before reading them', async () => {
    const user = await stack.createUser();
    const other = await stack.createUser();
    // Uploads refused for their type count too: each one cost the server a request.
    for (let sent = 0; sent < PHOTO_UPLOADS_PER_HOUR; sent += 50) {
      await Promise.all(Array.from({ length: Math.min(50, PHOTO_UPLOADS_PER_HOUR - sent) }, () =>
        fetch(`${stack.apiUrl}/api/photos`, { method: 'POST', body: 'x', headers: { cookie: user.cookie, 'content-type': 'text/plain' } }).then((r) => r.arrayBuffer())));
    }
    const limited = await upload(user, [{ bytes: await phoneJpeg(300, 200) }]);
    expect([limited.status, limited.body.error?.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await photoRows(user.id)).toEqual([]);
    // Another account is not held back by it.
    expect((await upload(other, [{ bytes: await phoneJpeg(300, 200) }])).status).toBe(201);
  });
});

describe('an avatar', () => {
  const setAvatar = (user: TUser, avatarPhotoId: string | null) => stack.http('PATCH', '/api/me/profile', { cookie: user.cookie, body: { avatarPhotoId } });
  const avatarOf = async (userId: string) => (await stack.db.query<{ id: string | null }>('select avatar_photo_id as id from users where id = $1', [userId])).rows[0]!.id;

  it('is a photo of one\'s own that nothing else uses, shown on the session and the profile; null takes it away', async () => {
    const maya = await stack.createUser();
    const photo = ZPhoto.parse((await upload(maya, [{ bytes: await phoneJpeg(300, 300) }])).body);
    const set = await setAvatar(maya, photo.id);
    expect([set.status, set.body.avatarUrl]).toEqual([200, photo.urls.thumb]);
    expect((await stack.http('GET', '/api/me', { cookie: maya.cookie })).body.avatarUrl).toBe(photo.urls.thumb);
    const handle = (await stack.http('GET', '/api/me', { cookie: maya.cookie })).body.handle as string;
    expect((await stack.http('GET', `/api/profiles/${handle}`)).body.avatarUrl).toBe(photo.urls.card);
    // Setting the same one again is no change of use.
    expect((await setAvatar(maya, photo.id)).status).toBe(200);
    const removed = await setAvatar(maya, null);
    expect([removed.status, removed.body.avatarUrl]).toEqual([200, null]);
    expect(await avatarOf(maya.id)).toBeNull();
  });

  it('refuses another person\'s photo, an unknown one and one a listing or a show uses, changing nothing', async () => {
    const maya = await stack.createUser();
    const theo = await stack.createUser();
    const mine = ZPhoto.parse((await upload(maya, [{ bytes: await phoneJpeg(300, 300) }])).body);
    expect((await setAvatar(maya, mine.id)).status).toBe(200);
    const theirs = ZPhoto.parse((await upload(theo, [{ bytes: await phoneJpeg(300, 300) }])).body);
    const onListing = ZPhoto.parse((await upload(maya, [{ bytes: await phoneJpeg(300, 300) }])).body);
    const { listingId } = await stack.createListing(maya.id);
    await stack.db.query('insert into listing_photos (listing_id, photo_id, position) values ($1, $2, 0)', [listingId, onListing.id]);
    const onCover = ZPhoto.parse((await upload(maya, [{ bytes: await phoneJpeg(300, 300) }])).body);
    const show = await stack.createShow(maya.cookie, [{ variantId: (await stack.createListing(maya.id)).variantIds[0]! }]);
    await stack.db.query('update shows set cover_photo_id = $2 where id = $1', [show.id, onCover.id]);

    for (const [what, id] of [['another person\'s', theirs.id], ['unknown', randomUUID()], ['a listing\'s', onListing.id], ['a show cover', onCover.id]] as const) {
      const reply = await setAvatar(maya, id);
      expect([what, reply.status, reply.body.error?.code]).toEqual([what, 409, 'PHOTO_UNUSABLE']);
    }
    // Theo cannot take Maya's avatar either.
    expect((await setAvatar(theo, mine.id)).body.error?.code).toBe('PHOTO_UNUSABLE');
    expect([await avatarOf(maya.id), await avatarOf(theo.id)]).toEqual([mine.id, null]);
    expect((await setAvatar(maya, 'not-a-uuid')).status).toBe(400);
  });
});

describe('photos kept in S3', () => {
  let s3: Awaited<ReturnType<typeof startS3>>;
  let s3Stack: TStack;
  const dataDir = path.join(REPO_ROOT, `.data/test-photos-s3-${randomUUID()}`);
  beforeAll(async () => {
    s3 = await startS3(dataDir, await freePort());
    s3Stack = await startStack({ env: s3.env });
  }, 60_000);
  afterAll(async () => {
    await s3Stack?.close();
    await s3?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('stores the sizes in the bucket, not on disk, serves them from there, and keeps nothing of a refused file', async () => {
    const user = await s3Stack.createUser();
    const form = (bytes: Buffer) => {
      const f = new FormData();
      f.append('photo', new Blob([bytes], { type: 'image/jpeg' }), 'photo.jpg');
      return f;
    };
    const res = await fetch(`${s3Stack.apiUrl}/api/photos`, { method: 'POST', body: form(await phoneJpeg(600, 400)), headers: { cookie: user.cookie } });
    expect(res.status).toBe(201);
    const photo = ZPhoto.parse(await res.json());
    expect(await filesUnder(path.join(s3.root, 'photos', photo.id))).toEqual(['card.webp', 'full.webp', 'thumb.webp']);
    expect(await filesUnder(s3Stack.config.recordings.dir)).toEqual([]);
    const served = await fetch(`${s3Stack.apiUrl}${photo.urls.card}`);
    expect([served.status, served.headers.get('content-type'), served.headers.get('cache-control')])
      .toEqual([200, 'image/webp', 'public, max-age=31536000, immutable']);
    expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).width).toBe(320);

    const bucketBefore = await filesUnder(s3.root);
    const refused = await fetch(`${s3Stack.apiUrl}/api/photos`, { method: 'POST', body: form(Buffer.from('not a photo')), headers: { cookie: user.cookie } });
    expect(refused.status).toBe(422);
    expect(await filesUnder(s3.root)).toEqual(bucketBefore);
    expect((await s3Stack.db.query('select 1 from photos where owner_id = $1', [user.id])).rows).toHaveLength(1);
  });
});
