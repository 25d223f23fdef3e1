import {
  createOrgRepoListStore,
  createOrgRepoSync,
  createRepoCheckpointStore,
  createStoreKeys,
} from '@gse/store';
import { waitFor } from '@gse/testing';
import { describe, expect, test } from 'vitest';

import {
  ARCHIVAL_CLOCK_MARGIN_MS,
  discoverRepos,
  recomputeSeries,
  syncOrgRepos,
  type RepoDiscovery,
} from '../src/index.js';
import { createScrapeFixture, type ScrapeFixture } from './scrape-fixture.js';
import { reposOf, storedAndTruth } from './stored-and-truth.js';

/** Small repos keep cycles short (not `platform`'s 7,000 commits); web's new name too. */
const ALLOWLIST = ['docs', 'mobile', 'sandbox', 'web', 'web-app'];

/** A world scraped at Redis's clock, as the fleet scrapes. */
const worldTest = test.extend<{ world: ScrapeFixture }>({
  // eslint-disable-next-line no-empty-pattern -- vitest reads the fixtures a test uses from this pattern
  world: async ({}, use) => {
    const world = await createScrapeFixture({ redisClock: true });
    try {
      await use(world);
    } finally {
      await world.close();
    }
  },
});

/**
 * One org cycle as the scraper worker runs it: discovery, the store following it
 * (`syncOrgRepos`), then a scrape of every repo discovery hands out and of every archived
 * one due its last read, then the others' series recomputed.
 */
async function runCycle(
  world: ScrapeFixture,
  allowlist: readonly string[] = ALLOWLIST,
): Promise<RepoDiscovery & { readonly lastReads: readonly string[] }> {
  const ports = { redis: world.redis.redis, keyPrefix: world.redis.keyPrefix };
  const discovery = await discoverRepos({
    client: world.client('acme'),
    org: 'acme',
    allowlist,
    lists: createOrgRepoListStore(ports),
  });
  const synced = await syncOrgRepos(
    {
      repos: createOrgRepoSync(ports),
      store: world.store,
      checkpoints: createRepoCheckpointStore(ports),
    },
    'acme',
    discovery,
  );
  // By id, as repo jobs scrape (their ETags follow the id); discovery admitted each one.
  for (const name of [...discovery.scrape, ...synced.lastReads]) {
    const id = discovery.admitted.find((repo) => repo.name === name)?.id;
    await world.scrape('acme', id === undefined ? name : { name, id });
  }
  await recomputeSeries(world.store, 'acme', synced.toRecompute);
  return { ...discovery, lastReads: synced.lastReads };
}

describe('syncOrgRepos: the store follows GitHub repo changes within one cycle', () => {
  worldTest(
    'a renamed repo keeps its history under the new name, with no re-read',
    async ({ world }) => {
      await runCycle(world);
      await runCycle(world);
      // What a cycle without any change costs: the baseline the rename is held to.
      world.simulator.resetCounters();
      await runCycle(world);
      const quietCycle = world.simulator.counters().total;

      world.simulator.renameRepo({ org: 'acme', repo: 'web' }, 'web-app');
      world.simulator.resetCounters();
      await runCycle(world);
      const { stored, truth } = await storedAndTruth(world, ALLOWLIST);
      expect(stored).toEqual(truth);
      expect(reposOf(stored)).toContain('web-app');
      expect(reposOf(stored)).not.toContain('web');
      // A 30-day re-read would list every PR of the month and their reviews again: the
      // cycle makes as many requests as a quiet one. Counted ones: the repo list changed
      // (1), and the renamed repo's three conditional reads (commits, pulls, comments) send
      // the ETags stored under its id but miss once: their bodies name the repo in every
      // item's URLs, so the ETag changes with the name, as on GitHub
      // (docs/github-limitations.md#a-renamed-repos-lists-change-their-etag).
      const afterRename = world.simulator.counters().total;
      expect(afterRename.total).toBe(quietCycle.total);
      expect(afterRename.counted).toBe(quietCycle.counted + 1 + 3);
    },
  );

  worldTest(
    'a deleted repo, a repo transferred out and one dropped from repo_allowlist lose their series',
    async ({ world }) => {
      const first = await runCycle(world);
      expect(first.scrape).toEqual(['docs', 'mobile', 'sandbox', 'web']);
      const before = reposOf((await storedAndTruth(world, ALLOWLIST)).stored);
      expect(before).toEqual(['docs', 'mobile', 'sandbox', 'web']);

      world.simulator.deleteRepo({ org: 'acme', repo: 'web' });
      world.simulator.transferRepoOut({ org: 'acme', repo: 'mobile' });
      const allowlist = ALLOWLIST.filter((name) => name !== 'docs');
      const next = await runCycle(world, allowlist);
      expect(next.notAllowed).toContain('docs');
      const { stored, truth } = await storedAndTruth(world, allowlist);
      expect(reposOf(stored)).toEqual(['sandbox']);
      expect(stored).toEqual(truth);
      const keys = createStoreKeys(world.redis.keyPrefix);
      for (const repo of ['web', 'mobile', 'docs']) {
        for (const key of keys.repoKeys({ org: 'acme', repo })) {
          expect(await world.redis.redis.exists(key)).toBe(0);
        }
      }
    },
  );

  worldTest(
    'an archived repo is read once more if it changed since its last read, then only recomputed from its ledger',
    async ({ world }) => {
      await runCycle(world);
      const keys = createStoreKeys(world.redis.keyPrefix);
      const ref = { org: 'acme', repo: 'web' };
      const readCommitsCheckpoint = (): Promise<string | null> =>
        world.redis.redis.hget(keys.repoState(ref), 'commitsSyncedAtMs');
      // Activity between the last cycle and the archival: the last read must count it.
      world.simulator.addCommit(ref, { authorLogin: 'alice', message: 'last words' });
      const archivedAtMs = Date.now();
      world.simulator.archiveRepo(ref);
      const archiving = await runCycle(world);
      expect(archiving.archived).toContain('web');
      expect(archiving.scrape).not.toContain('web');
      expect(archiving.lastReads).toEqual(['web']);
      expect((await storedAndTruth(world, ALLOWLIST)).stored).toEqual(
        (await storedAndTruth(world, ALLOWLIST)).truth,
      );

      // A read less than the clock margin after the archival calls for one more (GitHub's
      // timestamps are whole seconds): cycles go on until one is past it.
      await waitFor(() => Date.now() > archivedAtMs + ARCHIVAL_CLOCK_MARGIN_MS + 1000, {
        timeoutMs: 10_000,
        description: 'the clock margin past the archival',
      });
      expect((await runCycle(world)).lastReads.length).toBeLessThanOrEqual(1);
      const checkpointBefore = await readCommitsCheckpoint();
      const scoreBefore = Number(await world.redis.redis.zscore(keys.repoIndex, 'acme/web'));
      const archived = await runCycle(world);
      expect(archived.lastReads).toEqual([]);
      const { stored, truth } = await storedAndTruth(world, ALLOWLIST);
      expect(stored).toEqual(truth);
      expect(reposOf(stored)).toContain('web');
      // Recomputed now (its window moved on) without a read: no collector ran, so no
      // checkpoint moved.
      expect(Number(await world.redis.redis.zscore(keys.repoIndex, 'acme/web'))).toBeGreaterThan(
        scoreBefore,
      );
      expect(await readCommitsCheckpoint()).toBe(checkpointBefore);
    },
  );
});
