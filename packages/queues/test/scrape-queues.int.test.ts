import { createRedisFixture, deleteKeysWithPrefix, waitFor, type RedisFixture } from '@gse/testing';
import type { Job } from 'bullmq';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  createScrapeQueues,
  createScrapeWorker,
  SCRAPE_QUEUES,
  type RepoScrapeJob,
  type ScrapeQueues,
} from '../src/index.js';

let fixture: RedisFixture;
let queues: ScrapeQueues;

beforeEach(async () => {
  fixture = await createRedisFixture();
  queues = createScrapeQueues({
    connection: fixture.redis,
    prefix: fixture.keyPrefix,
    jobAttempts: 2,
    keepCompletedMs: 60_000,
    keepFailedMs: 60_000,
    retryBackoffMs: 10,
  });
});

afterEach(async () => {
  await queues.close();
  await deleteKeysWithPrefix(fixture.redis, fixture.keyPrefix);
  await fixture.cleanup();
});

const repoJob = (repo: string): RepoScrapeJob => ({
  org: 'acme',
  repo,
  slotStartMs: 120_000,
  intervalMs: 60_000,
});

describe('scrape queues', () => {
  it('collapse an org cycle added twice, also once it finished, and a later slot into a pending one', async () => {
    const job = { org: 'acme', slotStartMs: 120_000, intervalMs: 60_000, fencingToken: 1 };
    expect(await queues.addOrgJob(job)).toBe('added');
    expect(await queues.addOrgJob({ ...job, fencingToken: 2 })).toBe('duplicate');
    expect(await queues.addOrgJob({ ...job, slotStartMs: 180_000 })).toBe('collapsed');
    expect(await queues.addOrgJob({ ...job, org: 'globex', slotStartMs: 180_000 })).toBe('added');

    const processed: string[] = [];
    const connection = fixture.redis.duplicate({ maxRetriesPerRequest: null });
    const worker = createScrapeWorker(
      SCRAPE_QUEUES.orgs,
      (done: Job) => {
        processed.push(done.id ?? '');
        return Promise.resolve();
      },
      {
        connection,
        prefix: fixture.keyPrefix,
        name: 'test',
        concurrency: 1,
        stalledIntervalMs: 1000,
        maxStalledCount: 1,
        lockDurationMs: 1000,
      },
    );
    try {
      await waitFor(() => processed.length === 2, { timeoutMs: 5000 });
      expect(await queues.addOrgJob(job)).toBe('duplicate');
      // The pending cycle finished: the org's next slot is queued again.
      expect(await queues.addOrgJob({ ...job, slotStartMs: 240_000 })).toBe('added');
      await waitFor(() => processed.length === 3, { timeoutMs: 5000 });
      expect(processed.sort()).toEqual(['org/acme/120000', 'org/acme/240000', 'org/globex/180000']);
      expect((await queues.orgs.getJob('org/acme/120000'))?.data.fencingToken).toBe(1);
    } finally {
      await worker.close();
      await connection.quit();
    }
  });

  it('collapse repo jobs fanned out twice and report depths with the oldest waiting age', async () => {
    expect(await queues.addRepoJobs([repoJob('api'), repoJob('web')])).toEqual({ collapsed: [] });
    const firstAddedAt = Date.now();
    expect(await queues.addRepoJobs([repoJob('web'), repoJob('docs')])).toEqual({
      collapsed: [],
    });
    const depths = await queues.readDepths(firstAddedAt + 5000);
    const oldest = (await queues.repos.getJob('repo/acme/api/120000'))?.timestamp ?? 0;
    expect(depths).toEqual([
      {
        queue: 'org-scrapes',
        waiting: 0,
        active: 0,
        delayed: 0,
        failed: 0,
        oldestWaitingAgeMs: 0,
      },
      {
        queue: 'repo-scrapes',
        waiting: 3,
        active: 0,
        delayed: 0,
        failed: 0,
        oldestWaitingAgeMs: firstAddedAt + 5000 - oldest,
      },
    ]);
  });

  it('keep at most one pending job per repo: later cycles collapse into it while it waits or runs', async () => {
    const atSlot = (repo: string, slotStartMs: number): RepoScrapeJob => ({
      ...repoJob(repo),
      slotStartMs,
    });
    await queues.addRepoJobs([atSlot('api', 120_000)]);
    // Waiting: the next cycle's api collapses into it; web is new.
    expect(await queues.addRepoJobs([atSlot('api', 180_000), atSlot('web', 180_000)])).toEqual({
      collapsed: [atSlot('api', 180_000)],
    });

    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    const started: string[] = [];
    const connection = fixture.redis.duplicate({ maxRetriesPerRequest: null });
    const worker = createScrapeWorker(
      SCRAPE_QUEUES.repos,
      async (job: Job) => {
        started.push(job.id ?? '');
        await released;
      },
      {
        connection,
        prefix: fixture.keyPrefix,
        name: 'scrape-queues-test',
        concurrency: 2,
        stalledIntervalMs: 5000,
        maxStalledCount: 1,
        lockDurationMs: 5000,
      },
    );
    try {
      await waitFor(() => started.length === 2, { timeoutMs: 5000, description: 'both running' });
      // Running: a third cycle collapses too.
      expect(await queues.addRepoJobs([atSlot('api', 240_000)])).toEqual({
        collapsed: [atSlot('api', 240_000)],
      });
      expect(await queues.repos.getWaitingCount()).toBe(0);
      release();
      await waitFor(async () => (await queues.repos.getCompletedCount()) === 2, {
        timeoutMs: 5000,
        description: 'both finished',
      });
      expect(started.sort()).toEqual(['repo/acme/api/120000', 'repo/acme/web/180000']);
      // Finished: the next cycle adds the repo again.
      expect(await queues.addRepoJobs([atSlot('api', 300_000)])).toEqual({ collapsed: [] });
    } finally {
      release();
      await worker.close();
      await connection.quit();
    }
  });
});
