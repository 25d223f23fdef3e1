import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';

/** A Redis connection whose test owns every key under `keyPrefix`. */
export interface RedisFixture {
  readonly redis: Redis;
  /** Unique per fixture, e.g. `test-3f2a…`; pass it as the key prefix of the code under test. */
  readonly keyPrefix: string;
  /** Deletes every key under the prefix and closes the connection. */
  cleanup(): Promise<void>;
}

/** The machine's shared Redis that tests use (`npm test` starts one there if none answers). */
export const TEST_REDIS_URL = 'redis://127.0.0.1:6379';

/** Connects to the machine's Redis (127.0.0.1:6379) and hands out a fresh key prefix. */
export async function createRedisFixture(url = TEST_REDIS_URL): Promise<RedisFixture> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const keyPrefix = `test-${randomUUID()}`;
  return {
    redis,
    keyPrefix,
    cleanup: async () => {
      await deleteKeysWithPrefix(redis, keyPrefix);
      await redis.quit();
    },
  };
}

/** Deletes every key starting with `prefix` (SCAN, so it is safe on a shared Redis). */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Deletes every key under `prefix` on the machine's Redis, for tests that used it from another process. */
export async function removeRedisKeys(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    await deleteKeysWithPrefix(redis, prefix);
  } finally {
    await redis.quit();
  }
}
