import { redisTest } from '@gse/testing/vitest';
import { describe, expect } from 'vitest';

import {
  createHistoryPendingStore,
  createOrgRepoSync,
  createRepoCheckpointStore,
  createStoreKeys,
} from '../src/index.js';
import { removeRepo } from '../src/remove-repo.js';

const WEEK_MS = 7 * 86_400_000;

describe("an org's pending-history set follows its repos' checkpoints", () => {
  redisTest(
    'a first read joins it, the last resource of its history leaves it, and no later write brings it back',
    async ({ redis: fixture }) => {
      const checkpoints = createRepoCheckpointStore(fixture);
      const pending = createHistoryPendingStore(fixture);
      const setKey = createStoreKeys(fixture.keyPrefix).orgHistoryPending('acme');
      const web = { org: 'acme', repo: 'web' };
      await checkpoints.write(
        web,
        { historyReadFromMs: 1000, historyPendingResources: ['commits', 'pulls'] },
        42,
      );
      expect(await fixture.redis.smembers(setKey)).toEqual(['42']);
      const ttlMs = await fixture.redis.pttl(setKey);
      expect(ttlMs > WEEK_MS - 60_000 && ttlMs <= WEEK_MS).toBe(true);

      expect(await checkpoints.completeHistory(web, ['commits'])).toBe(false);
      expect(await pending.count(['acme'])).toEqual([1]);
      expect(await checkpoints.completeHistory(web, ['pulls'])).toBe(true);
      expect(await pending.count(['acme'])).toEqual([0]);

      // A scheduled scrape that read the checkpoints while the history was pending writes
      // its own after the history came in: the repo stays out.
      await checkpoints.write(web, { commitsSyncedAtMs: 2000 }, 42);
      expect(await pending.count(['acme'])).toEqual([0]);
      expect(await checkpoints.completeHistory(web, ['commits'])).toBe(false);
      expect(await pending.count(['acme'])).toEqual([0]);
    },
  );

  redisTest('a repo removed while its history is pending leaves it', async ({ redis: fixture }) => {
    const checkpoints = createRepoCheckpointStore(fixture);
    const pending = createHistoryPendingStore(fixture);
    const keys = createStoreKeys(fixture.keyPrefix);
    const first = { historyReadFromMs: 1000, historyPendingResources: ['commits' as const] };
    await checkpoints.write({ org: 'acme', repo: 'web' }, first, 42);
    await checkpoints.write({ org: 'acme', repo: 'api' }, first, 43);
    expect(await pending.count(['acme'])).toEqual([2]);

    // Retention GC, or a repo that left the org.
    expect(await removeRepo(fixture.redis, keys, { org: 'acme', repo: 'web' })).toBe(0);
    expect(await fixture.redis.smembers(keys.orgHistoryPending('acme'))).toEqual(['43']);
    const sync = await createOrgRepoSync(fixture).sync('acme', [{ id: 44, name: 'docs' }]);
    expect(sync.removed).toEqual(['api']);
    expect(await pending.count(['acme'])).toEqual([0]);
  });

  redisTest(
    "the org's sync keeps it a week, like the org's repo names",
    async ({ redis: fixture }) => {
      const checkpoints = createRepoCheckpointStore(fixture);
      const keys = createStoreKeys(fixture.keyPrefix);
      const setKey = keys.orgHistoryPending('acme');
      await checkpoints.write(
        { org: 'acme', repo: 'web' },
        { historyReadFromMs: 1000, historyPendingResources: ['commits'] },
        42,
      );
      await fixture.redis.pexpire(setKey, 60_000);
      await createOrgRepoSync(fixture).sync('acme', [{ id: 42, name: 'web' }]);
      const ttlMs = await fixture.redis.pttl(setKey);
      expect(ttlMs > WEEK_MS - 60_000 && ttlMs <= WEEK_MS).toBe(true);
    },
  );
});
