import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const valid = {
  DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/showcart',
  REDIS_URL: 'redis://127.0.0.1:6379',
  LIVEKIT_URL: 'ws://127.0.0.1:7880',
  LIVEKIT_API_KEY: 'APIkey',
  LIVEKIT_API_SECRET: 'a-secret-that-is-at-least-32-chars-long',
  STRIPE_SECRET_KEY: 'sk_test_123',
};

describe('loadConfig', () => {
  it('reads a valid environment with its defaults', () => {
    const config = loadConfig(valid);
    expect(config).toMatchObject({ apiPort: 3000, realtimePort: 3001, env: 'development', platformFeeBps: 500 });
    expect(config.stripe.apiBase).toBeUndefined();
  });

  it('lists every missing or wrong variable at once, without their values', () => {
    const env = { ...valid, DATABASE_URL: undefined, REDIS_URL: 'http://nope', LIVEKIT_API_SECRET: 'short', API_PORT: '99999' };
    let error: unknown;
    try {
      loadConfig(env);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.map((p) => p.split(':')[0]);
    expect(problems.sort()).toEqual(['API_PORT', 'DATABASE_URL', 'LIVEKIT_API_SECRET', 'REDIS_URL']);
    expect((error as Error).message).not.toContain('short');
  });

  it('pays at most FIRST_SALE_SHIPPING_DISCOUNT_MINOR of a first order’s shipping, a whole amount of minor units', () => {
    expect(loadConfig(valid).firstSaleDiscountMaxMinor).toBe(1_000);
    expect(loadConfig({ ...valid, FIRST_SALE_SHIPPING_DISCOUNT_MINOR: '0' }).firstSaleDiscountMaxMinor).toBe(0);
    for (const bad of ['-1', '2.5', 'ten']) {
      expect(() => loadConfig({ ...valid, FIRST_SALE_SHIPPING_DISCOUNT_MINOR: bad })).toThrow(/FIRST_SALE_SHIPPING_DISCOUNT_MINOR/);
    }
  });


  it('turns Web Push on only with both VAPID keys; empty ones (docker-compose) are unset', () => {
    const keys = { VAPID_PUBLIC_KEY: `B${'a'.repeat(86)}`, VAPID_PRIVATE_KEY: 'k'.repeat(43) };
    expect(loadConfig({ ...valid, ...keys }).push).toMatchObject({ publicKey: keys.VAPID_PUBLIC_KEY, subject: 'mailto:push@showcart.local' });
    expect(loadConfig({ ...valid, VAPID_PUBLIC_KEY: '', VAPID_PRIVATE_KEY: '' }).push).toBeUndefined();
    expect(() => loadConfig({ ...valid, VAPID_PUBLIC_KEY: keys.VAPID_PUBLIC_KEY })).toThrow(/VAPID_PRIVATE_KEY/);
    expect(() => loadConfig({ ...valid, ...keys, VAPID_PRIVATE_KEY: 'short' })).toThrow(/VAPID_PRIVATE_KEY/);
  });
  it('keeps recordings in S3 only when a bucket is named, and refuses a bad bucket name', () => {
    expect(loadConfig(valid).recordings.s3).toBeNull();
    const s3 = { RECORDINGS_S3_BUCKET: 'replays', RECORDINGS_S3_ENDPOINT: 'http://127.0.0.1:7070', RECORDINGS_S3_SECRET: 'hidden-value' };
    expect(loadConfig({ ...valid, ...s3 }).recordings.s3).toMatchObject({ bucket: 'replays', region: 'us-east-1', secret: 'hidden-value' });
    expect(() => loadConfig({ ...valid, ...s3, RECORDINGS_S3_BUCKET: 'Bad_Bucket' })).toThrow(/RECORDINGS_S3_BUCKET/);
    expect(() => loadConfig({ ...valid, ...s3, RECORDINGS_S3_ENDPOINT: 'not a url' })).toThrow(/RECORDINGS_S3_ENDPOINT/);
  });

  it('trusts forwarding headers only from the proxies TRUST_PROXY names: none by default outside development', () => {
    expect(loadConfig({ ...valid, NODE_ENV: 'production' }).trustProxy).toBe(false);
    expect(loadConfig({ ...valid, NODE_ENV: 'test' }).trustProxy).toBe(false);
    expect(loadConfig(valid).trustProxy).toEqual(['loopback']);
    expect(loadConfig({ ...valid, NODE_ENV: 'development', TRUST_PROXY: 'none' }).trustProxy).toBe(false);
    expect(loadConfig({ ...valid, TRUST_PROXY: '10.0.0.0/8, 192.168.1.7,loopback' }).trustProxy).toEqual(['10.0.0.0/8', '192.168.1.7', 'loopback']);
    expect(loadConfig({ ...valid, TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(() => loadConfig({ ...valid, TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ ...valid, TRUST_PROXY: 'true' })).toThrow(/TRUST_PROXY/);
  });
});
