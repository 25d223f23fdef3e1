import { type SpawnedService, waitFor } from '@gse/testing';
import { afterEach, describe, expect, it } from 'vitest';

import { createFleetFixture, type FleetFixture } from './fleet-fixture.js';

const ACME_INSTALLATION = 1001;
const HOUR_MS = 3_600_000;

let fixture: FleetFixture | undefined;

afterEach(async () => {
  await fixture?.cleanup();
  fixture = undefined;
});

/** The BullMQ worker name a scraper-worker process logged when it began consuming. */
function workerNameOf(process: SpawnedService): string | undefined {
  const line = process.lines().find((entry) => entry['message'] === 'scrape workers consuming');
  return typeof line?.['worker'] === 'string' ? line['worker'] : undefined;
}

describe('scraper workers (real processes, real Redis, the simulator)', () => {
  it('share an org cycle; a SIGKILLed worker’s jobs finish on another; per_org_concurrency 2 holds fleet-wide; the numbers equal the ground truth', async () => {
    const fleet = await createFleetFixture({
      orgs: { acme: { per_org_concurrency: 2 } },
      config: {
        bullmq: { worker_concurrency: 2, lock_duration: '1500ms', stalled_interval: '500ms' },
      },
    });
    fixture = fleet;
    const workers = [
      fleet.spawn('scraper-worker'),
      fleet.spawn('scraper-worker'),
      fleet.spawn('scraper-worker'),
    ];
    const names = await waitFor(
      () => {
        const found = workers.map(workerNameOf).filter((name) => name !== undefined);
        return found.length === workers.length && found;
      },
      { timeoutMs: 20_000, description: 'three workers consuming' },
    );
    // The simulator answers within one turn of its event loop unless answers take time: only
    // then can requests overlap at all, so that its peak concurrency means something.
    fleet.simulator.injectLatency({ ms: 5, org: 'acme' });
    const slotStartMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    await fleet.queues.addOrgJob({
      org: 'acme',
      slotStartMs,
      intervalMs: HOUR_MS,
      fencingToken: 1,
    });

    const inFlight = await waitFor(
      async () => {
        const active = await fleet.queues.repos.getJobs(['active']);
        return active.find((job) => job.processedBy !== undefined);
      },
      { timeoutMs: 20_000, intervalMs: 10, description: 'a repo job in flight' },
    );
    const victim = names.indexOf(inFlight.processedBy ?? '');
    expect(victim).toBeGreaterThanOrEqual(0);
    const killedJobs = (await fleet.queues.repos.getJobs(['active']))
      .filter((job) => job.processedBy === inFlight.processedBy)
      .map((job) => job.id ?? '');
    workers[victim]?.kill('SIGKILL');

    const runs = fleet.keys.telemetryMetric('gh_exporter_scrape_runs_total');
    await waitFor(async () => (await fleet.redis.redis.hget(runs, '["acme","success"]')) === '1', {
      timeoutMs: 40_000,
      description: 'the acme cycle to complete',
    });
    const finishers = await Promise.all(
      killedJobs.map(async (id) => {
        const job = await fleet.queues.repos.getJob(id);
        return { id, finished: job?.finishedOn !== undefined, by: job?.processedBy };
      }),
    );
    for (const finisher of finishers) {
      expect(finisher.finished).toBe(true);
      expect(names.filter((_, index) => index !== victim)).toContain(finisher.by);
    }
    expect(await fleet.readStoredSeries()).toEqual(await fleet.groundTruthAtScrapeTimes());
    // Discovery and repo scrapes of three processes, two jobs each, never had more than
    // two requests of the installation in flight at once.
    expect(fleet.simulator.counters().installations[ACME_INSTALLATION]?.peakConcurrency).toBe(2);
  });

  it('on SIGTERM hands a job still running at the drain deadline back to the queue, where another worker finishes it', async () => {
    const fleet = await createFleetFixture({
      orgs: { acme: { repo_allowlist: ['docs'] } },
      // Drain deadline: 2 s less half of it.
      config: { services: { shutdown_timeout: '2s' } },
    });
    fixture = fleet;
    const first = fleet.spawn('scraper-worker');
    await waitFor(() => workerNameOf(first), { timeoutMs: 20_000, description: 'a worker' });
    // The repo scrape's first request answers after the whole shutdown is over; discovery
    // (another endpoint) is not slowed.
    fleet.simulator.injectLatency({
      ms: 60_000,
      org: 'acme',
      endpoint: 'GET /repos/{owner}/{repo}/commits',
    });
    const slotStartMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    await fleet.queues.addOrgJob({
      org: 'acme',
      slotStartMs,
      intervalMs: HOUR_MS,
      fencingToken: 1,
    });
    const jobId = `repo/acme/docs/${slotStartMs}`;
    await waitFor(async () => (await fleet.queues.repos.getJob(jobId))?.processedBy, {
      timeoutMs: 10_000,
      description: 'the repo job running',
    });
    first.kill('SIGTERM');
    const exit = await first.exited(10_000);
    expect(exit.code).toBe(0);
    expect(exit.messages).toContain('job handed back to the queue');
    const handedBack = await fleet.queues.repos.getJob(jobId);
    expect({ state: await handedBack?.getState(), attemptsMade: handedBack?.attemptsMade }).toEqual(
      { state: 'waiting', attemptsMade: 0 },
    );

    fleet.simulator.clearFaults();
    const second = fleet.spawn('scraper-worker');
    const secondName = await waitFor(() => workerNameOf(second), {
      timeoutMs: 20_000,
      description: 'another worker',
    });
    const finished = await waitFor(
      async () => {
        const job = await fleet.queues.repos.getJob(jobId);
        return job?.finishedOn !== undefined && job;
      },
      { timeoutMs: 20_000, description: 'the handed-back job to finish' },
    );
    const summary: unknown = finished.returnvalue;
    expect({ by: finished.processedBy, summary }).toMatchObject({
      by: secondName,
      summary: { status: 'done', missing: 0 },
    });
  });
});
