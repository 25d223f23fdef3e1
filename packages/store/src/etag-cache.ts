import type { Redis } from 'ioredis';

import { createStoreKeys } from './store-keys.js';

export interface RedisEtagCacheOptions {
  readonly redis: Redis;
  /** `store.key_prefix`. */
  readonly keyPrefix: string;
  /**
   * How long an ETag is kept after it was last stored. GitHub's ETags only match for the
   * token that got them, so one outliving a few token rotations is dead weight; default 24 h.
   */
  readonly ttlMs?: number;
}

/**
 * ETags by (installation, URL), shared by the fleet: the `EtagCache` port of `@gse/github`
 * (same shape; `store` may not import `github`, the service joins them).
 */
export interface RedisEtagCache {
  get(installationId: number, url: string): Promise<string | undefined>;
  set(installationId: number, url: string, etag: string): Promise<void>;
}

const DEFAULT_TTL_MS = 24 * 3_600_000;

/** The ETag cache on Redis: one string key per (installation, URL), with a TTL. */
export function createRedisEtagCache(options: RedisEtagCacheOptions): RedisEtagCache {
  const { redis } = options;
  const keys = createStoreKeys(options.keyPrefix);
  const ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  return {
    async get(installationId, url) {
      return (await redis.get(keys.installationEtag(installationId, url))) ?? undefined;
    },
    async set(installationId, url, etag) {
      await redis.set(keys.installationEtag(installationId, url), etag, 'PX', ttlMs);
    },
  };
}
