import type { Redis } from 'ioredis';

import { createStoreKeys } from './store-keys.js';

/**
 * The repos of each org whose history is still to be read by the backfill worker (their
 * first read covered only the last 24 h), by GitHub repo id: the source of
 * `gh_exporter_history_repos_pending{org}`, kept in Redis so any process can report it and
 * a restart forgets nothing. By id, so a rename keeps the repo's place. A repo joins and
 * leaves with its pending-history checkpoints (`RepoCheckpointStore.write`,
 * `completeHistory`) and its keys (`removeRepo`), in the same step as them.
 */
export interface HistoryPendingStore {
  /** Idempotent: the repo left the org, its keys maybe gone already. */
  remove(org: string, repoId: number): Promise<void>;
  /** How many repos of each org are pending, in the order asked. */
  count(orgs: readonly string[]): Promise<number[]>;
}

export function createHistoryPendingStore(options: {
  readonly redis: Redis;
  readonly keyPrefix: string;
}): HistoryPendingStore {
  const keys = createStoreKeys(options.keyPrefix);
  const { redis } = options;
  return {
    remove: async (org, repoId) => {
      await redis.srem(keys.orgHistoryPending(org), String(repoId));
    },
    count: (orgs) => Promise.all(orgs.map((org) => redis.scard(keys.orgHistoryPending(org)))),
  };
}
