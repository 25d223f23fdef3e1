import { randomUUID } from 'node:crypto';

import { SCRAPE_QUEUES, type BackfillRequest, type ScrapeQueueName } from '@gse/queues';
import { waitFor } from '@gse/testing';
import { Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';

import { createFleetFixture, type FleetFixture } from './fleet-fixture.js';

const HOUR_MS = 3_600_000;

let fixture: FleetFixture | undefined;
let thief: { worker: Worker; connection: Redis } | undefined;
afterEach(async () => {
  await thief?.worker.close(true);
  thief?.connection.disconnect();
  thief = undefined;
  await fixture?.cleanup();
  fixture = undefined;
});

/**
 * A worker process that takes `queue`'s next job and then never renews its lock nor finishes
 * it, as a worker that blocks or dies past `bullmq.lock_duration` does.
 */
async function stealNextJob(fleet: FleetFixture, queue: ScrapeQueueName): Promise<Job> {
  const connection = fleet.redis.redis.duplicate({ maxRetriesPerRequest: null });
  const worker = new Worker(queue, null, {
    connection,
    prefix: `${fleet.redis.keyPrefix}-bull`,
    autorun: false,
    lockDuration: 500,
  });
  thief = { worker, connection };
  const job = (await worker.getNextJob(randomUUID())) as Job | undefined;
  if (!job) throw new Error(`no job waiting in ${queue}`);
  return job;
}

/** The first backfill requests published to RabbitMQ (through the producers' Redis outbox). */
async function awaitPublishedBackfills(fleet: FleetFixture): Promise<BackfillRequest[]> {
  const published: BackfillRequest[] = [];
  await waitFor(
    async () => {
      published.push(...(await fleet.drainBackfillRequests()));
      return published.length > 0;
    },
    { timeoutMs: 10_000, description: 'a window in the backfill queue' },
  );
  return published;
}

/** A fleet counter's value in Redis, as stored (a string), by its label values. */
function counterOf(fleet: FleetFixture, name: string, labels: readonly string[]) {
  return fleet.redis.redis.hget(fleet.keys.telemetryMetric(name), JSON.stringify(labels));
}

describe('a scrape job that stalls more than bullmq.max_stalled_count times', () => {
  // BullMQ fails such a job without running its handler: before the handling of that path,
  // the cycle never completed and no backfill was asked for its window.
  const config = {
    bullmq: { max_stalled_count: 0, lock_duration: '500ms', stalled_interval: '200ms' },
  };

  it('fails its org cycle, hands the cycle window to backfill and is counted', async () => {
    const fleet = (fixture = await createFleetFixture({ orgs: { acme: {} }, config }));
    const slotStartMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    await fleet.queues.addOrgJob({
      org: 'acme',
      slotStartMs,
      intervalMs: HOUR_MS,
      fencingToken: 1,
    });
    await stealNextJob(fleet, SCRAPE_QUEUES.orgs);
    fleet.spawn('scraper-worker');

    await waitFor(
      async () =>
        (await counterOf(fleet, 'gh_exporter_scrape_runs_total', ['acme', 'failure'])) === '1',
      {
        timeoutMs: 20_000,
        description: 'the acme cycle reported failed',
      },
    );
    expect(
      await counterOf(fleet, 'gh_exporter_scrape_jobs_lost_total', ['acme', SCRAPE_QUEUES.orgs]),
    ).toBe('1');
    expect(await awaitPublishedBackfills(fleet)).toEqual([
      {
        org: 'acme',
        resource: 'all',
        fromMs: slotStartMs,
        toMs: slotStartMs + HOUR_MS,
        reason: 'job_lost',
      },
    ]);
  });

  it('counts its repo failed so the cycle completes, and hands the repo window to backfill', async () => {
    const fleet = (fixture = await createFleetFixture({ orgs: { acme: {} }, config }));
    const slotStartMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const job = { org: 'acme', repo: 'api', slotStartMs, intervalMs: HOUR_MS };
    // The fan-out of a one-repo cycle, as the org job records it.
    await fleet.redis.redis.hset(fleet.keys.orgCycle('acme', slotStartMs), {
      expected: 1,
      startedAtMs: Date.now(),
    });
    await fleet.queues.addRepoJobs([job]);
    await stealNextJob(fleet, SCRAPE_QUEUES.repos);
    fleet.spawn('scraper-worker');

    await waitFor(
      async () =>
        (await counterOf(fleet, 'gh_exporter_scrape_runs_total', ['acme', 'failure'])) === '1',
      {
        timeoutMs: 20_000,
        description: 'the one-repo cycle completed, failed',
      },
    );
    expect(
      await counterOf(fleet, 'gh_exporter_scrape_jobs_lost_total', ['acme', SCRAPE_QUEUES.repos]),
    ).toBe('1');
    expect(
      await counterOf(fleet, 'gh_exporter_repo_scrapes_total', ['acme', 'schedule', 'failed']),
    ).toBe('1');
    expect(await awaitPublishedBackfills(fleet)).toEqual([
      {
        org: 'acme',
        repo: 'api',
        resource: 'all',
        fromMs: slotStartMs,
        toMs: slotStartMs + HOUR_MS,
        reason: 'job_lost',
      },
    ]);
  });
});
