import { AppError, type TChatSend, type TUserModerate } from '@showcart/shared';
import type { TDomainDeps } from '../deps.ts';

/** Whole words of the text, lowercased, for matching the host's banned words. */
const wordsOf = (text: string) => text.toLowerCase().split(/[^\p{L}\p{N}']+/u).filter(Boolean);

/** A chat message: refused with BLOCKED_WORD when it has one of the host's banned words; then bans, mutes and slow mode (the engine). */
export const sendChat = async (deps: Pick<TDomainDeps, 'engine'>, p: TChatSend & { actorId: string; displayName: string }) => {
  const banned = new Set(await deps.engine.bannedWords(p.showId));
  if (banned.size && wordsOf(p.text).some((word) => banned.has(word))) throw new AppError('BLOCKED_WORD');
  return deps.engine.chat({ showId: p.showId, actorId: p.actorId, displayName: p.displayName, clientOpId: p.clientOpId, text: p.text });
};

/** The host or a moderator deletes a message. */
export const deleteChatMessage = (deps: Pick<TDomainDeps, 'engine'>, p: { showId: string; actorId: string; clientOpId: string; messageId: string }) =>
  deps.engine.moderate({
    showId: p.showId, actorId: p.actorId, clientOpId: p.clientOpId, action: 'delete', target: p.messageId, value: '',
    event: { type: 'chat.deleted', messageId: p.messageId },
  });

/** Bans or mutes a viewer, or (the host only) picks a moderator. */
export const moderateUser = (deps: Pick<TDomainDeps, 'engine'>, p: TUserModerate & { actorId: string }) => {
  const base = { showId: p.showId, actorId: p.actorId, clientOpId: p.clientOpId, target: p.userId };
  if (p.action === 'ban') return deps.engine.moderate({ ...base, action: 'ban', value: '', event: { type: 'user.banned', userId: p.userId } });
  if (p.action === 'mute') return deps.engine.moderate({ ...base, action: 'mute', value: p.minutes, event: { type: 'user.muted', userId: p.userId } });
  return deps.engine.moderate({ ...base, action: 'moderator', value: p.on ? 'on' : 'off', event: { type: 'moderator.changed', userId: p.userId, on: p.on } });
};
