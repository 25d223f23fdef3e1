import { randomUUID } from 'node:crypto';

/**
 * The part of an ioredis client the lock uses (`eval`), so a test can slow or break it.
 * An ioredis `Redis` fits.
 */
export interface LeaderRedis {
  eval(script: string, numKeys: number, ...args: (string | number)[]): Promise<unknown>;
}

export interface LeaderLockOptions {
  readonly redis: LeaderRedis;
  /** STRING: the holder's owner id, expiring after `leaseDurationMs` unless renewed. */
  readonly lockKey: string;
  /** STRING counter: the fencing token, incremented on every acquisition. Never expires. */
  readonly fencingKey: string;
  /** `leader_election.lease_duration`: how long the lock outlives its last renewal. */
  readonly leaseDurationMs: number;
  /** Who this process is in the lock; random (a UUID) unless a test names it. */
  readonly ownerId?: string;
}

/** One process's handle on the fleet's leader lock. Every operation is one atomic script. */
export interface LeaderLock {
  readonly ownerId: string;
  /**
   * Takes the lock when nobody holds it: resolves with the new fencing token (greater than
   * every earlier one), or `undefined` while another owner holds it.
   */
  tryAcquire(): Promise<number | undefined>;
  /** Extends the lease if this owner still holds it; `false` once it does not. */
  renew(): Promise<boolean>;
  /** Deletes the lock if this owner holds it (never another's); `true` when it did. */
  release(): Promise<boolean>;
  /**
   * Sets hash fields only while this owner holds the lock, checked in the same script, so a
   * leader that lost the lock (a long GC pause, a partition) cannot overwrite its successor's
   * state. Resolves `false` when the write was refused.
   */
  hsetIfHolder(key: string, fields: Readonly<Record<string, string>>): Promise<boolean>;
}

// KEYS[1] = lock, KEYS[2] = fencing counter; ARGV = owner, lease ms. The token is taken in
// the same script as the lock, so no two acquisitions can ever see the same token.
const ACQUIRE_SCRIPT = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  return redis.call('INCR', KEYS[2])
end
return 0
`;

// Compare-and-extend: only the holder's own lease is extended.
const RENEW_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

// Compare-and-delete: a late release never frees a successor's lock.
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

// KEYS[1] = lock, KEYS[2] = hash; ARGV = owner, then field, value pairs.
const HSET_IF_HOLDER_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[2], unpack(ARGV, 2))
return 1
`;

/** The leader lock on Redis: `SET NX PX` plus a fencing counter, renewed by compare-and-extend. */
export function createLeaderLock(options: LeaderLockOptions): LeaderLock {
  const { redis, lockKey, fencingKey, leaseDurationMs } = options;
  if (!Number.isInteger(leaseDurationMs) || leaseDurationMs < 1) {
    throw new RangeError(`leaseDurationMs must be an integer ≥ 1, got ${leaseDurationMs}`);
  }
  const ownerId = options.ownerId ?? randomUUID();
  return {
    ownerId,
    async tryAcquire() {
      const token = Number(
        await redis.eval(ACQUIRE_SCRIPT, 2, lockKey, fencingKey, ownerId, leaseDurationMs),
      );
      return token > 0 ? token : undefined;
    },
    async renew() {
      return Number(await redis.eval(RENEW_SCRIPT, 1, lockKey, ownerId, leaseDurationMs)) === 1;
    },
    async release() {
      return Number(await redis.eval(RELEASE_SCRIPT, 1, lockKey, ownerId)) === 1;
    },
    async hsetIfHolder(key, fields) {
      const pairs = Object.entries(fields).flat();
      if (pairs.length === 0) throw new RangeError('hsetIfHolder needs at least one field');
      return (
        Number(await redis.eval(HSET_IF_HOLDER_SCRIPT, 2, lockKey, key, ownerId, ...pairs)) === 1
      );
    },
  };
}
