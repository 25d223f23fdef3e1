import type { Redis } from 'ioredis';

import { createStoreKeys, type RepoRef } from './store-keys.js';

/**
 * How far each resource of a repo has been read completely. A checkpoint moves only after
 * its resource was read without error, so a failed read is re-covered by the next scrape.
 */
export interface RepoCheckpoints {
  /** When the default branch's commits were last read completely (history reached). */
  readonly commitsSyncedAtMs?: number;
  /** `updated_at` of the most recently updated PR when PRs and reviews were last read completely. */
  readonly pullsUpdatedAtMs?: number;
  /** `updated_at` of the most recently updated comment when comments were last read completely. */
  readonly commentsUpdatedAtMs?: number;
  /** When `/stats/contributors` (or the LOC fallback) last answered completely. */
  readonly locRefreshedAtMs?: number;
  /** Consecutive stats refreshes that reported zero lines despite commits (10,000+ commits). */
  readonly locZeroLineRefreshes?: number;
  /** Until when the repo takes its LOC from per-commit details instead of the stats. */
  readonly locFallbackUntilMs?: number;
}

const CHECKPOINT_FIELDS = [
  'commitsSyncedAtMs',
  'pullsUpdatedAtMs',
  'commentsUpdatedAtMs',
  'locRefreshedAtMs',
  'locZeroLineRefreshes',
  'locFallbackUntilMs',
] as const satisfies readonly (keyof RepoCheckpoints)[];

export interface RepoCheckpointStore {
  read(ref: RepoRef): Promise<RepoCheckpoints>;
  /** Sets the given checkpoints; the others keep their values. */
  write(ref: RepoRef, checkpoints: RepoCheckpoints): Promise<void>;
}

/** Checkpoints live in the repo's state hash, beside the scrape time the series use. */
export function createRepoCheckpointStore(options: {
  readonly redis: Redis;
  readonly keyPrefix: string;
}): RepoCheckpointStore {
  const keys = createStoreKeys(options.keyPrefix);
  return {
    read: async (ref) => {
      const values = await options.redis.hmget(keys.repoState(ref), ...CHECKPOINT_FIELDS);
      const checkpoints: Record<string, number> = {};
      CHECKPOINT_FIELDS.forEach((field, index) => {
        const value = Number(values[index] ?? Number.NaN);
        if (Number.isFinite(value)) checkpoints[field] = value;
      });
      return checkpoints;
    },
    write: async (ref, checkpoints) => {
      const fields = CHECKPOINT_FIELDS.flatMap((field) => {
        const value = checkpoints[field];
        return value === undefined ? [] : [field, String(value)];
      });
      if (fields.length > 0) await options.redis.hset(keys.repoState(ref), ...fields);
    },
  };
}
