import type { Redis } from 'ioredis';

import { removeRepo } from './remove-repo.js';
import { createStoreKeys, parseRepoId } from './store-keys.js';
import { FORGET_LOGINS_SCRIPT } from './user-logins.js';

export interface RetentionGcOptions {
  readonly redis: Redis;
  /** `store.key_prefix`. */
  readonly keyPrefix: string;
  /** `store.retention`: a repo whose last complete scrape is older than this is removed. */
  readonly retentionMs: number;
  /** Repos read from the index per round trip. Default 100. */
  readonly batchSize?: number;
}

export interface RetentionGcResult {
  /** `org/repo` of every repo removed, in index order. */
  readonly repos: readonly string[];
  /** Series removed with them (the fleet's series count went down by this much). */
  readonly seriesRemoved: number;
  /** User ids whose login nobody saw within retention, forgotten (`users:logins`). */
  readonly loginsForgotten: number;
}

/**
 * Removes repos nobody scraped within retention (archived, deleted or no longer allowed), and
 * the logins of user ids nobody saw within retention.
 */
export interface RetentionGc {
  collect(nowMs: number): Promise<RetentionGcResult>;
}

/**
 * Retention GC over the repo index (`repoIndex`, scored by each repo's last complete scrape)
 * and the ledger index (`repoLedgers`, by each repo's last write): a repo past
 * `store.retention` loses its series, ledger, LOC and scrape state, and the fleet's series
 * count drops by its series. The ledger index covers the repos the series index does not
 * hold: quiet ones without series, ones never scraped completely, and ones a backfill wrote
 * again after GC removed them. Run by the scheduler's leader every `store.gc_interval`; safe
 * to run anywhere, any number of times.
 */
export function createRetentionGc(options: RetentionGcOptions): RetentionGc {
  const { redis } = options;
  const keys = createStoreKeys(options.keyPrefix);
  const batchSize = options.batchSize ?? 100;
  // An id seen before the cutoff has no event within retention in any ledger: every event was
  // recorded with a sighting of its id at or after the event (user-logins.ts).
  async function forgetLogins(cutoffMs: number): Promise<number> {
    let forgotten = 0;
    for (;;) {
      const ids = await redis.zrangebyscore(
        keys.userLoginSeenAt,
        '-inf',
        `(${cutoffMs}`,
        'LIMIT',
        0,
        batchSize,
      );
      if (ids.length === 0) return forgotten;
      forgotten += Number(
        await redis.eval(
          FORGET_LOGINS_SCRIPT,
          4,
          keys.userLogins,
          keys.userLoginSeenAt,
          keys.loginHolders,
          keys.userLoginKnownAt,
          cutoffMs,
          ...ids,
        ),
      );
      if (ids.length < batchSize) return forgotten;
    }
  }

  return {
    async collect(nowMs) {
      const cutoffMs = nowMs - options.retentionMs;
      const removed: string[] = [];
      let seriesRemoved = 0;
      for (const index of [keys.repoIndex, keys.repoLedgers]) {
        for (;;) {
          // Removed repos leave both indexes, and kept ones are dated past the cutoff, so the
          // next batch starts at offset 0 again.
          const batch = await redis.zrangebyscore(
            index,
            '-inf',
            `(${cutoffMs}`,
            'LIMIT',
            0,
            batchSize,
          );
          if (batch.length === 0) break;
          for (const repoId of batch) {
            const series = await removeRepo(redis, keys, parseRepoId(repoId), { cutoffMs });
            if (series === undefined) continue;
            removed.push(repoId);
            seriesRemoved += series;
          }
          if (batch.length < batchSize) break;
        }
      }
      return { repos: removed, seriesRemoved, loginsForgotten: await forgetLogins(cutoffMs) };
    },
  };
}
