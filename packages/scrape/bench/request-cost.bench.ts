/**
 * `pnpm bench` (issue #3): what our incremental scrape costs in GitHub requests against the
 * simulator's counters, next to the Go exporter's request pattern measured in the same run.
 * See docs/benchmarks.md for the scenario and the results.
 */
import { checkSeries, createBenchWorld, MAX_CONCURRENT_REQUESTS } from './bench-world.js';
import { runRequestCostScenario, type RequestCostScenario } from './request-cost-scenario.js';
import { renderRequestCost } from './render-request-cost.js';
import { measureTracingOverhead, renderTracingOverhead } from './tracing-overhead.js';

const SCENARIO: RequestCostScenario = {
  scrapeIntervalMs: 5 * 60_000,
  quietCycles: 24,
  activeCycles: 24,
  changedRepoFraction: 0.1,
  // 12 cycles of 5 min: GitHub's one-hour installation tokens.
  tokenLifetimeCycles: 12,
  concurrency: MAX_CONCURRENT_REQUESTS,
};

const world = await createBenchWorld({ seed: 42, repoCount: 300, activeRepoFraction: 0.1 });
// Interrupted (Ctrl-C, a CI timeout): still stop the simulator and delete the Redis keys.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    process.stderr.write(`request-cost benchmark: ${signal}, cleaning up\n`);
    void world.close().finally(() => process.exit(1));
  });
}
try {
  const run = await runRequestCostScenario(world, SCENARIO, (cost) => {
    process.stderr.write(
      `cycle ${cost.cycle}${cost.tokenRotated ? ' (token rotated)' : ''}: ` +
        `ours ${cost.ours.tally.counted} counted, ${cost.ours.tally.notModified} 304 in ${Math.round(cost.ours.wallMs)} ms; ` +
        `baseline ${cost.baseline.tally.counted} counted in ${Math.round(cost.baseline.wallMs)} ms\n`,
    );
  });
  const seriesCheck = await checkSeries(world);
  process.stdout.write(renderRequestCost(run, SCENARIO, seriesCheck));
  // After the series check: these cycles move the scrapers' clock on.
  const overhead = await measureTracingOverhead(world, {
    cyclesPerMode: 6,
    scrapeIntervalMs: SCENARIO.scrapeIntervalMs,
    concurrency: SCENARIO.concurrency,
    sampleRatio: 0.05,
  });
  process.stdout.write(`\n${renderTracingOverhead(overhead, world.repos.length)}`);

  // The verdicts on the targets are lines of the report; only a run whose numbers cannot be
  // trusted fails, so one result does not stop the other packages' benchmarks under turbo.
  if (seriesCheck.mismatched > 0) {
    process.stderr.write(
      'request-cost benchmark: the stored series differ from the ground truth\n',
    );
    process.exitCode = 1;
  }
} finally {
  await world.close();
}
