import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

import type { ReadPassOutcome } from './snapshot-cache.js';

/**
 * This replica's own counters, on its probe port's `/metrics` (not in the fleet body, which
 * must read the same on every replica). `gh_exporter_gateway_redis_read_passes_total` shows
 * the sharing: 20 concurrent scrapes add 20 to the scrapes and 1 to the read passes (and,
 * gzipped like Prometheus asks, 1 to the renders).
 */
export interface GatewayProcessMetrics {
  recordReadPass(outcome: ReadPassOutcome): void;
  recordScrape(format: string, encoding: string): void;
  /** A body rendered from a snapshot (a shared gzip render counts once for all its readers). */
  recordRender(format: string, encoding: string): void;
  /** Where `gh_exporter_gateway_stale` comes from: the current run's staleness. */
  watchStaleness(isStale: () => Promise<boolean>): void;
}

export function createGatewayProcessMetrics(registry: Registry): GatewayProcessMetrics {
  const readPasses = new Counter({
    name: 'gh_exporter_gateway_redis_read_passes_total',
    help: 'Redis read passes of this gateway (every series and the fleet telemetry), by result.',
    labelNames: ['result'],
    registers: [registry],
  });
  const readPassDuration = new Histogram({
    name: 'gh_exporter_gateway_redis_read_pass_duration_seconds',
    help: 'Duration of this gateway’s Redis read passes.',
    labelNames: ['result'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const scrapes = new Counter({
    name: 'gh_exporter_gateway_scrapes_total',
    help: 'Bodies this gateway started to send on /metrics, by format and content encoding.',
    labelNames: ['format', 'encoding'],
    registers: [registry],
  });
  const renders = new Counter({
    name: 'gh_exporter_gateway_renders_total',
    help: 'Bodies this gateway rendered from a snapshot, by format and content encoding; scrapes sharing a gzip render count once.',
    labelNames: ['format', 'encoding'],
    registers: [registry],
  });
  const renderedSeries = new Gauge({
    name: 'gh_exporter_gateway_snapshot_series',
    help: 'Business series in the last snapshot this gateway read from Redis.',
    registers: [registry],
  });
  let isStale: (() => Promise<boolean>) | undefined;
  // Here and not only in the fleet body: the body comes from whichever replica the Service
  // picked, this gauge from every replica (the per-pod job), and it is computed in the
  // process, so it is right while Redis, where every fleet metric lives, is gone.
  new Gauge({
    name: 'gh_exporter_gateway_stale',
    help: '1 while this gateway serves its last good render instead of a fresh one (its Redis reads fail, or none succeeded yet), else 0.',
    registers: [registry],
    async collect() {
      const stale = isStale ? await isStale() : true;
      this.set(stale ? 1 : 0);
    },
  });
  for (const result of ['success', 'failure']) readPasses.inc({ result }, 0);

  return {
    recordReadPass(outcome) {
      readPasses.inc({ result: outcome.result });
      readPassDuration.observe({ result: outcome.result }, outcome.durationMs / 1000);
      if (outcome.snapshot) renderedSeries.set(outcome.snapshot.activity.seriesCount);
    },
    recordScrape(format, encoding) {
      scrapes.inc({ format, encoding });
    },
    recordRender(format, encoding) {
      renders.inc({ format, encoding });
    },
    watchStaleness(source) {
      isStale = source;
    },
  };
}
