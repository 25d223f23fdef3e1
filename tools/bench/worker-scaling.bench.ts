import { cpus } from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

import { DEFAULT_SIM_LIMITS, generateDataset } from '@gse/github-sim';
import { waitFor, type SpawnedService } from '@gse/testing';

import { createFleetFixture, type FleetFixture } from '../test/fleet-fixture.js';
import { toCpuBusyShare } from './cpu-busy-share.js';
import {
  rankLimits,
  toScalingRows,
  toWorkerDemand,
  type FleetLimit,
  type ScalingRun,
} from './worker-scaling-report.js';
import { renderWorkerScaling } from './render-worker-scaling.js';

// Worker scaling of issue 11: real scraper-worker processes pulling one org cycle's repo jobs
// from BullMQ, against the simulator over HTTP at GitHub's limits. Report on stdout, progress
// on stderr. `pnpm bench:scale` runs it before the request-count bench of packages/scrape.

const WORKER_COUNTS = [1, 2, 4] as const;
/** Repos of the measured cycles: ~690 REST requests, under one minute's REST points budget. */
const MEASURED_REPOS = 80;
/** Enough repos that 4 workers never run dry within the sustained minute. */
const SUSTAINED_REPOS = 240;
const SUSTAINED_WINDOW_MS = 60_000;
const LATENCY_MS = 50;
const WORKER_CONCURRENCY = 1;
/** Fleet-wide caps at 4 so that, with one job a worker, neither holds back 4 workers. */
const PER_ORG_CONCURRENCY = 4;
const MAX_CONCURRENT_REQUESTS = 4;
/** The config's defaults, written out so the report names what was in force. */
const REST_POINTS_PER_MINUTE = 800;
const GRAPHQL_POINTS_PER_MINUTE = 1800;
const HOUR_MS = 3_600_000;
/** The fleet's counters reach Redis once a second (`FleetTelemetry`'s flush). */
const TELEMETRY_FLUSH_MS = 1_000;
/** Four tsx-compiled processes starting at once on the loaded 2-core machine take a while. */
const WORKERS_UP_TIMEOUT_MS = 180_000;

const progress = (message: string): void => {
  process.stderr.write(`[worker-scaling] ${message}\n`);
};

interface FleetPlan {
  readonly workers: number;
  readonly repos: number;
  /** Measure a fixed window from the first repo job's start instead of the whole cycle. */
  readonly windowMs?: number;
}

const isConsuming = (worker: SpawnedService): boolean =>
  worker.lines().some((line) => line['message'] === 'scrape workers consuming');

