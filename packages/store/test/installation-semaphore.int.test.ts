import { setMaxListeners } from 'node:events';

import { createRedisFixture, waitFor, type RedisFixture } from '@gse/testing';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  createRedisInstallationSemaphore,
  createStoreKeys,
  type RedisInstallationSemaphoreOptions,
} from '../src/index.js';

describe('Redis installation semaphore', () => {
  let fixture: RedisFixture;
  let otherProcess: Redis;
  const warnings: { message: string; context: Readonly<Record<string, unknown>> }[] = [];
  const logger = {
    warn: (message: string, context: Readonly<Record<string, unknown>>) =>
      warnings.push({ message, context }),
  };
  // Never aborts; shared by many waiters, as a service's shutdown signal is.
  const never = new AbortController().signal;
  setMaxListeners(0, never);

  const semaphoreOn = (redis: Redis, options: Partial<RedisInstallationSemaphoreOptions> = {}) =>
    createRedisInstallationSemaphore({
      redis,
      keyPrefix: fixture.keyPrefix,
      maxConcurrent: 2,
      logger,
      ...options,
    });
  const holders = () =>
    fixture.redis.zcard(createStoreKeys(fixture.keyPrefix).installationSemaphore(1001));
  const redisNowMs = async (): Promise<number> => {
    const [seconds, micros] = await fixture.redis.time();
    return Number(seconds) * 1000 + Math.floor(Number(micros) / 1000);
  };

  beforeEach(async () => {
    fixture = await createRedisFixture();
    otherProcess = fixture.redis.duplicate();
    warnings.length = 0;
  });
  afterEach(async () => {
    await otherProcess.quit();
    await fixture.cleanup();
  });

  it('hands out at most maxConcurrent slots across processes, and the next on release', async () => {
    const first = semaphoreOn(fixture.redis);
    const second = semaphoreOn(otherProcess);
    const leaseA = await first.acquire(1001, never);
    const leaseB = await second.acquire(1001, never);
    let third: 'waiting' | 'acquired' = 'waiting';
    const pending = first.acquire(1001, never).then((lease) => {
      third = 'acquired';
      return lease;
    });
    // Another installation has slots of its own.
    await (await second.acquire(1002, never)).release();
    expect(await holders()).toBe(2);
    expect(third).toBe('waiting');
    await leaseB.release();
    const leaseC = await pending;
    expect(await holders()).toBe(2);
    await Promise.all([leaseA.release(), leaseC.release(), leaseC.release()]);
    expect(await holders()).toBe(0);
  });

  it('tryAcquire takes a free slot at once and answers undefined, without waiting, when none is', async () => {
    const first = semaphoreOn(fixture.redis, { maxConcurrent: 1 });
    const second = semaphoreOn(otherProcess, { maxConcurrent: 1 });
    const lease = await first.tryAcquire(1001);
    expect(lease).toBeDefined();
    expect(await second.tryAcquire(1001)).toBeUndefined();
    expect(await holders()).toBe(1);
    await lease?.release();
    const next = await second.tryAcquire(1001);
    expect(next).toBeDefined();
    await next?.release();
    expect(await holders()).toBe(0);
  });

  it('never lets more than maxConcurrent requests of two processes run at once', async () => {
    const semaphores = [
      semaphoreOn(fixture.redis, { maxConcurrent: 3 }),
      semaphoreOn(otherProcess, { maxConcurrent: 3 }),
    ];
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 16 }, async (_, index) => {
        const semaphore = semaphores[index % 2];
        if (!semaphore) throw new Error('two semaphores');
        const lease = await semaphore.acquire(1001, never);
        running += 1;
        peak = Math.max(peak, running);
        // A request's duration: long enough for the others to pile up behind the cap.
        await new Promise((resolve) => setTimeout(resolve, 10));
        running -= 1;
        await lease.release();
      }),
    );
    expect(peak).toBe(3);
    expect(await holders()).toBe(0);
  });

  it('frees the slot of a process that died holding it once its lease expires', async () => {
    const key = createStoreKeys(fixture.keyPrefix).installationSemaphore(1001);
    // What a killed process leaves behind: a lease nobody renews.
    const deadUntilMs = (await redisNowMs()) + 150;
    await fixture.redis.zadd(key, deadUntilMs, 'dead-process-lease');
    const lease = await semaphoreOn(fixture.redis, { maxConcurrent: 1 }).acquire(1001, never);
    expect(await redisNowMs()).toBeGreaterThanOrEqual(deadUntilMs);
    expect(await fixture.redis.zscore(key, 'dead-process-lease')).toBeNull();
    expect(await holders()).toBe(1);
    await lease.release();
  });

  it('renews a held lease so it outlives leaseMs', async () => {
    const key = createStoreKeys(fixture.keyPrefix).installationSemaphore(1001);
    const lease = await semaphoreOn(fixture.redis, { maxConcurrent: 1, leaseMs: 150 }).acquire(
      1001,
      never,
    );
    const [leaseId, firstExpiry] = await fixture.redis.zrange(key, '0', '-1', 'WITHSCORES');
    let contender: 'waiting' | 'acquired' = 'waiting';
    const pending = semaphoreOn(otherProcess, { maxConcurrent: 1 })
      .acquire(1001, never)
      .then((other) => {
        contender = 'acquired';
        return other;
      });
    await waitFor(async () => (await redisNowMs()) > Number(firstExpiry) + 150, {
      timeoutMs: 5000,
      description: 'the first lease expiry to pass',
    });
    expect(Number(await fixture.redis.zscore(key, leaseId ?? ''))).toBeGreaterThan(
      Number(firstExpiry),
    );
    expect(contender).toBe('waiting');
    await lease.release();
    await (await pending).release();
    expect(warnings).toEqual([]);
  });

  it('stops waiting when the signal aborts and leaves no lease behind', async () => {
    const semaphore = semaphoreOn(fixture.redis, { maxConcurrent: 1 });
    const held = await semaphore.acquire(1001, never);
    const shutdown = new AbortController();
    const waiting = semaphore.acquire(1001, shutdown.signal);
    const reason = new Error('SIGTERM');
    shutdown.abort(reason);
    await expect(waiting).rejects.toBe(reason);
    expect(await holders()).toBe(1);
    await held.release();
    expect(await holders()).toBe(0);
  });

  it('rejects at once with a signal already aborted', async () => {
    const shutdown = new AbortController();
    const reason = new Error('SIGTERM');
    shutdown.abort(reason);
    await expect(semaphoreOn(fixture.redis).acquire(1001, shutdown.signal)).rejects.toBe(reason);
    expect(await holders()).toBe(0);
  });
});
