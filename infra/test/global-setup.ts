import { rm } from 'node:fs/promises';
import path from 'node:path';
import { createDb, migrate } from '@showcart/common';
import type { TestProject } from 'vitest/node';
import { REPO_ROOT, startComponents, type TComponents } from '../local/components.ts';
import { freePort } from '../local/processes.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Environment of the real components started for this run. */
    componentEnv: Record<string, string>;
    /** The port LiveKit posts webhooks to; the one test of webhooks serves an API there. */
    webhookPort: number;
    /** Where the built web app is served for browser tests. */
    webPort: number;
  }
}

/**
 * Starts PostgreSQL, Redis, LiveKit and stripe-mock once for the whole run, on free
 * ports, in a data directory of this run's own; every test then uses its own names.
 */
export default async function setup(project: TestProject) {
  // Each project that asks (integration, browser) gets components of its own.
  const dataDir = path.join(REPO_ROOT, `.data/test-${process.pid}-${project.name}`);
  const ports = {
    postgres: await freePort(),
    redis: await freePort(),
    livekit: await freePort(),
    livekitTcp: await freePort(),
    livekitUdp: await freePort(),
    stripeMock: await freePort(),
    stripeProxy: await freePort(),
  };
  const webhookPort = await freePort();
  const components: TComponents = await startComponents({
    dataDir,
    ports,
    livekitWebhookUrl: `http://127.0.0.1:${webhookPort}/api/webhooks/livekit`,
    fast: true,
    // Tests always run against the components they start, whatever the shell has set.
    env: {},
  });
  const db = createDb(components.env.DATABASE_URL!, 1);
  await migrate(db);
  await db.end();
  project.provide('componentEnv', components.env);
  project.provide('webhookPort', webhookPort);
  project.provide('webPort', await freePort());
  return async () => {
    await components.stop();
    await rm(dataDir, { recursive: true, force: true });
  };
}
