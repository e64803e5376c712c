import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const main = path.join(import.meta.dirname, 'main.ts');

describe('starting the api with a bad environment', () => {
  it('stops at once, listing every missing or wrong variable and none of their values', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', main], {
      env: {
        PATH: process.env.PATH,
        REDIS_URL: 'http://not-redis',
        LIVEKIT_URL: 'ws://127.0.0.1:7880',
        LIVEKIT_API_KEY: 'key',
        LIVEKIT_API_SECRET: 'too-short-secret-value',
        STRIPE_SECRET_KEY: 'sk_test_abc',
      },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.status).toBe(78);
    const listed = [...run.stderr.matchAll(/^\s+- ([A-Z_]+):/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(['DATABASE_URL', 'LIVEKIT_API_SECRET', 'REDIS_URL']);
    expect(run.stderr).not.toContain('too-short-secret-value');
    // A cold TypeScript start beside other test files can pass vitest's default 5 s.
  }, 30_000);
});
