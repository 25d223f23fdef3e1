/**
 * `pnpm bench:scale` (issue 11): an org of 10,000 repos on one installation at GitHub's
 * limits, 5-minute cycles compressed in time, with the simulator's counters as the truth.
 * Progress on stderr, the report as Markdown on stdout, its last line `SCALE …`. See
 * docs/benchmarks.md ("Ten thousand repos") for the scenario and the results.
 * `-- --repos 2000 --cycles 4 --cycle-seconds 10` runs a smaller one (whose first view fits in
 * GitHub's first hour, so the requests in flight bind it, not a budget).
 */
import { parseArgs } from 'node:util';

import { planOrgCost } from '../src/plan/org-cost-plan.js';
import { probeOrgActivity } from '../src/plan/probe-org-activity.js';
import { DEFAULT_PLAN_CONFIG } from '../test/default-plan-config.js';
import { checkSeries, createBenchWorld, MAX_CONCURRENT_REQUESTS } from './bench-world.js';
import { readRepoLikeGoExporter } from './go-exporter-baseline.js';
import { forEachConcurrently } from './request-cost-scenario.js';
import { measureRequests } from './request-tally.js';
import { measureGatewayRender, measureStoreFootprint } from './scale-footprint.js';
import { renderScaleReport } from './render-scale.js';
import { readFirstView, readHistory } from './scale-first-view.js';
import { runScaleSteadyState, type ScaleScenario } from './scale-scenario.js';

const MINUTE_MS = 60_000;
const SCRAPE_INTERVAL_MS = 5 * MINUTE_MS;
/** Simulated GitHub latency of every request, REST and GraphQL. */
const LATENCY_MS = 50;
/** Every this many repos one is read the Go exporter's way (its quiet and active ones alike). */
const BASELINE_SAMPLE_EVERY = 50;
/** Limits no request reaches: for the unpaced reads (history, the Go exporter's sample). */
const UNPACED_LIMITS = {
  restPrimaryPerHour: 15_000,
  restSecondaryPointsPerMinute: 100_000_000,
  graphqlPrimaryPointsPerHour: 100_000_000,
};

const { values: args } = parseArgs({
  // `pnpm bench:scale -- --repos 2000` hands the `--` on.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    repos: { type: 'string', default: '10000' },
    cycles: { type: 'string', default: '24' },
    'cycle-seconds': { type: 'string', default: '15' },
  },
});
const repoCount = Number(args.repos);
const cycleRealMs = Number(args['cycle-seconds']) * 1000;
const timeScale = SCRAPE_INTERVAL_MS / cycleRealMs;

const scenario: ScaleScenario = {
  scrapeIntervalMs: SCRAPE_INTERVAL_MS,
  cycleRealMs,
  cycles: Number(args.cycles),
  // 12 cycles of 5 min: GitHub's one-hour installation tokens.
  tokenLifetimeCycles: 12,
  concurrency: MAX_CONCURRENT_REQUESTS,
  activity: {
    seed: 11,
    // The dataset's active repos: 10 % of the org, active up to now.
    activeRepos: Math.round(repoCount * 0.1),
    changesPerActiveRepoPerDay: 3,
    dormantWakeupsPerDay: Math.round(repoCount * 0.005),
  },
};

const log = (line: string): void => {
  process.stderr.write(`bench:scale: ${line}\n`);
};
const startedAt = performance.now();
const elapsed = (): string => `${Math.round((performance.now() - startedAt) / 1000)} s`;

