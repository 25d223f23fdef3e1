import type { Redis } from 'ioredis';

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

// Removes one repo if it is still past the cutoff, atomically with the series count: a scrape
// that refreshed it since the index was read keeps it, and a refresh racing this one sees its
// WATCHed keys change and recomputes. A repo with series goes by its last complete scrape
// (the series index); one without by its last ledger write (the ledger index). A repo with
// fresh series keeps its ledger date in step, so the ledger pass does not see it again.
// KEYS: 1 index, 2 series count, 3 ledger index, 4 series, 5.. the rest of the repo's keys.
// ARGV: repo id, cutoff ms. Returns the series removed, or -1 when kept.
const REMOVE_REPO_SCRIPT = `
local cutoff = tonumber(ARGV[2])
local scraped = redis.call('ZSCORE', KEYS[1], ARGV[1])
if scraped and tonumber(scraped) >= cutoff then
  redis.call('ZADD', KEYS[3], 'GT', scraped, ARGV[1])
  return -1
end
local written = redis.call('ZSCORE', KEYS[3], ARGV[1])
if not scraped and (not written or tonumber(written) >= cutoff) then return -1 end
local series = redis.call('HLEN', KEYS[4])
for i = 4, #KEYS do redis.call('DEL', KEYS[i]) end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
local count = tonumber(redis.call('GET', KEYS[2]) or '0') - series
if count < 0 then count = 0 end
redis.call('SET', KEYS[2], count)
return series
`;

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
  async function removeRepo(repoId: string, cutoffMs: number): Promise<number> {
    const repoKeys = keys.repoKeys(parseRepoId(repoId));
    return Number(
      await redis.eval(
        REMOVE_REPO_SCRIPT,
        3 + repoKeys.length,
        keys.repoIndex,
        keys.seriesCount,
        keys.repoLedgers,
        ...repoKeys,
        repoId,
        cutoffMs,
      ),
    );
  }

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
          3,
          keys.userLogins,
          keys.userLoginSeenAt,
          keys.loginHolders,
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
            const series = await removeRepo(repoId, cutoffMs);
            if (series < 0) continue;
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
