import { createRedisFixture, type RedisFixture } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  createRedisInstallationTokenCache,
  createStoreKeys,
  StoredTokenError,
} from '../src/index.js';

describe('Redis installation token cache', () => {
  let fixture: RedisFixture;
  const token = (value: string, lifetimeMs = 3_600_000) => ({
    token: value,
    issuedAtMs: Date.now(),
    expiresAtMs: Date.now() + lifetimeMs,
  });

  beforeEach(async () => {
    fixture = await createRedisFixture();
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  it('shares a token until it expires', async () => {
    const cache = createRedisInstallationTokenCache({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
    });
    expect(await cache.get(1001)).toBeUndefined();
    const stored = token('ghs_one', 60_000);
    await cache.set(1001, stored);
    expect(await cache.get(1001)).toEqual(stored);
    expect(await cache.get(1002)).toBeUndefined();
    const ttlMs = await fixture.redis.pttl(
      createStoreKeys(fixture.keyPrefix).installationToken(1001),
    );
    expect(ttlMs).toBeGreaterThan(55_000);
    expect(ttlMs).toBeLessThanOrEqual(60_000);
  });

  it('writes nothing for a token that already expired', async () => {
    const cache = createRedisInstallationTokenCache({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
    });
    await cache.set(1001, token('ghs_old', -1));
    expect(await cache.get(1001)).toBeUndefined();
  });

  it('deletes a refused token, but not the fresh one another process stored meanwhile', async () => {
    const cache = createRedisInstallationTokenCache({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
    });
    await cache.set(1001, token('ghs_fresh'));
    await cache.delete(1001, 'ghs_refused');
    expect((await cache.get(1001))?.token).toBe('ghs_fresh');
    await cache.delete(1001, 'ghs_fresh');
    expect(await cache.get(1001)).toBeUndefined();
  });

  it('reports a value it did not write instead of using it', async () => {
    const cache = createRedisInstallationTokenCache({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
    });
    const key = createStoreKeys(fixture.keyPrefix).installationToken(1001);
    await fixture.redis.set(key, '{"token": 7}');
    await expect(cache.get(1001)).rejects.toThrow(new StoredTokenError(key));
    await fixture.redis.set(key, 'ghs_plain');
    await expect(cache.get(1001)).rejects.toThrow(`${key} does not hold an installation token`);
  });
});
