import { waitFor } from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { createFleetFixture, type FleetFixture } from './fleet-fixture.js';

const HOUR_MS = 3_600_000;

let fixture: FleetFixture | undefined;
afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

describe('an org at per_org_concurrency 1 with slow answers, next to a fast org', () => {
  it('does not hold the workers: the fast org’s cycle completes while most of the slow one’s repos still wait', async () => {
    const fleet = (fixture = await createFleetFixture({
      orgs: { acme: { per_org_concurrency: 1 }, globex: { per_org_concurrency: 2 } },
      config: { bullmq: { worker_concurrency: 2 } },
    }));
    fleet.simulator.injectLatency({ ms: 20, org: 'acme' });
    fleet.spawn('scraper-worker');
    const counter = async (name: string, labels: readonly string[]): Promise<number> =>
      Number(
        (await fleet.redis.redis.hget(fleet.keys.telemetryMetric(name), JSON.stringify(labels))) ??
          0,
      );
    const slotStartMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const cycle = { slotStartMs, intervalMs: HOUR_MS, fencingToken: 1 };

    // acme's repo jobs first in the queue, globex's behind them.
    await fleet.queues.addOrgJob({ org: 'acme', ...cycle });
    const acmeRepos = await waitFor(
      async () => (await counter('gh_exporter_org_repos', ['acme', 'scraped'])) || undefined,
      { timeoutMs: 20_000, description: 'acme fanned out' },
    );
    await fleet.queues.addOrgJob({ org: 'globex', ...cycle });

    await waitFor(
      async () => (await counter('gh_exporter_scrape_runs_total', ['globex', 'success'])) === 1,
      {
        timeoutMs: 60_000,
        intervalMs: 10,
        description: 'the globex cycle complete',
      },
    );
    // Before: a repo job took a worker slot and then waited there for its org's slot, so
    // both workers served acme and globex's jobs waited behind every acme job.
    const acmeDone = await counter('gh_exporter_repo_scrapes_total', ['acme', 'schedule', 'done']);
    expect(acmeDone).toBeLessThanOrEqual(acmeRepos / 2);

    await waitFor(
      async () => (await counter('gh_exporter_scrape_runs_total', ['acme', 'success'])) === 1,
      {
        timeoutMs: 90_000,
        description: 'the acme cycle complete',
      },
    );
    expect(await fleet.readStoredSeries()).toEqual(await fleet.groundTruthAtScrapeTimes());
  }, 150_000);
});
