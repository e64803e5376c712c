import { createPhotoStore } from '@showcart/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type TStack } from '../test/harness.ts';
import { DEMO_PASSWORD, seedDemo } from './seed.ts';

/** `npm start`'s demo: closets with real photos, buyers ready to claim, a show to come; seeded once. */
let stack: TStack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => stack?.close());

describe('the demo seed', () => {
  it('gives every listing a served photo and details, every viewer a card and an address, and runs once', async () => {
    expect(await seedDemo(stack.db, stack.stripe, createPhotoStore(stack.config.recordings))).toBe(true);
    expect(await seedDemo(stack.db, stack.stripe, createPhotoStore(stack.config.recordings))).toBe(false);

    const login = await stack.http('POST', '/api/auth/login', { body: { email: 'viewer1@showcart.test', password: DEMO_PASSWORD } });
    expect(login.body).toMatchObject({ hasPaymentMethod: true, hasShippingAddress: true, emailVerified: true, handle: 'viewer1' });

    const profile = (await stack.http('GET', '/api/profiles/host')).body;
    expect(profile.listings.length).toBe(3);
    for (const card of profile.listings) {
      const listing = (await stack.http('GET', `/api/listings/${card.id}`)).body;
      expect(listing).toMatchObject({ category: expect.stringMatching(/^[a-z]+\//), photos: [{ cardUrl: card.photoUrl }] });
      const photo = await fetch(`${stack.apiUrl}${card.photoUrl}`);
      expect({ status: photo.status, type: photo.headers.get('content-type') }).toEqual({ status: 200, type: 'image/webp' });
    }
    expect(profile.shows).toMatchObject([{ status: 'scheduled', title: expect.stringContaining('Sunday Closet Drop') }]);

    // viewer1's Likes and Feed have something in them from the start.
    const cookie = login.headers.getSetCookie().find((c) => c.startsWith('sc_session='))!.split(';')[0]!;
    const likes = (await stack.http('GET', '/api/me/likes', { cookie })).body;
    expect(likes.listings.map((l: { title: string }) => l.title).sort()).toEqual(['Leather satchel', 'Merino rib beanie']);
    const feed = (await stack.http('GET', '/api/me/feed', { cookie })).body;
    expect(new Set(feed.items.map((i: { kind: string }) => i.kind))).toEqual(new Set(['listed', 'scheduled']));
  });
});
