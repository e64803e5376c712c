import { queryRows, type TQueryable } from '@showcart/common';
import { z } from 'zod';

/**
 * Marks the cards the viewer likes (`likedByMe`), one primary-key probe per card in one
 * query; without a viewer the cards are as they were (the field absent).
 */
export const markLikedByMe = async <C extends { id: string }>(db: TQueryable, viewerId: string | undefined, cards: C[]): Promise<(C & { likedByMe?: boolean })[]> => {
  if (!viewerId || cards.length === 0) return cards;
  const liked = new Set((await queryRows(db, z.object({ id: z.string() }),
    'select listing_id as id from likes where user_id = $1 and listing_id = any($2::uuid[])', [viewerId, cards.map((c) => c.id)])).map((r) => r.id));
  return cards.map((c) => ({ ...c, likedByMe: liked.has(c.id) }));
};
