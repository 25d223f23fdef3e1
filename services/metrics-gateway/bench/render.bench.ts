/**
 * `pnpm bench` (issue #5): the gateway's `/metrics` for 10k, 100k and 1M business series in
 * Redis against prom-client's `Registry.metrics()` rendering the same series from memory,
 * each case in its own child process (its own peak RSS). Prints a Markdown table; the
 * numbers in docs/benchmarks.md come from it. `-- --sizes 10000,100000` picks the sizes.
 */
import { randomUUID } from 'node:crypto';

import { deleteKeysWithPrefix, TEST_REDIS_URL } from '@gse/testing';
import { Redis } from 'ioredis';

import { forkBenchChild, type ChildMessage } from './bench-child.js';
import { BENCH_FAMILIES, fillRedis } from './bench-series.js';
import { fetchText, scrape, type ScrapeResult } from './scrape-client.js';

const TARGET_SERIES = 1_000_000;
const TARGET_TIME_RATIO = 0.5;
const TARGET_RSS_MIB = 300;
const CONCURRENT_SCRAPES = 20;
// Gauges the gateway adds to the business series: series, budget, stale, stale seconds.
const GATEWAY_EXTRA_SAMPLES = 4;
/** What Prometheus 2.42 sends. */
const PROMETHEUS_HEADERS = {
  accept:
    'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
  'accept-encoding': 'gzip',
};

type PromClientResult = Extract<ChildMessage, { kind: 'prom-client' }>;

interface GatewayResult {
  /** First scrape of a fresh gateway, uncompressed: Redis read pass + render + transfer. */
  readonly cold: ScrapeResult;
  /** Second uncompressed scrape: the snapshot is reused, the body rendered again. */
  readonly warm: ScrapeResult;
  /** First Prometheus-style scrape (OpenMetrics, gzip): rendered and compressed once. */
  readonly gzipFirst: ScrapeResult;
  /** Next Prometheus-style scrape: the shared compressed render. */
  readonly gzipShared: ScrapeResult;
  readonly rssMiB: number;
}

interface ConcurrencyResult {
  readonly durationMs: number;
  readonly readPasses: number;
  readonly renders: number;
  readonly rssMiB: number;
}

interface CaseResult {
  readonly series: number;
  readonly fillMs: number;
  readonly gateway: GatewayResult;
  readonly concurrent: ConcurrencyResult;
  readonly promClient: PromClientResult;
}

function parseSizes(argv: readonly string[]): number[] {
  const flag = argv.indexOf('--sizes');
  const value = flag >= 0 ? argv[flag + 1] : undefined;
  return value === undefined ? [10_000, 100_000, TARGET_SERIES] : value.split(',').map(Number);
}

async function expectMessage<K extends ChildMessage['kind']>(
  message: Promise<ChildMessage>,
  kind: K,
): Promise<Extract<ChildMessage, { kind: K }>> {
  const received = await message;
  if (received.kind !== kind) throw new Error(`expected ${kind}, got ${received.kind}`);
  return received as Extract<ChildMessage, { kind: K }>;
}

function counter(probeMetrics: string, sample: string): number {
  const line = probeMetrics.split('\n').find((candidate) => candidate.startsWith(`${sample} `));
  return Number(line?.slice(sample.length + 1) ?? Number.NaN);
}

const progress = (line: string): void => {
  process.stderr.write(`  ${line}\n`);
};
const ms = (value: number): string => value.toFixed(0);
const mib = (value: number): string => value.toFixed(0);
const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);

async function measureGateway(keyPrefix: string): Promise<GatewayResult> {
  const child = forkBenchChild('gateway-process.ts', [keyPrefix]);
  const { publicAddress } = await expectMessage(child.next(), 'ready');
  const cold = await scrape(publicAddress);
  const warm = await scrape(publicAddress);
  const gzipFirst = await scrape(publicAddress, PROMETHEUS_HEADERS);
  const gzipShared = await scrape(publicAddress, PROMETHEUS_HEADERS);
  child.send('rss');
  const { maxRssMiB } = await expectMessage(child.next(), 'rss');
  child.send('stop');
  await child.exited();
  progress(
    `gateway: cold ${ms(cold.durationMs)} ms (${mb(cold.bytes)} MB), warm ${ms(warm.durationMs)} ms, gzip first ${ms(gzipFirst.durationMs)} ms (${mb(gzipFirst.bytes)} MB), gzip shared ${ms(gzipShared.durationMs)} ms, peak RSS ${mib(maxRssMiB)} MiB`,
  );
  return { cold, warm, gzipFirst, gzipShared, rssMiB: maxRssMiB };
}

async function measureConcurrency(keyPrefix: string): Promise<ConcurrencyResult> {
  const child = forkBenchChild('gateway-process.ts', [keyPrefix]);
  const { publicAddress, probeAddress } = await expectMessage(child.next(), 'ready');
  const startedMs = performance.now();
  const results = await Promise.all(
    Array.from({ length: CONCURRENT_SCRAPES }, () => scrape(publicAddress, PROMETHEUS_HEADERS)),
  );
  const durationMs = performance.now() - startedMs;
  if (results.some((result) => result.status !== 200))
    throw new Error('a concurrent scrape failed');
  const own = await fetchText(probeAddress, '/metrics');
  child.send('rss');
  const { maxRssMiB } = await expectMessage(child.next(), 'rss');
  child.send('stop');
  await child.exited();
  const result = {
    durationMs,
    readPasses: counter(own, 'gh_exporter_gateway_redis_read_passes_total{result="success"}'),
    renders: counter(
      own,
      'gh_exporter_gateway_renders_total{format="openmetrics",encoding="gzip"}',
    ),
    rssMiB: maxRssMiB,
  };
  progress(
    `${CONCURRENT_SCRAPES} concurrent Prometheus scrapes: ${ms(durationMs)} ms, ${result.readPasses} read pass(es), ${result.renders} render(s), peak RSS ${mib(maxRssMiB)} MiB`,
  );
  return result;
}