const world = await createBenchWorld({
  seed: 42,
  repoCount,
  activeRepoFraction: 0.1,
  // Most of a large org sleeps: 70 % of the repos saw nothing in the retention window.
  dormantRepoFraction: 0.7,
  historyInBackground: true,
  pacing: {
    timeScale,
    // GitHub's documented limits of one installation (`DEFAULT_SIM_LIMITS`).
    limits: {
      restPrimaryPerHour: 5000,
      restSecondaryPointsPerMinute: 900,
      graphqlPrimaryPointsPerHour: 5000,
      graphqlSecondaryPointsPerMinute: 2000,
    },
    // The config's defaults (`rate_limit.*`).
    budget: {
      restPointsPerMinute: 800,
      graphqlPointsPerMinute: 1800,
      scheduledPointsReserve: 0.25,
    },
  },
});
log(`world of ${world.repos.length} repos ready (${elapsed()})`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}, cleaning up`);
    void world.close().finally(() => process.exit(1));
  });
}
try {
  world.simulator.injectLatency({ ms: LATENCY_MS });
  world.startPacing();
  // Asked once GitHub's limits are in force: `GET /rate_limit` reports the hour's budget.
  const probe = await probeOrgActivity(world.baselineClient, world.org, {
    nowMs: world.nowMs,
    retentionMs: DEFAULT_PLAN_CONFIG.retentionMs,
  });
  const plan = planOrgCost(probe.activity, DEFAULT_PLAN_CONFIG, probe.limits);
  log(
    `plan: first view ${plan.firstView.restRequests} REST requests, ${plan.firstView.seconds} s at least; ` +
      `history ${plan.history.restRequests} REST requests (${elapsed()})`,
  );

  const firstView = await readFirstView(world, {
    scrapeIntervalMs: SCRAPE_INTERVAL_MS,
    concurrency: MAX_CONCURRENT_REQUESTS,
  });
  log(
    `first view: ${firstView.reposRead} repos read, ${firstView.cost.restRequests} REST requests in ` +
      `${Math.round(firstView.wallMs / 1000)} s, ${firstView.gauges.mismatched} of ` +
      `${firstView.gauges.series} series' gauges differ (${elapsed()})`,
  );

  // The history, unpaced: its pace is the first view's budgets' at background priority, so
  // its requests are what the run measures here, not its time.
  world.simulator.clearFaults();
  world.simulator.updateLimits(UNPACED_LIMITS);
  const history = await readHistory(world, firstView.history, {
    concurrency: MAX_CONCURRENT_REQUESTS,
    // ~2.6 requests a window (a PR window lists each PR's reviews): well within 15,000.
    chunk: 3000,
    beforeChunk: () => {
      world.simulator.resetLimitWindows();
    },
  });
  log(
    `history: ${history.messages} windows, ${history.cost.restRequests} REST requests (${elapsed()})`,
  );

  world.simulator.injectLatency({ ms: LATENCY_MS });
  world.startPacing();
  const cycles = await runScaleSteadyState(world, scenario, (cycle) => {
    const quietRequests =
      cycle.detection.requests + cycle.otherScrapes.tally.requests + cycle.upkeep.tally.requests;
    log(
      `cycle ${cycle.cycle}${cycle.tokenRotated ? ' (token rotated)' : ''}: ` +
        `${cycle.changed} changed (${cycle.changedScrapes.requests} requests), ` +
        `${cycle.otherScrapes.repos} others read, ${cycle.upkeep.reconciled} comment reconciles, ` +
        `${quietRequests} requests for the quiet; ` +
        `detection ${Math.round(cycle.wallMs.detection)} ms, scrapes ${Math.round(cycle.wallMs.scrapes)} ms, ` +
        `sync ${Math.round(cycle.wallMs.sync)} ms (${elapsed()})`,
    );
  });

  log(`comparing every series with the ground truth (${elapsed()})`);
  const seriesCheck = await checkSeries(world);
  log(`${seriesCheck.series} series, ${seriesCheck.mismatched} differ (${elapsed()})`);
  const footprint = await measureStoreFootprint(world.redis.redis, world.redis.keyPrefix);
  log(`Redis footprint measured (${elapsed()})`);
  const render = await measureGatewayRender(world.redis.keyPrefix);
  log(`gateway render measured (${elapsed()})`);

  // The Go exporter's pattern on a sample, unpaced (it would trip every limit at this size).
  world.simulator.clearFaults();
  world.simulator.updateLimits(UNPACED_LIMITS);
  world.simulator.resetLimitWindows();
  const sample = world.repos.filter((_, index) => index % BASELINE_SAMPLE_EVERY === 0);
  const baseline = await measureRequests(world.simulator, () =>
    forEachConcurrently(sample, MAX_CONCURRENT_REQUESTS, async (repo) => {
      await readRepoLikeGoExporter(world.baselineClient, { org: world.org, repo }, world.nowMs);
    }),
  );
  log(`Go exporter baseline on ${sample.length} repos measured (${elapsed()})`);

  process.stdout.write(
    renderScaleReport({
      repos: world.repos.length,
      scenario,
      timeScale,
      latencyMs: LATENCY_MS,
      plan,
      firstView,
      history,
      cycles,
      seriesCheck,
      footprint,
      render,
      baseline: { repos: sample.length, requests: baseline.counters.total.total },
      totalWallMs: performance.now() - startedAt,
    }),
  );
  // A run whose numbers cannot be trusted fails; whether the targets are met is the report's.
  if (seriesCheck.mismatched > 0) process.exitCode = 1;
} finally {
  await world.close();
}
