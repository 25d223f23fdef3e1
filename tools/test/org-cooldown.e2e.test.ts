import type { EndpointCounter } from '@gse/github-sim';
import { type LogLine, type SpawnedService, waitFor } from '@gse/testing';
import type { BackfillRequest } from '@gse/queues';
import { afterEach, describe, expect, it } from 'vitest';

import { createFleetFixture, type FleetFixture } from './fleet-fixture.js';

const INTERVAL_MS = 1000;
const PROBE_MS = 200;
const COOLDOWN_MS = 2000;
const THRESHOLD = 2;
const GLOBEX_INSTALLATION = 1002;

let fixture: FleetFixture | undefined;

afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

const linesOf = (processes: readonly SpawnedService[], message: string): LogLine[] =>
  processes.flatMap((process) =>
    process.lines().filter((line) => line['message'] === message && line['org'] === 'globex'),
  );

const timeOf = (line: LogLine | undefined): number => Date.parse(String(line?.['timestamp']));

/** Requests per endpoint between two counter snapshots; endpoints with none left out. */
function requestsBetween(
  before: Readonly<Record<string, EndpointCounter>>,
  after: Readonly<Record<string, EndpointCounter>>,
): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after)
      .map(([endpoint, counter]): [string, number] => [
        endpoint,
        counter.total - (before[endpoint]?.total ?? 0),
      ])
      .filter(([, count]) => count !== 0),
  );
}

describe('per-org GitHub cooldown (real scheduler and worker, real Redis, the simulator)', () => {
  it('puts an org in outage into cooldown after the threshold, only probes it, records the skipped windows and recovers it, while the other org keeps scraping', async () => {
    const fleet = await createFleetFixture({
      orgs: {
        // Two small repos keep acme's cycles short.
        acme: { scrape_interval: `${INTERVAL_MS}ms`, repo_allowlist: ['docs', 'sandbox'] },
        globex: { scrape_interval: `${INTERVAL_MS}ms` },
      },
      config: {
        github: { unhealthy_failure_threshold: THRESHOLD, unhealthy_cooldown: `${COOLDOWN_MS}ms` },
        health: { github_probe_interval: `${PROBE_MS}ms`, github_recover_success_threshold: 2 },
        retry: { max_attempts: 1 },
      },
    });
    fixture = fleet;
    const scheduler = fleet.spawn('scheduler');
    const processes = [scheduler, fleet.spawn('scraper-worker')];
    const runs = fleet.keys.telemetryMetric('gh_exporter_scrape_runs_total');
    const runsOf = async (org: string, result: string): Promise<number> =>
      Number((await fleet.redis.redis.hget(runs, JSON.stringify([org, result]))) ?? 0);
    await waitFor(
      async () =>
        (await runsOf('acme', 'success')) >= 1 && (await runsOf('globex', 'success')) >= 1,
      { timeoutMs: 30_000, description: 'a successful cycle of each org' },
    );

    fleet.simulator.startOutage({ org: 'globex' });
    const entered = await waitFor(() => linesOf([scheduler], 'org entered cooldown')[0], {
      timeoutMs: 5000,
      description: 'globex in cooldown',
    });
    const failedProbes = linesOf([scheduler], 'github probe failed');
    expect(failedProbes.filter((line) => timeOf(line) <= timeOf(entered))).toHaveLength(THRESHOLD);

    // Jobs that passed their cooldown check before it began end first (one attempt each).
    await waitFor(
      async () =>
        (await fleet.queues.repos.getJobs(['active', 'wait', 'delayed'])).every(
          (job) => job.data.org !== 'globex',
        ) &&
        (await fleet.queues.orgs.getJobs(['active', 'wait', 'delayed'])).every(
          (job) => job.data.org !== 'globex',
        ),
      { timeoutMs: 5000, description: 'globex jobs in flight to end' },
    );
    const before = fleet.simulator.counters().installations[GLOBEX_INSTALLATION]?.endpoints ?? {};
    const acmeRunsBefore = await runsOf('acme', 'success');
    const skippedBefore = linesOf(processes, 'org cycle skipped during cooldown').length;
    await waitFor(
      () => linesOf(processes, 'org cycle skipped during cooldown').length >= skippedBefore + 2,
      { timeoutMs: 3 * INTERVAL_MS, description: 'two cycles of globex skipped' },
    );
    const after = fleet.simulator.counters().installations[GLOBEX_INSTALLATION]?.endpoints ?? {};
    // During the cooldown globex gets probes, and nothing else.
    expect(Object.keys(requestsBetween(before, after))).toEqual(['GET /rate_limit']);
    // acme keeps completing cycles while globex's GitHub is still out (its cycle may end
    // after globex's short cooldown does on a loaded machine: the outage is what counts).
    await waitFor(async () => (await runsOf('acme', 'success')) > acmeRunsBefore, {
      timeoutMs: 10_000,
      description: 'an acme cycle during the globex outage',
    });

    fleet.simulator.clearFaults();
    const recovered = await waitFor(() => linesOf([scheduler], 'org recovered from cooldown')[0], {
      timeoutMs: COOLDOWN_MS + 5000,
      description: 'globex recovered',
    });
    expect(timeOf(recovered) - timeOf(entered)).toBeGreaterThanOrEqual(COOLDOWN_MS);
    const globexRuns = await runsOf('globex', 'success');
    await waitFor(async () => (await runsOf('globex', 'success')) > globexRuns, {
      timeoutMs: 3 * INTERVAL_MS + 5000,
      description: 'a globex cycle after the recovery',
    });

    // Every skipped window is recorded for backfill: whole cycles the scheduler (or a worker
    // holding an older job) skipped, and repos of a cycle that reached a worker too late.
    const skippedCycles = linesOf(processes, 'org cycle skipped during cooldown');
    const skippedRepos = linesOf(processes, 'repo scrape skipped during cooldown');
    const expected = [
      ...skippedCycles.map((line) => window(Number(line['slotStartMs']))),
      ...skippedRepos.map((line) => ({
        ...window(Number(line['slotStartMs'])),
        repo: String(line['repo']),
      })),
    ];
    // Published through the producers' Redis outbox: wait until RabbitMQ holds them all.
    const published: BackfillRequest[] = [];
    await waitFor(
      async () => {
        published.push(...(await fleet.drainBackfillRequests()));
        return (
          published.filter((request) => request.reason === 'github_unhealthy').length >=
          unique(expected).length
        );
      },
      { timeoutMs: 10_000, description: 'every skipped window in the backfill queue' },
    );
    const recorded = published.filter((request) => request.reason === 'github_unhealthy');
    // The producer drops identical windows within backfill.dedup_ttl: each is there once.
    expect(recorded.sort(byWindow)).toEqual(unique(expected).sort(byWindow));
    expect(await runsOf('globex', 'skipped_unhealthy')).toBe(skippedCycles.length);
  });
});

function unique(requests: readonly BackfillRequest[]): BackfillRequest[] {
  return [...new Map(requests.map((request) => [JSON.stringify(request), request])).values()];
}

function window(slotStartMs: number): BackfillRequest {
  return {
    org: 'globex',
    resource: 'all',
    fromMs: slotStartMs,
    toMs: slotStartMs + INTERVAL_MS,
    reason: 'github_unhealthy',
  };
}

const byWindow = (a: BackfillRequest, b: BackfillRequest): number =>
  a.fromMs - b.fromMs || (a.repo ?? '').localeCompare(b.repo ?? '');