async function measurePromClient(series: number): Promise<PromClientResult> {
  // prom-client keeps every series as objects: ~4.5 GB of heap at 1M series (8M samples).
  const child = forkBenchChild(
    'prom-client-process.ts',
    [String(series)],
    ['--max-old-space-size=16384'],
  );
  const result = await expectMessage(child.next(), 'prom-client');
  await child.exited();
  progress(
    `prom-client: fill ${ms(result.fillMs)} ms, ${result.mode} ${ms(result.renderMs)} ms (${mb(result.bytes)} MB), peak RSS ${mib(result.maxRssMiB)} MiB`,
  );
  return result;
}

function renderTable(results: readonly CaseResult[]): string {
  const rows = results.map(({ series, gateway, concurrent, promClient }) => [
    series.toLocaleString('en-US'),
    (series * BENCH_FAMILIES.length).toLocaleString('en-US'),
    mb(gateway.cold.bytes),
    ms(gateway.cold.durationMs),
    ms(gateway.warm.durationMs),
    `${ms(gateway.gzipFirst.durationMs)} / ${ms(gateway.gzipShared.durationMs)} (${mb(gateway.gzipFirst.bytes)} MB)`,
    mib(gateway.rssMiB),
    `${ms(promClient.renderMs)}${promClient.mode === 'per family' ? ' ¹' : ''}`,
    mib(promClient.maxRssMiB),
    (gateway.cold.durationMs / promClient.renderMs).toFixed(3),
    `${concurrent.readPasses} / ${concurrent.renders}, ${ms(concurrent.durationMs)} ms, ${mib(concurrent.rssMiB)} MiB`,
  ]);
  return [
    '| series | samples | body MB | gateway cold ms | gateway warm ms | Prometheus scrape ms, first / shared (gzip MB) | gateway peak RSS MiB | prom-client render ms | prom-client peak RSS MiB | time ratio (cold ÷ prom-client) | 20 concurrent Prometheus scrapes: read passes / renders, time, peak RSS |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

function check(result: CaseResult): string[] {
  const { series, gateway, concurrent, promClient } = result;
  const problems: string[] = [];
  const samples = series * BENCH_FAMILIES.length;
  if (gateway.cold.samples !== samples + GATEWAY_EXTRA_SAMPLES) {
    problems.push(`${series}: the gateway sent ${gateway.cold.samples} samples`);
  }
  if (promClient.samples !== samples) {
    problems.push(`${series}: prom-client rendered ${promClient.samples} samples`);
  }
  if (concurrent.readPasses !== 1 || concurrent.renders !== 1) {
    problems.push(
      `${series}: ${CONCURRENT_SCRAPES} concurrent scrapes took ${concurrent.readPasses} read passes and ${concurrent.renders} renders`,
    );
  }
  if (series === TARGET_SERIES) {
    const ratio = gateway.cold.durationMs / promClient.renderMs;
    if (ratio > TARGET_TIME_RATIO)
      problems.push(`1M: time ratio ${ratio.toFixed(3)} > ${TARGET_TIME_RATIO}`);
    if (gateway.rssMiB > TARGET_RSS_MIB) {
      problems.push(`1M: gateway peak RSS ${mib(gateway.rssMiB)} MiB > ${TARGET_RSS_MIB} MiB`);
    }
  }
  return problems;
}

const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
const results: CaseResult[] = [];
try {
  for (const series of parseSizes(process.argv.slice(2))) {
    // A prefix of its own, deleted afterwards: the shared Redis keeps nothing of the run.
    const keyPrefix = `bench-gateway-${randomUUID()}`;
    try {
      process.stderr.write(`${series.toLocaleString('en-US')} series\n`);
      const fillStartedMs = performance.now();
      await fillRedis(redis, keyPrefix, series);
      const fillMs = performance.now() - fillStartedMs;
      progress(`Redis fill ${ms(fillMs)} ms`);
      const gateway = await measureGateway(keyPrefix);
      const concurrent = await measureConcurrency(keyPrefix);
      const promClient = await measurePromClient(series);
      results.push({ series, fillMs, gateway, concurrent, promClient });
    } finally {
      await deleteKeysWithPrefix(redis, keyPrefix);
    }
  }
} finally {
  redis.disconnect();
}
const table = renderTable(results);
const perFamily = results.some((result) => result.promClient.mode === 'per family')
  ? '\n\n¹ `Registry.metrics()` threw `RangeError: Invalid string length` (the body is over V8’s 512 MiB string limit); the time is the same render family by family (`getSingleMetricAsString`), i.e. `metrics()` without its final join.'
  : '';
process.stdout.write(`${table}${perFamily}\n`);
const problems = results.flatMap(check);
if (problems.length > 0) {
  process.stderr.write(`metrics-gateway benchmark: ${problems.join('; ')}\n`);
  process.exitCode = 1;
}
