import {
  LocalVideoTrack,
  Room,
  RoomEvent,
  TrackPublishOptions,
  TrackKind,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  VideoSource,
  type RemoteTrack,
} from '@livekit/rtc-node';
import type { TLiveKitGrant } from '@showcart/shared';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { newOpId, request, startStack, until, type TStack } from '../../../infra/test/harness.ts';

let stack: TStack;
const rooms: Room[] = [];
beforeAll(async () => {
  // LiveKit posts its webhooks to this port (see the global setup).
  // With the worker: it closes an ended show's room.
  stack = await startStack({ apiPort: inject('webhookPort'), worker: true });
});
afterAll(async () => {
  for (const room of rooms) await room.disconnect().catch(() => {});
  await stack?.close();
});

const join = async (grant: TLiveKitGrant) => {
  const room = new Room();
  rooms.push(room);
  await room.connect(grant.url, grant.token, { autoSubscribe: true, dynacast: false });
  return room;
};

const cameraTrack = () => {
  const source = new VideoSource(64, 48);
  const track = LocalVideoTrack.createVideoTrack('camera', source);
  const frame = new VideoFrame(new Uint8Array(64 * 48 * 4).fill(200), 64, 48, VideoBufferType.RGBA);
  const timer = setInterval(() => source.captureFrame(frame), 33);
  return { track, stop: () => clearInterval(timer) };
};

const grantFor = async (cookie: string, showId: string) => {
  const res = await stack.http('POST', `/api/shows/${showId}/livekit`, { cookie });
  expect(res.status).toBe(200);
  return res.body as TLiveKitGrant;
};

describe('LiveKit grants, checked by connecting', () => {
  it('lets the host publish its camera to viewers, and a viewer only subscribe', async () => {
    const host = await stack.createUser();
    const viewer = await stack.createUser();
    const show = await stack.createShow(host.cookie, [{ variantId: (await stack.createListing(host.id)).variantIds[0]! }]);
    await stack.db.query(`update shows set status = 'live', started_at = now() where id = $1`, [show.id]);
    const hostGrant = await grantFor(host.cookie, show.id);
    const viewerGrant = await grantFor(viewer.cookie, show.id);
    expect([hostGrant.role, viewerGrant.role]).toEqual(['host', 'viewer']);

    const viewerRoom = await join(viewerGrant);
    const subscribed = new Promise<RemoteTrack>((resolve) => viewerRoom.on(RoomEvent.TrackSubscribed, (track) => resolve(track)));
    const hostRoom = await join(hostGrant);
    const camera = cameraTrack();
    await hostRoom.localParticipant!.publishTrack(camera.track, new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA }));
    const track = await subscribed;
    expect(track.kind).toBe(TrackKind.KIND_VIDEO);
    camera.stop();

    // The server holds each participant to the grants of its token.
    const participants = await stack.livekit.rooms.listParticipants(hostGrant.room);
    const byRole = Object.fromEntries(participants.map((p) => [p.identity.split('-')[0], p.permission]));
    expect(byRole.host).toMatchObject({ canPublish: true, canSubscribe: false, canPublishData: false });
    expect(byRole.viewer).toMatchObject({ canPublish: false, canSubscribe: true, canPublishData: false });

    // A viewer that tries to publish is refused by the server.
    const rogue = cameraTrack();
    await expect(
      viewerRoom.localParticipant!.publishTrack(rogue.track, new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA })),
    ).rejects.toThrow();
    rogue.stop();
    const after = await stack.livekit.rooms.listParticipants(hostGrant.room);
    const viewerAfter = after.find((p) => p.identity.startsWith('viewer-'));
    expect(viewerAfter?.tracks ?? []).toHaveLength(0);
  });

  it('gives nobody a grant before the show is live: the host previews its camera alone', async () => {
    const host = await stack.createUser();
    const viewer = await stack.createUser();
    const show = await stack.createShow(host.cookie, [{ variantId: (await stack.createListing(host.id)).variantIds[0]! }]);
    for (const cookie of [host.cookie, viewer.cookie]) {
      const res = await stack.http('POST', `/api/shows/${show.id}/livekit`, { cookie });
      expect(res).toMatchObject({ status: 409, body: { error: { code: 'NOT_LIVE' } } });
    }
    const rooms = await stack.livekit.rooms.listRooms();
    expect(rooms.map((r) => r.name)).not.toContain(`show-${show.id}`);
  });

  it('closes the room after End: a viewer still connected is disconnected, a host still publishing too', async () => {
    const host = await stack.createUser();
    const viewer = await stack.createUser();
    const show = await stack.createShow(host.cookie, [{ variantId: (await stack.createListing(host.id)).variantIds[0]! }]);
    const hostSocket = await stack.connect(host.cookie);
    expect(await request(hostSocket, 'show:start', { showId: show.id, clientOpId: newOpId() })).toMatchObject({ ok: true });
    const hostGrant = await grantFor(host.cookie, show.id);
    const viewerRoom = await join(await grantFor(viewer.cookie, show.id));
    const subscribed = new Promise<RemoteTrack>((resolve) => viewerRoom.on(RoomEvent.TrackSubscribed, (track) => resolve(track)));
    const hostRoom = await join(hostGrant);
    const camera = cameraTrack();
    await hostRoom.localParticipant!.publishTrack(camera.track, new TrackPublishOptions({ source: TrackSource.SOURCE_CAMERA }));
    await subscribed;
    const gone = (room: Room) => new Promise<void>((resolve) => room.once(RoomEvent.Disconnected, () => resolve()));
    const viewerGone = gone(viewerRoom);
    const hostGone = gone(hostRoom);

    // The host's page would stop publishing; this one lies and keeps going.
    expect(await request(hostSocket, 'show:end', { showId: show.id, clientOpId: newOpId() })).toMatchObject({ ok: true });
    await Promise.all([viewerGone, hostGone]);
    camera.stop();
    await until('the room gone', async () => !(await stack.livekit.rooms.listRooms()).some((r) => r.name === hostGrant.room), 15_000);
    expect(await stack.http('POST', `/api/shows/${show.id}/livekit`, { cookie: viewer.cookie })).toMatchObject({ status: 409, body: { error: { code: 'SHOW_ENDED' } } });
  });

  it('gives no grant for a show that has ended, or to a signed-out user', async () => {
    const host = await stack.createUser();
    const show = await stack.createShow(host.cookie, [{ variantId: (await stack.createListing(host.id)).variantIds[0]! }]);
    expect((await stack.http('POST', `/api/shows/${show.id}/livekit`)).status).toBe(401);
    await stack.db.query(`update shows set status = 'ended', started_at = now(), ended_at = now() where id = $1`, [show.id]);
    const res = await stack.http('POST', `/api/shows/${show.id}/livekit`, { cookie: host.cookie });
    expect(res).toMatchObject({ status: 409, body: { error: { code: 'SHOW_ENDED' } } });
  });
});

