import { execute, queryRow, queryRows, withTransaction, type TQueryable } from '@showcart/common';
import {
  NOTIFICATION_CHANNELS,
  NOTIFICATION_KINDS,
  ZNotificationChannel,
  ZNotificationKind,
  ZQuietHours,
  type TNotificationKind,
  type TPreferences,
  type TPreference,
  type TQuietHours,
} from '@showcart/shared';
import { z } from 'zod';
import type { TDomainDeps } from '../deps.ts';

const ZStored = z.object({ kind: ZNotificationKind, channel: ZNotificationChannel, enabled: z.boolean() });

export const readQuietHours = async (db: TQueryable, userId: string): Promise<TQuietHours | null> =>
  (await queryRow(db, ZQuietHours,
    `select start_minute as "startMinute", end_minute as "endMinute", time_zone as "timeZone" from notification_quiet_hours where user_id = $1`,
    [userId])) ?? null;

/** Every kind × channel with what applies (the user's choice, else the kind's default), and the quiet hours. */
export const getPreferences = async (deps: Pick<TDomainDeps, 'db'>, userId: string): Promise<TPreferences> => {
  const stored = await queryRows(deps.db, ZStored,
    // A kind this version no longer knows is skipped, not refused.
    `select kind, channel, enabled from notification_preferences where user_id = $1 and kind = any($2)`,
    [userId, Object.keys(NOTIFICATION_KINDS)]);
  const chosen = new Map(stored.map((p) => [`${p.kind}/${p.channel}`, p.enabled]));
  const preferences: TPreference[] = [];
  for (const kind of Object.keys(NOTIFICATION_KINDS) as TNotificationKind[]) {
    for (const channel of NOTIFICATION_CHANNELS) {
      preferences.push({ kind, channel, enabled: chosen.get(`${kind}/${channel}`) ?? NOTIFICATION_KINDS[kind].defaults[channel] });
    }
  }
  return { preferences, quietHours: await readQuietHours(deps.db, userId) };
};

/** Turns one kind's channel on or off for a user. */
export const setPreference = (db: TQueryable, userId: string, p: TPreference) =>
  execute(db,
    `insert into notification_preferences (user_id, kind, channel, enabled) values ($1, $2, $3, $4)
     on conflict (user_id, kind, channel) do update set enabled = excluded.enabled`,
    [userId, p.kind, p.channel, p.enabled]);

/** Changes the toggles given and, when `quietHours` is given, the quiet hours (null: none). */
export const updatePreferences = async (
  deps: Pick<TDomainDeps, 'db'>,
  userId: string,
  p: { preferences: TPreference[]; quietHours?: TQuietHours | null | undefined },
): Promise<TPreferences> => {
  await withTransaction(deps.db, async (tx) => {
    for (const preference of p.preferences) await setPreference(tx, userId, preference);
    if (p.quietHours === null) await execute(tx, 'delete from notification_quiet_hours where user_id = $1', [userId]);
    else if (p.quietHours) {
      await execute(tx,
        `insert into notification_quiet_hours (user_id, start_minute, end_minute, time_zone) values ($1, $2, $3, $4)
         on conflict (user_id) do update set start_minute = excluded.start_minute, end_minute = excluded.end_minute, time_zone = excluded.time_zone`,
        [userId, p.quietHours.startMinute, p.quietHours.endMinute, p.quietHours.timeZone]);
    }
  });
  return getPreferences(deps, userId);
};
