import { readActivitySeries, createStoreKeys, type ActivitySeriesSnapshot } from '@gse/store';
import { METRIC_CATALOG, readFleetTelemetry, type StoredMetric } from '@gse/telemetry';

import type { RedisLink } from './redis-link.js';

/** Everything one Redis read pass brings back: what every `/metrics` body is rendered from. */
export interface MetricsSnapshot {
  /** When the pass began (ms since the epoch). */
  readonly readAtMs: number;
  readonly activity: ActivitySeriesSnapshot;
  /** Every stored family of `METRIC_CATALOG` (labelled samples), in catalog order. */
  readonly fleet: readonly StoredMetric[];
  /** Fleet samples left out because their label count does not match the catalog. */
  readonly malformedFleetSamples: number;
}

export interface MetricsSnapshotReaderOptions {
  readonly link: RedisLink;
  /** `store.key_prefix`. */
  readonly keyPrefix: string;
  readonly batchRepos?: number;
  readonly concurrency?: number;
  readonly now?: () => number;
}

/** One read pass: the business series in batches and the fleet telemetry in one pipeline. */
export type MetricsSnapshotReader = (signal: AbortSignal) => Promise<MetricsSnapshot>;

export function createMetricsSnapshotReader(
  options: MetricsSnapshotReaderOptions,
): MetricsSnapshotReader {
  const { link, keyPrefix } = options;
  const now = options.now ?? Date.now;
  const keys = createStoreKeys(keyPrefix);
  return async (signal) => {
    await link.whenUsable(signal);
    const readAtMs = now();
    const [activity, fleet] = await Promise.all([
      readActivitySeries({
        redis: link.redis,
        keyPrefix,
        signal,
        ...(options.batchRepos === undefined ? {} : { batchRepos: options.batchRepos }),
        ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
      }),
      readFleetTelemetry(link.redis, (name) => keys.telemetryMetric(name), METRIC_CATALOG.stored),
    ]);
    signal.throwIfAborted();
    let malformedFleetSamples = 0;
    // A sample whose label count does not match the catalog (a definition changed under
    // old data) cannot be written as valid text: it is left out and counted.
    const keepFitting = <S extends { readonly labelValues: readonly string[] }>(
      metric: StoredMetric,
      samples: readonly S[],
    ): S[] => {
      const fitting = samples.filter(
        (sample) => sample.labelValues.length === metric.definition.labels.length,
      );
      malformedFleetSamples += samples.length - fitting.length;
      return fitting;
    };
    const wellFormed = fleet.map((metric): StoredMetric =>
      metric.kind === 'histogram'
        ? { ...metric, samples: keepFitting(metric, metric.samples) }
        : { ...metric, samples: keepFitting(metric, metric.samples) },
    );
    return { readAtMs, activity, fleet: wellFormed, malformedFleetSamples };
  };
}
