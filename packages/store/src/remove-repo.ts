import type { Redis } from 'ioredis';

import { HISTORY_REPO_ID_FIELD } from './repo-checkpoints.js';
import { toRepoId, type RepoRef, type StoreKeys } from './store-keys.js';

// Removes one repo's keys and takes its series out of the fleet's count, in one step. With a
// cutoff (retention GC) only a repo still past it goes: a scrape that refreshed it since the
// index was read keeps it, and a refresh racing this one sees its WATCHed keys change and
// recomputes. A repo with series goes by its last complete scrape (the series index); one
// without by its last ledger write (the ledger index). A repo with fresh series keeps its
// ledger date in step, so GC's ledger pass does not see it again.
// A repo whose history was pending leaves its org's pending set by the GitHub id its state
// holds. KEYS: 1 series count, 2 series index, 3 ledger index, 4 the org's pending-history
// set, 5 the repo's state, 6 series, 7.. the rest of the repo's keys (state again).
// ARGV: 1 repo id, 2 cutoff ms or empty for none. Returns the series removed, or -1 when kept.
const REMOVE_REPO_SCRIPT = `
local cutoff = tonumber(ARGV[2])
if cutoff then
  local scraped = redis.call('ZSCORE', KEYS[2], ARGV[1])
  if scraped and tonumber(scraped) >= cutoff then
    redis.call('ZADD', KEYS[3], 'GT', scraped, ARGV[1])
    return -1
  end
  local written = redis.call('ZSCORE', KEYS[3], ARGV[1])
  if not scraped and (not written or tonumber(written) >= cutoff) then return -1 end
end
local pendingId = redis.call('HGET', KEYS[5], '${HISTORY_REPO_ID_FIELD}')
if pendingId then redis.call('SREM', KEYS[4], pendingId) end
local series = redis.call('HLEN', KEYS[6])
for i = 5, #KEYS do redis.call('DEL', KEYS[i]) end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZREM', KEYS[3], ARGV[1])
local count = tonumber(redis.call('GET', KEYS[1]) or '0') - series
if count < 0 then count = 0 end
redis.call('SET', KEYS[1], count)
return series
`;

/**
 * Removes the repo's series, ledger, LOC and scrape state, its places in both indexes and in
 * its org's pending-history set, and counts its series down from the fleet's series count, atomically. With `cutoffMs`, only if
 * neither its last complete scrape nor (without series) its last ledger write is at or after
 * it. Resolves to the series removed, or `undefined` when the repo was kept.
 */
export async function removeRepo(
  redis: Redis,
  keys: StoreKeys,
  ref: RepoRef,
  options: { readonly cutoffMs?: number } = {},
): Promise<number | undefined> {
  const repoKeys = keys.repoKeys(ref);
  const series = Number(
    await redis.eval(
      REMOVE_REPO_SCRIPT,
      5 + repoKeys.length,
      keys.seriesCount,
      keys.repoIndex,
      keys.repoLedgers,
      keys.orgHistoryPending(ref.org),
      keys.repoState(ref),
      ...repoKeys,
      toRepoId(ref),
      options.cutoffMs ?? '',
    ),
  );
  return series < 0 ? undefined : series;
}
