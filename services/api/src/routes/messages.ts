import { createMessaging, getGreeting, getThread, greetVisitor, listConversations, reportUser, setBlocked, setGreeting } from '@showcart/domain';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';

type TMessageEndpoints = 'messages.list' | 'messages.thread' | 'messages.send' | 'blocks.add' | 'blocks.remove' | 'reports.create'
  | 'greeting.get' | 'greeting.set' | 'greeting.visit';

/** Direct messages, blocks and reports, and a closet's greeting. */
export const messageHandlers = (deps: TApiDeps): Pick<THandlers, TMessageEndpoints> => {
  const messaging = createMessaging(deps);
  return {
    'messages.list': async ({ user }) => ({ conversations: await listConversations(deps, user.id) }),
    'messages.thread': ({ user, params }) => getThread(deps, { userId: user.id, withHandle: params.handle }),
    'messages.send': ({ user, params, body }) => messaging.sendMessage({ senderId: user.id, toHandle: params.handle, message: body }),
    'blocks.add': ({ user, params }) => setBlocked(deps, { userId: user.id, handle: params.handle, blocked: true }),
    'blocks.remove': ({ user, params }) => setBlocked(deps, { userId: user.id, handle: params.handle, blocked: false }),
    'reports.create': ({ user, params, body }) => reportUser(deps, { userId: user.id, handle: params.handle, ...body }),
    'greeting.get': ({ user }) => getGreeting(deps, user.id),
    'greeting.set': ({ user, body }) => setGreeting(deps, { sellerId: user.id, greeting: body.greeting }),
    'greeting.visit': ({ user, params }) => greetVisitor(deps, { visitorId: user.id, sellerHandle: params.handle }),
  };
};
