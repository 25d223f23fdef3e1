import { createRedisFixture, type RedisFixture } from '@gse/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { createRedisEtagCache, createStoreKeys } from '../src/index.js';

const URL_A = 'https://api.github.com/repos/acme/web/commits?since=2026-11-27T13%3A00%3A00Z';
const URL_B = 'https://api.github.com/repos/acme/web/pulls?sort=updated';

describe('Redis ETag cache', () => {
  let fixture: RedisFixture;

  beforeEach(async () => {
    fixture = await createRedisFixture();
  });
  afterEach(async () => {
    await fixture.cleanup();
  });

  it('keeps one ETag per (installation, URL), the latest winning', async () => {
    const cache = createRedisEtagCache({ redis: fixture.redis, keyPrefix: fixture.keyPrefix });
    expect(await cache.get(1001, URL_A)).toBeUndefined();
    await cache.set(1001, URL_A, 'W/"a1"');
    await cache.set(1001, URL_B, 'W/"b1"');
    await cache.set(1002, URL_A, 'W/"other-installation"');
    await cache.set(1001, URL_A, 'W/"a2"');
    expect(await cache.get(1001, URL_A)).toBe('W/"a2"');
    expect(await cache.get(1001, URL_B)).toBe('W/"b1"');
    expect(await cache.get(1002, URL_A)).toBe('W/"other-installation"');
    expect(await cache.get(1002, URL_B)).toBeUndefined();
  });

  it('is shared by every process on the same Redis', async () => {
    const other = fixture.redis.duplicate();
    try {
      await createRedisEtagCache({ redis: fixture.redis, keyPrefix: fixture.keyPrefix }).set(
        1001,
        URL_A,
        'W/"a1"',
      );
      expect(
        await createRedisEtagCache({ redis: other, keyPrefix: fixture.keyPrefix }).get(1001, URL_A),
      ).toBe('W/"a1"');
    } finally {
      await other.quit();
    }
  });

  it('stores under the key builder’s digest key with the TTL', async () => {
    const cache = createRedisEtagCache({
      redis: fixture.redis,
      keyPrefix: fixture.keyPrefix,
      ttlMs: 60_000,
    });
    await cache.set(1001, URL_A, 'W/"a1"');
    const key = createStoreKeys(fixture.keyPrefix).installationEtag(1001, URL_A);
    expect(key).toMatch(new RegExp(`^${fixture.keyPrefix}:installation:1001:etag:[0-9a-f]{32}$`));
    expect(await fixture.redis.get(key)).toBe('W/"a1"');
    const ttlMs = await fixture.redis.pttl(key);
    expect(ttlMs).toBeGreaterThan(55_000);
    expect(ttlMs).toBeLessThanOrEqual(60_000);
  });

  it('refuses an installation id GitHub could not have issued', () => {
    const keys = createStoreKeys(fixture.keyPrefix);
    expect(() => keys.installationEtag(0, URL_A)).toThrow(
      'invalid installation id for a store key: 0',
    );
    expect(() => keys.installationSemaphore(1.5)).toThrow(
      'invalid installation id for a store key: 1.5',
    );
  });
});
