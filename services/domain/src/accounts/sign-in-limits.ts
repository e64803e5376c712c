import { createHash, randomBytes } from 'node:crypto';
import type { Redis } from '@showcart/common';
import { AppError } from '@showcart/shared';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * How sign-in resists password guessing (OWASP's "device cookies"):
 * - per account: ACCOUNT_ATTEMPTS tries from unknown browsers, then the account is locked
 *   for unknown browsers, one minute the first time and twice as long each time after
 *   (up to an hour) within a day; every address counts, so rotating addresses gains nothing;
 * - per address across accounts, so one address cannot try many accounts either;
 * - a browser that signed in to the account before carries a device cookie: it has an
 *   allowance of its own and is not locked out with the account, so an attacker hammering
 *   the account does not lock its owner out. (A password reset by mail, issue #16, will lift
 *   the lock for an owner on a new browser.)
 * Attempts are counted before the password is checked (one atomic step each), so that many
 * attempts sent at once cannot all pass; a successful sign-in gives its attempt back.
 */
const ACCOUNT_ATTEMPTS = 10;
const ACCOUNT_WINDOW_SECONDS = 15 * 60;
const FIRST_LOCK_SECONDS = 60;
const MAX_LOCK_SECONDS = 60 * 60;
/** Locks of an account are remembered this long; the back-off grows with each. */
const LOCK_MEMORY_SECONDS = 24 * 60 * 60;
/** Many people may sign in from one address (an office, a carrier's NAT): failures weigh, successes give back. */
const ADDRESS_ATTEMPTS = 100;
const ADDRESS_WINDOW_SECONDS = 60 * 60;
const DEVICE_ATTEMPTS = 10;
const DEVICE_WINDOW_SECONDS = 15 * 60;

export const DEVICE_COOKIE = 'sc_device';
/** How long a browser stays known to an account after its last sign-in. */
export const DEVICE_TTL_SECONDS = 365 * 24 * 60 * 60;

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
/** Accounts are keyed by a hash of the email as typed (lowercased), known or not: nothing tells which exist. */
const accountKey = (email: string) => sha256(email.trim().toLowerCase());


const minutes = (seconds: number) => Math.max(1, Math.ceil(seconds / 60));

/** `namespace` keeps deployments (and test stacks) that share a Redis apart: QUEUE_PREFIX. */
export const createSignInLimits = (redis: Redis, namespace: string) => {
  const limiter = (name: string, points: number, duration: number, blockDuration = 0) =>
    new RateLimiterRedis({ storeClient: redis, keyPrefix: `${namespace}:rl:login:${name}`, points, duration, blockDuration });
  const byAccount = limiter('account', ACCOUNT_ATTEMPTS, ACCOUNT_WINDOW_SECONDS);
  const locks = limiter('locks', 1_000, LOCK_MEMORY_SECONDS);
  const byAddress = limiter('address', ADDRESS_ATTEMPTS, ADDRESS_WINDOW_SECONDS, ADDRESS_WINDOW_SECONDS);
  const byDevice = limiter('device', DEVICE_ATTEMPTS, DEVICE_WINDOW_SECONDS, DEVICE_WINDOW_SECONDS);

  /** Consumes one attempt; the rejection, if over the limit. */
  const take = async (l: RateLimiterRedis, key: string): Promise<RateLimiterRes | undefined> => {
    try {
      await l.consume(key);
      return undefined;
    } catch (rejection) {
      if (rejection instanceof RateLimiterRes) return rejection;
      throw rejection;
    }
  };

  const refuse = (seconds: number, why: string) => {
    const wait = Math.max(1, Math.ceil(seconds));
    return new AppError('RATE_LIMITED', `${why} Try again in ${minutes(wait)} minute${minutes(wait) === 1 ? '' : 's'}.`, {
      retryAfterSeconds: wait,
    });
  };

  const deviceKey = (token: string) => `${namespace}:login:device:${sha256(token)}`;
  const isKnownDevice = async (deviceToken: string | undefined, account: string) =>
    deviceToken !== undefined && deviceToken.length <= 100 && (await redis.sismember(deviceKey(deviceToken), account)) === 1;

  return {
    /**
     * Counts a sign-in attempt before the password is checked; RATE_LIMITED (with its
     * Retry-After) when this client may not try now. Returns what `succeeded` needs.
     */
    attempt: async (p: { email: string; address: string; deviceToken: string | undefined }) => {
      const account = accountKey(p.email);
      const known = await isKnownDevice(p.deviceToken, account);
      const fromAddress = await take(byAddress, p.address);
      if (fromAddress) throw refuse(fromAddress.msBeforeNext / 1_000, 'Too many sign-in attempts from your network.');
      if (known) {
        const fromDevice = await take(byDevice, `${sha256(p.deviceToken!)}:${account}`);
        if (fromDevice) throw refuse(fromDevice.msBeforeNext / 1_000, 'Too many wrong passwords from this browser.');
        return { account, known };
      }
      const forAccount = await take(byAccount, account);
      if (forAccount) {
        // The attempt that crosses the allowance locks the account for unknown browsers,
        // each lock of the day twice as long as the last; later ones are told how long is left.
        if (forAccount.consumedPoints === ACCOUNT_ATTEMPTS + 1) {
          const n = (await locks.penalty(account, 1)).consumedPoints;
          const seconds = Math.min(FIRST_LOCK_SECONDS * 2 ** (n - 1), MAX_LOCK_SECONDS);
          await byAccount.block(account, seconds);
          throw refuse(seconds, 'This account is locked for a while after too many wrong passwords; a browser you signed in with before can still sign in.');
        }
        throw refuse(forAccount.msBeforeNext / 1_000, 'This account is locked for a while after too many wrong passwords; a browser you signed in with before can still sign in.');
      }
      return { account, known };
    },

    /**
     * The password was right: the attempt is given back, the count of the way it came in
     * starts over (a known browser's own, or the account's), and this browser becomes known
     * to the account. A known browser's sign-in leaves the account's lock to others in
     * place: its owner being back says nothing of who else is guessing. Returns the device
     * token to set.
     */
    succeeded: async (p: { account: string; known: boolean; address: string; deviceToken: string | undefined }) => {
      await Promise.all([
        byAddress.reward(p.address, 1),
        p.known ? byDevice.delete(`${sha256(p.deviceToken!)}:${p.account}`) : byAccount.delete(p.account),
      ]);
      const token = p.deviceToken && p.deviceToken.length <= 100 ? p.deviceToken : randomBytes(24).toString('base64url');
      await redis.multi().sadd(deviceKey(token), p.account).expire(deviceKey(token), DEVICE_TTL_SECONDS).exec();
      return token;
    },

  };
};

export type TSignInLimits = ReturnType<typeof createSignInLimits>;