async function measureFleet(plan: FleetPlan, generatedAtMs: number): Promise<ScalingRun> {
  const dataset = generateDataset({
    seed: 42,
    generatedAtMs,
    profile: 'bench',
    bench: { repoCount: plan.repos },
  });
  // A fleet of its own per run: a fresh Redis prefix (no ETags, checkpoints, budgets or tokens
  // of an earlier run) and a fresh simulator (fresh limit windows and counters).
  const fleet = await createFleetFixture({
    orgs: { acme: { per_org_concurrency: PER_ORG_CONCURRENCY } },
    config: {
      bullmq: { worker_concurrency: WORKER_CONCURRENCY },
      rate_limit: {
        max_concurrent_requests_per_installation: MAX_CONCURRENT_REQUESTS,
        rest_points_per_minute: REST_POINTS_PER_MINUTE,
        graphql_points_per_minute: GRAPHQL_POINTS_PER_MINUTE,
      },
    },
    simulator: { dataset, limits: DEFAULT_SIM_LIMITS },
  });
  try {
    const workers = Array.from({ length: plan.workers }, () => fleet.spawn('scraper-worker'));
    await waitFor(() => workers.every(isConsuming), {
      timeoutMs: WORKERS_UP_TIMEOUT_MS,
      description: `${plan.workers} scraper workers consuming`,
    });
    progress(`${plan.workers} worker(s) consuming; ${plan.repos} repos`);
    fleet.simulator.injectLatency({ ms: LATENCY_MS, org: 'acme' });
    // Whatever the workers asked while starting is neither measured nor charged to the run.
    fleet.simulator.resetLimitWindows();
    fleet.simulator.resetCounters();
    const slotStartMs = Math.floor(Date.now() / HOUR_MS) * HOUR_MS;
    const atStart = readBusy();
    await fleet.queues.addOrgJob({
      org: 'acme',
      slotStartMs,
      intervalMs: HOUR_MS,
      fencingToken: 1,
    });
    const run =
      plan.windowMs === undefined
        ? await measureWholeCycle(fleet, plan.workers, atStart)
        : await measureWindow(fleet, plan.workers, plan.windowMs);
    if ((await fleet.queues.repos.getFailedCount()) > 0) {
      throw new Error(`repo jobs failed with ${plan.workers} worker(s)`);
    }
    await sleep(TELEMETRY_FLUSH_MS + 200);
    const denied = await fleet.redis.redis.hvals(
      fleet.keys.telemetryMetric('gh_exporter_github_budget_denied_total'),
    );
    return { ...run, budgetDenied: denied.reduce((sum, value) => sum + Number(value), 0) };
  } finally {
    await fleet.cleanup();
  }
}

type MeasuredRun = Omit<ScalingRun, 'budgetDenied'>;

interface BusyReading {
  readonly cpus: ReturnType<typeof cpus>;
  /** This process's event loop, which serves the simulator. */
  readonly eventLoop: EventLoopUtilization;
}

const readBusy = (): BusyReading => ({
  cpus: cpus(),
  eventLoop: performance.eventLoopUtilization(),
});

const busySince = (
  start: BusyReading,
): Pick<ScalingRun, 'cpuBusyShare' | 'simulatorBusyShare'> => ({
  cpuBusyShare: toCpuBusyShare(start.cpus, cpus()),
  simulatorBusyShare: performance.eventLoopUtilization(start.eventLoop).utilization,
});

/** Every repo job of the cycle, from the first one's start to the last one's end. */
async function measureWholeCycle(
  fleet: FleetFixture,
  workers: number,
  atStart: BusyReading,
): Promise<MeasuredRun> {
  const runs = fleet.keys.telemetryMetric('gh_exporter_scrape_runs_total');
  await waitFor(async () => (await fleet.redis.redis.hget(runs, '["acme","success"]')) === '1', {
    timeoutMs: 600_000,
    intervalMs: 100,
    description: 'the org cycle to complete',
  });
  const busy = busySince(atStart);
  const jobs = await fleet.queues.repos.getJobs(['completed']);
  const startMs = Math.min(...jobs.map((job) => job.processedOn ?? Number.POSITIVE_INFINITY));
  const endMs = Math.max(...jobs.map((job) => job.finishedOn ?? 0));
  return {
    workers,
    jobs: jobs.length,
    seconds: (endMs - startMs) / 1000,
    ...readRequests(fleet),
    ...busy,
  };
}

/** The repo jobs that finished within `windowMs` of the first one's start. */
async function measureWindow(
  fleet: FleetFixture,
  workers: number,
  windowMs: number,
): Promise<MeasuredRun> {
  await waitFor(async () => (await fleet.queues.repos.getActiveCount()) > 0, {
    timeoutMs: 60_000,
    intervalMs: 20,
    description: 'the first repo job to start',
  });
  // The org job's token and change-detection query are behind us: the window holds only
  // repo jobs' requests.
  fleet.simulator.resetCounters();
  const atStart = readBusy();
  const startMs = Date.now();
  await sleep(windowMs);
  const requests = readRequests(fleet);
  const busy = busySince(atStart);
  const jobs = (await fleet.queues.repos.getJobs(['completed'])).filter(
    (job) => job.finishedOn !== undefined && job.finishedOn <= startMs + windowMs,
  );
  return { workers, jobs: jobs.length, seconds: windowMs / 1000, ...requests, ...busy };
}

