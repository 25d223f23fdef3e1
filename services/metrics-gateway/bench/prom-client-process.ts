/**
 * Benchmark child: the baseline. The same series as the gateway's case, as prom-client
 * gauges in memory, rendered once with `Registry.metrics()`.
 */
import { Gauge, Registry } from 'prom-client';

import { BENCH_FAMILIES, benchSeries, metricValue } from './bench-series.js';
import { maxRssMiB, type ChildMessage } from './bench-child.js';

const count = Number(process.argv[2]);
const registry = new Registry();
const gauges = BENCH_FAMILIES.map(
  (metric) =>
    new Gauge({
      name: metric.name,
      help: metric.help,
      labelNames: ['org', 'repo', 'user'],
      registers: [registry],
    }),
);

const fillStartedMs = performance.now();
for (let index = 0; index < count; index++) {
  const series = benchSeries(index);
  const labels = { org: series.org, repo: series.repo, user: series.user };
  gauges.forEach((gauge, metric) => {
    gauge.set(labels, metricValue(series, metric));
  });
}
const fillMs = performance.now() - fillStartedMs;

/**
 * `Registry.metrics()` returns the body as one string. Past V8's string limit (2^29 − 24
 * characters, ~512 MiB: the 1M-series body is ~614 MB) it throws `RangeError: Invalid string
 * length`; the baseline is then the same render family by family
 * (`getSingleMetricAsString`, which is what `metrics()` runs before its final join).
 */
async function render(): Promise<{
  mode: 'metrics()' | 'per family';
  renderMs: number;
  bytes: number;
  samples: number;
}> {
  const startedMs = performance.now();
  try {
    const body = await registry.metrics();
    return { mode: 'metrics()', renderMs: performance.now() - startedMs, ...measure([body]) };
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
  }
  const perFamilyStartedMs = performance.now();
  const bodies: string[] = [];
  for (const metric of registry.getMetricsAsArray()) {
    bodies.push(await registry.getSingleMetricAsString(metric.name));
  }
  return {
    mode: 'per family',
    renderMs: performance.now() - perFamilyStartedMs,
    ...measure(bodies),
  };
}

function measure(bodies: readonly string[]): { bytes: number; samples: number } {
  let bytes = 0;
  let samples = 0;
  for (const body of bodies) {
    bytes += Buffer.byteLength(body);
    for (let position = 0; position < body.length;) {
      // prom-client separates families with an empty line.
      if (body[position] !== '#' && body[position] !== '\n') samples++;
      const newline = body.indexOf('\n', position);
      if (newline < 0) break;
      position = newline + 1;
    }
  }
  return { bytes, samples };
}

const rendered = await render();
const message: ChildMessage = {
  kind: 'prom-client',
  fillMs,
  ...rendered,
  maxRssMiB: maxRssMiB(),
};
process.send?.(message, () => {
  process.disconnect();
});
