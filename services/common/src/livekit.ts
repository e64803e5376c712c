import { AccessToken, RoomServiceClient, ServerError, TrackSource, WebhookReceiver } from 'livekit-server-sdk';
import type { TConfig } from './config.ts';

/** How long a join token is valid; LiveKit keeps a joined participant past it. */
const TOKEN_TTL_SECONDS = 6 * 60 * 60;

export type TLiveKitRole = 'host' | 'viewer' | 'recorder';

/**
 * LiveKit access for one deployment. Tokens carry the least grants (invariant 7): a host
 * may publish camera and microphone and nothing else; a viewer may only subscribe; the
 * recorder may only subscribe, hidden.
 */
export const createLiveKit = (config: TConfig['livekit']) => {
  const httpUrl = config.url.replace(/^ws/, 'http');
  const rooms = new RoomServiceClient(httpUrl, config.apiKey, config.apiSecret);
  return {
    url: config.url,
    rooms,
    /** Deletes a room, disconnecting everyone in it; false if there was none (closed already, or never opened). */
    closeRoom: async (room: string): Promise<boolean> => {
      try {
        await rooms.deleteRoom(room);
        return true;
      } catch (error) {
        if (error instanceof ServerError && error.status === 404) return false;
        throw error;
      }
    },
    webhooks: new WebhookReceiver(config.apiKey, config.apiSecret),
    mintToken: async (p: {
      room: string;
      identity: string;
      name: string;
      role: TLiveKitRole;
    }): Promise<string> => {
      const token = new AccessToken(config.apiKey, config.apiSecret, {
        identity: p.identity,
        name: p.name,
        ttl: TOKEN_TTL_SECONDS,
      });
      token.addGrant(
        p.role === 'recorder'
          ? // Subscribe only, and hidden: viewers neither see nor count it.
            { room: p.room, roomJoin: true, hidden: true, canPublish: false, canSubscribe: true, canPublishData: false, canUpdateOwnMetadata: false }
          : p.role === 'host'
          ? {
              room: p.room,
              roomJoin: true,
              canPublish: true,
              canPublishSources: [TrackSource.CAMERA, TrackSource.MICROPHONE],
              canSubscribe: false,
              canPublishData: false,
              canUpdateOwnMetadata: false,
            }
          : {
              room: p.room,
              roomJoin: true,
              canPublish: false,
              canSubscribe: true,
              canPublishData: false,
              canUpdateOwnMetadata: false,
            },
      );
      return token.toJwt();
    },
  };
};

export type TLiveKit = ReturnType<typeof createLiveKit>;

/** One LiveKit room per show. */
export const roomNameOf = (showId: string) => `show-${showId}`;
export const showIdOfRoom = (room: string): string | undefined =>
  /^show-([0-9a-f-]{36})$/.exec(room)?.[1];
