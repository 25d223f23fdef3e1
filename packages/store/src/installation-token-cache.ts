import type { Redis } from 'ioredis';

import { createStoreKeys } from './store-keys.js';

/** An installation access token as GitHub issued it; times are epoch ms. */
export interface SharedInstallationToken {
  readonly token: string;
  readonly expiresAtMs: number;
  readonly issuedAtMs: number;
}

export interface RedisInstallationTokenCacheOptions {
  readonly redis: Redis;
  /** `store.key_prefix`. */
  readonly keyPrefix: string;
}

/**
 * One installation token for the whole fleet: the `InstallationTokenCache` port of
 * `@gse/github`. GitHub's ETags only match for the token that fetched them, so processes
 * that each minted their own token would miss on every ETag another process stored.
 * The token is a secret: Redis holds it only until it expires, and it is never logged.
 */
export interface RedisInstallationTokenCache {
  get(installationId: number): Promise<SharedInstallationToken | undefined>;
  set(installationId: number, token: SharedInstallationToken): Promise<void>;
  /** Deletes the stored token only if it is still `token` (another process may have renewed it). */
  delete(installationId: number, token: string): Promise<void>;
}

// Compare-and-delete in one step, so a process discarding a refused token never deletes
// the fresh one another process stored meanwhile.
const DELETE_IF_TOKEN_SCRIPT = `
local stored = redis.call('GET', KEYS[1])
if stored and cjson.decode(stored).token == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

/** Thrown when the stored value is not a token this module wrote. */
export class StoredTokenError extends Error {
  constructor(
    readonly key: string,
    options?: ErrorOptions,
  ) {
    super(`${key} does not hold an installation token`, options);
    this.name = 'StoredTokenError';
  }
}

/** The shared installation-token cache on Redis: a JSON string that expires with the token. */
export function createRedisInstallationTokenCache(
  options: RedisInstallationTokenCacheOptions,
): RedisInstallationTokenCache {
  const { redis } = options;
  const keys = createStoreKeys(options.keyPrefix);
  return {
    async get(installationId) {
      const key = keys.installationToken(installationId);
      const stored = await redis.get(key);
      return stored === null ? undefined : decodeToken(key, stored);
    },
    async set(installationId, token) {
      const value = JSON.stringify({
        token: token.token,
        expiresAtMs: token.expiresAtMs,
        issuedAtMs: token.issuedAtMs,
      });
      // An expired token is of no use to anyone: write nothing rather than a dead key.
      if (token.expiresAtMs <= Date.now()) return;
      await redis.set(keys.installationToken(installationId), value, 'PXAT', token.expiresAtMs);
    },
    async delete(installationId, token) {
      await redis.eval(DELETE_IF_TOKEN_SCRIPT, 1, keys.installationToken(installationId), token);
    },
  };
}

function decodeToken(key: string, stored: string): SharedInstallationToken {
  let value: unknown;
  try {
    value = JSON.parse(stored);
  } catch (cause) {
    throw new StoredTokenError(key, { cause });
  }
  if (
    typeof value === 'object' &&
    value !== null &&
    'token' in value &&
    'expiresAtMs' in value &&
    'issuedAtMs' in value &&
    typeof value.token === 'string' &&
    typeof value.expiresAtMs === 'number' &&
    typeof value.issuedAtMs === 'number'
  ) {
    return { token: value.token, expiresAtMs: value.expiresAtMs, issuedAtMs: value.issuedAtMs };
  }
  throw new StoredTokenError(key);
}
