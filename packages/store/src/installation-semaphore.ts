import { randomUUID } from 'node:crypto';

import type { Redis } from 'ioredis';

import { createStoreKeys } from './store-keys.js';
import { toErrorMessage } from '@gse/logging';

export interface RedisInstallationSemaphoreOptions {
  readonly redis: Redis;
  /** `store.key_prefix`. */
  readonly keyPrefix: string;
  /** `rate_limit.max_concurrent_requests_per_installation`: slots per installation, fleet-wide. */
  readonly maxConcurrent: number;
  /**
   * A slot whose holder stops renewing it (a killed process) comes free after this long.
   * Renewed every third of it while held; keep it above `github.request_timeout`. Default 30 s.
   */
  readonly leaseMs?: number;
  /** How often a waiting `acquire` asks again (jittered); default 25 ms. */
  readonly pollIntervalMs?: number;
  /** Where lease trouble is reported; a `@gse/logging` Logger fits. */
  readonly logger: SemaphoreLogger;
}

/** The part of a logger the semaphore uses. */
export interface SemaphoreLogger {
  warn(message: string, context: Readonly<Record<string, unknown>>): void;
}

/** A held slot. */
export interface RedisSemaphoreLease {
  /** Frees the slot and stops renewing it. Idempotent. */
  release(): Promise<void>;
}

/**
 * A fleet-wide counting semaphore per installation: the `InstallationSemaphore` port of
 * `@gse/github` (same shape; the service joins them).
 */
export interface RedisInstallationSemaphore {
  /** Resolves once a slot is held; rejects with `signal.reason` when `signal` aborts first. */
  acquire(installationId: number, signal: AbortSignal): Promise<RedisSemaphoreLease>;
  /** A slot if one is free right now, else `undefined`: for callers that must not wait. */
  tryAcquire(installationId: number): Promise<RedisSemaphoreLease | undefined>;
}

// Leases are members of a ZSET scored by their expiry on Redis's own clock, so processes with
// skewed clocks agree. Expired leases are dropped before counting: that is how a slot held by
// a dead process comes back. The key lives as long as its longest lease, so an installation
// nobody scrapes any more leaves nothing behind. KEYS[1] = the ZSET; ARGV = lease id, max
// slots, lease ms.
const ACQUIRE_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[3]) then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
`;

// Extends a lease that is still there; 0 when it expired and was dropped (then the slot may
// already belong to another process, and taking it back would exceed the cap).
const RENEW_SCRIPT = `
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[2]), ARGV[1])
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
`;

const DEFAULT_LEASE_MS = 30_000;
const DEFAULT_POLL_INTERVAL_MS = 25;

/** The installation semaphore on Redis (atomic Lua, leases that expire unless renewed). */
export function createRedisInstallationSemaphore(
  options: RedisInstallationSemaphoreOptions,
): RedisInstallationSemaphore {
  const { redis, logger } = options;
  const keys = createStoreKeys(options.keyPrefix);
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const pollIntervalMs = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  if (!Number.isInteger(options.maxConcurrent) || options.maxConcurrent < 1) {
    throw new RangeError(`maxConcurrent must be an integer ≥ 1, got ${options.maxConcurrent}`);
  }
  // Waiters of this process, woken when this process frees a slot of their installation
  // instead of at their next poll.
  const localWaiters = new Map<number, Set<() => void>>();

  const wakeLocalWaiters = (installationId: number): void => {
    for (const wake of localWaiters.get(installationId) ?? []) wake();
  };

  function holdLease(installationId: number, key: string, leaseId: string): RedisSemaphoreLease {
    let released = false;
    const renew = async (): Promise<void> => {
      const kept = await redis.eval(RENEW_SCRIPT, 1, key, leaseId, leaseMs);
      if (kept === 0 && !released) {
        clearInterval(timer);
        logger.warn('installation semaphore lease expired while held', { installationId, leaseMs });
      }
    };
    const timer = setInterval(() => {
      renew().catch((error: unknown) => {
        // The next renewal tries again; the lease outlives two missed renewals.
        logger.warn('installation semaphore lease renewal failed', {
          installationId,
          error: toErrorMessage(error),
        });
      });
    }, leaseMs / 3);
    return {
      async release() {
        if (released) return;
        released = true;
        clearInterval(timer);
        await redis.zrem(key, leaseId);
        wakeLocalWaiters(installationId);
      },
    };
  }

  function waitForTurn(installationId: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiters = localWaiters.get(installationId) ?? new Set<() => void>();
      localWaiters.set(installationId, waiters);
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        waiters.delete(wake);
        if (waiters.size === 0) localWaiters.delete(installationId);
      };
      const wake = (): void => {
        done();
        resolve();
      };
      const onAbort = (): void => {
        done();
        reject(signal.reason as Error);
      };
      // Jitter keeps processes that wait on one installation from polling in lockstep.
      const timer = setTimeout(wake, pollIntervalMs * (0.5 + Math.random()));
      waiters.add(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  async function tryAcquire(installationId: number): Promise<RedisSemaphoreLease | undefined> {
    const key = keys.installationSemaphore(installationId);
    const leaseId = randomUUID();
    const acquired = await redis.eval(
      ACQUIRE_SCRIPT,
      1,
      key,
      leaseId,
      options.maxConcurrent,
      leaseMs,
    );
    return acquired === 1 ? holdLease(installationId, key, leaseId) : undefined;
  }

  return {
    async acquire(installationId, signal) {
      for (;;) {
        signal.throwIfAborted();
        const lease = await tryAcquire(installationId);
        if (lease) return lease;
        await waitForTurn(installationId, signal);
      }
    },
    tryAcquire,
  };
}