describe('LiveKit webhooks', () => {
  it('records verified room and participant events, once each', async () => {
    const host = await stack.createUser();
    const show = await stack.createShow(host.cookie, [{ variantId: (await stack.createListing(host.id)).variantIds[0]! }]);
    await stack.db.query(`update shows set status = 'live', started_at = now() where id = $1`, [show.id]);
    const grant = await grantFor(host.cookie, show.id);
    const room = await join(grant);
    const deadline = Date.now() + 15_000;
    let types: string[] = [];
    while (Date.now() < deadline) {
      const { rows } = await stack.db.query<{ type: string }>(
        `select type from webhook_events where provider = 'livekit' and payload::jsonb -> 'room' ->> 'name' = $1 order by received_at`,
        [grant.room],
      );
      types = rows.map((r) => r.type);
      if (types.includes('participant_joined')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(types).toContain('room_started');
    expect(types).toContain('participant_joined');
    expect(new Set(types).size).toBe(types.length);
    await room.disconnect();
  });

  it('refuses a webhook with a forged or missing signature, recording nothing', async () => {
    const body = JSON.stringify({ event: 'room_finished', id: 'EV_forged', room: { name: 'show-x' } });
    for (const authorization of ['Bearer forged.token.here', undefined]) {
      const res = await fetch(`${stack.apiUrl}/api/webhooks/livekit`, {
        method: 'POST',
        headers: { 'content-type': 'application/webhook+json', ...(authorization ? { authorization } : {}) },
        body,
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('BAD_SIGNATURE');
    }
    const { rows } = await stack.db.query(`select 1 from webhook_events where event_id = 'EV_forged'`);
    expect(rows).toHaveLength(0);
  });
});