function readRequests(
  fleet: FleetFixture,
): Pick<
  ScalingRun,
  'restRequests' | 'restCounted' | 'graphqlPoints' | 'peakInFlight' | 'secondaryHits'
> {
  const installation = Object.values(fleet.simulator.counters().installations).find(
    (counter) => counter.org === 'acme',
  );
  if (!installation) throw new Error('the simulator saw no request of acme');
  const { byKind } = installation;
  return {
    restRequests: byKind.restRequests,
    restCounted: byKind.restCounted,
    graphqlPoints: byKind.graphqlPoints,
    peakInFlight: installation.peakConcurrency,
    secondaryHits: Object.values(byKind.secondaryHits).reduce((sum, hits) => sum + hits, 0),
  };
}

const FLEET_LIMITS: readonly FleetLimit[] = [
  {
    name: `rate_limit.max_concurrent_requests_per_installation (${MAX_CONCURRENT_REQUESTS} in flight)`,
    demand: 'inFlight',
    capacity: MAX_CONCURRENT_REQUESTS,
  },
  {
    name: `github.orgs[].per_org_concurrency (${PER_ORG_CONCURRENCY} repo jobs)`,
    demand: 'jobsInFlight',
    capacity: PER_ORG_CONCURRENCY,
  },
  {
    name: `rate_limit.rest_points_per_minute (${REST_POINTS_PER_MINUTE} a minute)`,
    demand: 'restPointsPerMinute',
    capacity: REST_POINTS_PER_MINUTE,
  },
  {
    name: `GitHub's REST primary limit (${DEFAULT_SIM_LIMITS.restPrimaryPerHour.toLocaleString('en-US')} an hour)`,
    demand: 'restCountedPerMinute',
    capacity: DEFAULT_SIM_LIMITS.restPrimaryPerHour / 60,
  },
  {
    name: `rate_limit.graphql_points_per_minute (${GRAPHQL_POINTS_PER_MINUTE.toLocaleString('en-US')} a minute)`,
    demand: 'graphqlPointsPerMinute',
    capacity: GRAPHQL_POINTS_PER_MINUTE,
  },
  {
    name: `GitHub's GraphQL primary limit (${DEFAULT_SIM_LIMITS.graphqlPrimaryPointsPerHour.toLocaleString('en-US')} points an hour)`,
    demand: 'graphqlPointsPerMinute',
    capacity: DEFAULT_SIM_LIMITS.graphqlPrimaryPointsPerHour / 60,
  },
];

const generatedAtMs = Date.now();
const runs: ScalingRun[] = [];
for (const workers of WORKER_COUNTS) {
  runs.push(await measureFleet({ workers, repos: MEASURED_REPOS }, generatedAtMs));
}
const rows = toScalingRows(runs);
const single = rows.find((row) => row.workers === 1);
if (!single) throw new Error('no 1-worker run');
const bindings = rankLimits(toWorkerDemand(single, WORKER_CONCURRENCY), FLEET_LIMITS);
progress(`sustained: ${Math.max(...WORKER_COUNTS)} workers for ${SUSTAINED_WINDOW_MS / 1000} s`);
const sustained = await measureFleet(
  { workers: Math.max(...WORKER_COUNTS), repos: SUSTAINED_REPOS, windowMs: SUSTAINED_WINDOW_MS },
  generatedAtMs,
);
process.stdout.write(
  renderWorkerScaling({
    rows,
    bindings,
    sustained,
    scenario: {
      repos: MEASURED_REPOS,
      latencyMs: LATENCY_MS,
      workerConcurrency: WORKER_CONCURRENCY,
      restPointsPerMinute: REST_POINTS_PER_MINUTE,
      cores: cpus().length,
    },
  }),
);
