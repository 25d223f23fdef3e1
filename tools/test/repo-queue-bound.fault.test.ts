import { toOrgScrapeJobId } from '@gse/queues';
import { waitFor } from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { createFleetFixture, type FleetFixture } from './fleet-fixture.js';

const HOUR_MS = 3_600_000;

let fixture: FleetFixture | undefined;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

describe('the repo queue when cycles arrive faster than the workers scrape', () => {
  it('holds at most one pending job per repo, completes every cycle, reports the lag, and ends exact', async () => {
    const fleet = (fixture = await createFleetFixture({
      orgs: { acme: { per_org_concurrency: 2 } },
      // Every cycle queues every repo, as when each repo changes between cycles.
      config: { bullmq: { worker_concurrency: 2 }, github: { change_detection: 'off' } },
    }));
    // A first scrape reads 30 days of history: the first cycle's repo jobs are still pending
    // when the org jobs of the next two cycles fan out.
    fleet.simulator.injectLatency({ ms: 10, org: 'acme' });
    fleet.spawn('scraper-worker');
    const firstSlotMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS - 2 * HOUR_MS;
    const slots = [firstSlotMs, firstSlotMs + HOUR_MS, firstSlotMs + 2 * HOUR_MS];
    for (const [index, slotStartMs] of slots.entries()) {
      const cycle = { org: 'acme', slotStartMs, intervalMs: HOUR_MS, fencingToken: index + 1 };
      expect(await fleet.queues.addOrgJob(cycle)).toBe('added');
      // Fanned out before the next slot comes: a pending org cycle would collapse it whole.
      await waitFor(
        async () => (await fleet.queues.orgs.getJob(toOrgScrapeJobId(cycle)))?.finishedOn,
        { timeoutMs: 20_000, intervalMs: 20, description: `the cycle of slot ${index} fanned out` },
      );
    }

    const counter = async (name: string, labels: readonly string[]): Promise<number> =>
      Number(
        (await fleet.redis.redis.hget(fleet.keys.telemetryMetric(name), JSON.stringify(labels))) ??
          0,
      );
    let mostPending = 0;
    await waitFor(
      async () => {
        const counts = await fleet.queues.repos.getJobCounts('wait', 'active', 'delayed');
        const pending = (counts['wait'] ?? 0) + (counts['active'] ?? 0) + (counts['delayed'] ?? 0);
        mostPending = Math.max(mostPending, pending);
        return (await counter('gh_exporter_scrape_runs_total', ['acme', 'success'])) === 3;
      },
      { timeoutMs: 60_000, intervalMs: 20, description: 'the three acme cycles complete' },
    );
    const repos = await counter('gh_exporter_org_repos', ['acme', 'scraped']);
    expect(repos).toBeGreaterThan(1);
    // Before: each cycle queued every repo again, up to three jobs per repo.
    expect(mostPending).toBeLessThanOrEqual(repos);
    const collapsed = await counter('gh_exporter_repo_jobs_collapsed_total', ['acme']);
    const scraped = await counter('gh_exporter_repo_scrapes_total', ['acme', 'schedule', 'done']);
    expect(collapsed).toBeGreaterThan(0);
    expect(scraped + collapsed).toBe(slots.length * repos);
    const lagSeconds = await counter('gh_exporter_scrape_lag_seconds', ['acme']);
    expect(lagSeconds).toBeGreaterThan(0);
    expect(lagSeconds).toBeLessThanOrEqual((Date.now() - firstSlotMs) / 1000);
    expect(await fleet.readStoredSeries()).toEqual(await fleet.groundTruthAtScrapeTimes());
  }, 90_000);
});
