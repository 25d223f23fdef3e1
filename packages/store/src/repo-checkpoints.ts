import {
  isScrapeResource,
  SCRAPE_CATALOG,
  SCRAPE_RESOURCES,
  type ScrapeResource,
} from '@gse/activity';
import type { Redis } from 'ioredis';

import { execOrThrow } from './redis-transaction.js';
import { createStoreKeys, toRepoId, type RepoRef } from './store-keys.js';

/** The checkpoint each resource of `SCRAPE_CATALOG` declares (`commitsSyncedAtMs`, …). */
type ResourceCheckpoint = (typeof SCRAPE_CATALOG)[ScrapeResource]['checkpoint'];

/**
 * How far each resource of a repo has been read completely. A checkpoint moves only after
 * its resource was read without error, so a failed read is re-covered by the next scrape.
 * One per resource of the scrape catalog (epoch ms: commits when last read completely;
 * pulls, comments: `updated_at` of the newest item then; LOC: when last refreshed), plus
 * what the pulls and LOC collectors keep beside theirs.
 */
export type RepoCheckpoints = {
  readonly [K in ResourceCheckpoint]?: number;
} & {
  /** PRs updated exactly at `pullsUpdatedAtMs` whose reviews were read then (no need to again). */
  readonly pullsReadAtCheckpoint?: readonly number[];
  /** Consecutive stats refreshes that reported zero lines despite commits (10,000+ commits). */
  readonly locZeroLineRefreshes?: number;
  /** Until when the repo takes its LOC from per-commit details instead of the stats. */
  readonly locFallbackUntilMs?: number;
  /**
   * When the LOC fallback's spent budget renews and the truncated week is read again (0:
   * the last refresh was complete). Until then the refresh is not due: no request each cycle.
   */
  readonly locRetryAtMs?: number;
  /**
   * When each comment list's ledger was last proven equal to GitHub's listing back to
   * retention (`github.comment_reconcile_interval`), and where the list's first page reached
   * at its last `200` (`created_at` from which it holds every comment; 0: the whole list), so
   * a `304` of that page can prove it again for free.
   */
  readonly commentsReconciledAtMs?: number;
  readonly commentsFirstPageFromMs?: number;
  readonly reviewCommentsReconciledAtMs?: number;
  readonly reviewCommentsFirstPageFromMs?: number;
  /**
   * Resources GitHub refuses for good (`github_rejected`: 403 for a missing App permission,
   * 404, …) as of the last scrape that tried them: a refusal is reported when it starts, not
   * every cycle it lasts.
   */
  readonly refusedResources?: readonly ScrapeResource[];
};

type NumericCheckpoint = Exclude<
  keyof RepoCheckpoints,
  'pullsReadAtCheckpoint' | 'refusedResources'
>;

const CHECKPOINT_FIELDS: readonly NumericCheckpoint[] = [
  ...SCRAPE_RESOURCES.map((resource): NumericCheckpoint => SCRAPE_CATALOG[resource].checkpoint),
  'locZeroLineRefreshes',
  'locFallbackUntilMs',
  'locRetryAtMs',
  'commentsReconciledAtMs',
  'commentsFirstPageFromMs',
  'reviewCommentsReconciledAtMs',
  'reviewCommentsFirstPageFromMs',
];
const PULLS_READ_FIELD = 'pullsReadAtCheckpoint';
const REFUSED_FIELD = 'refusedResources';

export interface RepoCheckpointStore {
  read(ref: RepoRef): Promise<RepoCheckpoints>;
  /** Sets the given checkpoints; the others keep their values. */
  write(ref: RepoRef, checkpoints: RepoCheckpoints): Promise<void>;
}

/** Checkpoints live in the repo's state hash, beside the scrape time the series use. */
export function createRepoCheckpointStore(options: {
  readonly redis: Redis;
  readonly keyPrefix: string;
  /** The clock of the ledger index retention GC reads (`Date.now`). */
  readonly now?: () => number;
}): RepoCheckpointStore {
  const keys = createStoreKeys(options.keyPrefix);
  const now = options.now ?? Date.now;
  return {
    read: async (ref) => {
      const values = await options.redis.hmget(
        keys.repoState(ref),
        ...CHECKPOINT_FIELDS,
        PULLS_READ_FIELD,
        REFUSED_FIELD,
      );
      const checkpoints: { -readonly [K in keyof RepoCheckpoints]: RepoCheckpoints[K] } = {};
      CHECKPOINT_FIELDS.forEach((field, index) => {
        const value = Number(values[index] ?? Number.NaN);
        if (Number.isFinite(value)) checkpoints[field] = value;
      });
      const pullsRead = values[CHECKPOINT_FIELDS.length];
      if (pullsRead !== null && pullsRead !== undefined) {
        checkpoints.pullsReadAtCheckpoint =
          pullsRead === '' ? [] : pullsRead.split(',').map(Number);
      }
      const refused = values[CHECKPOINT_FIELDS.length + 1];
      if (refused !== null && refused !== undefined) {
        // A resource this code does not know (a newer replica's) is left out.
        checkpoints.refusedResources = refused.split(',').filter(isScrapeResource);
      }
      return checkpoints;
    },
    write: async (ref, checkpoints) => {
      const fields = CHECKPOINT_FIELDS.flatMap((field) => {
        const value = checkpoints[field];
        return value === undefined ? [] : [field, String(value)];
      });
      if (checkpoints.pullsReadAtCheckpoint !== undefined) {
        fields.push(PULLS_READ_FIELD, checkpoints.pullsReadAtCheckpoint.join(','));
      }
      if (checkpoints.refusedResources !== undefined) {
        fields.push(REFUSED_FIELD, checkpoints.refusedResources.join(','));
      }
      if (fields.length === 0) return;
      // Dated in the ledger index with the write: retention GC finds the state of a repo
      // that never gets series too.
      await execOrThrow(
        options.redis
          .multi()
          .zadd(keys.repoLedgers, now(), toRepoId(ref))
          .hset(keys.repoState(ref), ...fields),
      );
    },
  };
}
