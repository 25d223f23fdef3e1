/**
 * `pnpm bench` (issue #6): how many backfill windows per second the backfill worker fills
 * against the simulator with 50 ms per GitHub request, by `backfill.consumer_count`, next to
 * the same windows scraped by calling `scrapeRepo` directly (no RabbitMQ, no worker) at the
 * same concurrency, measured in the same run. See docs/benchmarks.md ("backfill").
 */
import { FLEET_METRICS } from '@gse/telemetry';
import { waitFor } from '@gse/testing';

import { createBackfillWorld, type BackfillWorld } from '../test/backfill-world.js';

const REPO_COUNT = 24;
const LATENCY_MS = 50;
const DAY_MS = 86_400_000;
const WINDOW_DAYS = 7;

interface Run {
  readonly setup: string;
  readonly concurrency: number;
  readonly windows: number;
  readonly seconds: number;
  readonly requests: number;
  readonly exact: boolean;
}

async function withWorld<T>(
  consumerCount: number,
  measure: (world: BackfillWorld) => Promise<T>,
): Promise<T> {
  const world = await createBackfillWorld({ bench: { repoCount: REPO_COUNT }, consumerCount });
  try {
    world.simulator.injectLatency({ ms: LATENCY_MS });
    return await measure(world);
  } finally {
    await world.close();
  }
}

const windowOf = (world: BackfillWorld) => ({
  fromMs: world.nowMs - WINDOW_DAYS * DAY_MS,
  toMs: world.nowMs,
});

/** The stored series of every repo equal the ground truth of the window (what a backfill promises). */
async function isExact(world: BackfillWorld): Promise<boolean> {
  const window = windowOf(world);
  const events = await Promise.all(
    world.repos.map(async ({ org, repo }) => {
      const outcome = await world.scrape(org, repo, window);
      return outcome.added;
    }),
  );
  // A second read of the same windows finds nothing new: the backfill stored everything.
  return events.every((added) => added === 0);
}

async function runPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const item = items[next];
        next += 1;
        if (item !== undefined) await work(item);
      }
    }),
  );
}

function direct(concurrency: number): Promise<Run> {
  return withWorld(concurrency, async (world) => {
    const window = windowOf(world);
    world.simulator.resetCounters();
    const startedMs = performance.now();
    await runPool(world.repos, concurrency, async ({ org, repo }) => {
      const outcome = await world.scrape(org, repo, window);
      if (outcome.status !== 'done')
        throw new Error(`${org}/${repo}: ${JSON.stringify(outcome.missing)}`);
    });
    const seconds = (performance.now() - startedMs) / 1000;
    const requests = world.simulator.counters().total.total;
    return {
      setup: 'scrapeRepo called directly',
      concurrency,
      windows: world.repos.length,
      seconds,
      requests,
      exact: await isExact(world),
    };
  });
}

function worker(consumerCount: number): Promise<Run> {
  return withWorld(consumerCount, async (world) => {
    const window = windowOf(world);
    const stored = await world.outbox.enqueue(
      world.repos.map((ref) => ({ ...ref, resource: 'all' as const, ...window, reason: 'manual' })),
    );
    // Published before the clock starts: the benchmark measures consuming, not publishing.
    const summary = await world.publisher.sweep();
    if (stored.stored !== world.repos.length || summary.published !== world.repos.length)
      throw new Error(`enqueue: ${JSON.stringify({ stored, summary })}`);
    world.simulator.resetCounters();
    const filled = (): number =>
      world.logs.lines().filter((line) => line['message'] === 'backfill window filled').length;
    const startedMs = performance.now();
    await world.startWorker();
    await waitFor(() => filled() === world.repos.length, {
      timeoutMs: 600_000,
      intervalMs: 10,
      description: 'every window filled',
    });
    const seconds = (performance.now() - startedMs) / 1000;
    const requests = world.simulator.counters().total.total;
    await world.stopWorker();
    const deadLettered = await world.metricValue(FLEET_METRICS.backfillDeadLettered, {
      org: 'acme',
      reason: 'retries_exhausted',
    });
    return {
      setup: 'backfill worker (RabbitMQ)',
      concurrency: consumerCount,
      windows: world.repos.length,
      seconds,
      requests,
      exact: deadLettered === 0 && (await isExact(world)),
    };
  });
}

const runs: Run[] = [];
const CONCURRENCY = [1, 2, 4, 8];
for (const concurrency of CONCURRENCY) runs.push(await direct(concurrency));
for (const consumerCount of CONCURRENCY) runs.push(await worker(consumerCount));

const baselineOf = (run: Run): Run | undefined =>
  runs.find(
    (candidate) =>
      candidate.setup === 'scrapeRepo called directly' && candidate.concurrency === run.concurrency,
  );
const rate = (run: Run): number => run.windows / run.seconds;
const lines = [
  `backfill throughput: ${REPO_COUNT} repos, one ${WINDOW_DAYS}-day window each (resource all), ${LATENCY_MS} ms per GitHub request,`,
  `rate_limit.max_concurrent_requests_per_installation 4 (one org: at most 4 requests in flight)`,
  '',
  '| setup | concurrency | windows/s | requests/window | seconds | ratio vs direct | every window stored |',
  '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ...runs.map((run) => {
    const baseline = baselineOf(run);
    const ratio = baseline ? (rate(run) / rate(baseline)).toFixed(2) : 'n/a';
    return `| ${run.setup} | ${run.concurrency} | ${rate(run).toFixed(2)} | ${(run.requests / run.windows).toFixed(1)} | ${run.seconds.toFixed(1)} | ${ratio} | ${run.exact ? 'yes' : 'NO'} |`;
  }),
  '',
  'ratio vs direct: windows/s over scrapeRepo called directly at the same concurrency.',
];
process.stdout.write(`${lines.join('\n')}\n`);
if (runs.some((run) => !run.exact)) {
  process.stderr.write('backfill benchmark: a window was not stored completely\n');
  process.exitCode = 1;
}
