import type { TDomainDeps } from '@showcart/domain';

/** What the api is built from (main.ts, or a test's harness): the domain's deps it uses. */
export type TApiDeps = Pick<TDomainDeps, 'config' | 'db' | 'redis' | 'stripe' | 'livekit' | 'logger' | 'queue' | 'engine' | 'recordings' | 'photos' | 'mailer'>;
