import { completeSetupIntent, connectStatus, createSetupIntent, paymentSetup, saveTestCard, startConnectOnboarding } from '@showcart/domain';
import type { THandlers } from '../contract.ts';
import type { TApiDeps } from '../deps.ts';

type TPaymentEndpoints = 'payments.get' | 'payments.testCard' | 'payments.setupIntent' | 'payments.setupComplete' | 'connect.get' | 'connect.onboarding';

/** A buyer's saved card; a seller's Stripe Connect account. */
export const paymentHandlers = (deps: TApiDeps): Pick<THandlers, TPaymentEndpoints> => ({
  'payments.get': ({ user }) => paymentSetup(deps, user.id),
  'payments.testCard': ({ user, body }) => saveTestCard(deps, { user, paymentMethod: body.paymentMethod }),
  'payments.setupIntent': ({ user, body }) => createSetupIntent(deps, { user, attemptId: body.attemptId }),
  'payments.setupComplete': ({ user, body }) => completeSetupIntent(deps, { user, setupIntentId: body.setupIntentId }),
  'connect.get': ({ user }) => connectStatus(deps, user.id),
  'connect.onboarding': ({ user }) => startConnectOnboarding(deps, user),
});
