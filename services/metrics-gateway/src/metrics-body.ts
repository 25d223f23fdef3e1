import type { ActivityMetric } from '@gse/activity';
import {
  FLEET_METRICS,
  GATEWAY_METRICS,
  renderExposition,
  type ExpositionFormat,
  type StoredMetric,
} from '@gse/telemetry';

import type { ServedSnapshot } from './snapshot-cache.js';

export interface MetricsBodyContext {
  /** `store.max_series_budget`: rendered as `gh_exporter_series_budget`. */
  readonly maxSeriesBudget: number;
  /** The business families in the fleet's scope (`toActivityScope(…).metrics`). */
  readonly activityFamilies: readonly ActivityMetric[];
  readonly nowMs: number;
}

/**
 * The whole `/metrics` body as text chunks: business families, the fleet's families (with
 * `gh_exporter_series` from the store's own counter and `gh_exporter_series_budget` from the
 * config, whatever the writers published), the gateway's staleness gauges, `# EOF`.
 */
export function renderMetricsBody(
  format: ExpositionFormat,
  served: ServedSnapshot,
  context: MetricsBodyContext,
): Generator<string, void, undefined> {
  const { snapshot } = served;
  const stale = served.staleReason !== undefined;
  const single = (value: number) => [{ labelValues: [], value }];
  const fleet = snapshot.fleet.map((metric): StoredMetric => {
    if (metric.definition.name === FLEET_METRICS.series.name) {
      return {
        definition: metric.definition,
        kind: 'samples',
        samples: single(snapshot.activity.storedSeriesCount),
      };
    }
    if (metric.definition.name === FLEET_METRICS.seriesBudget.name) {
      return {
        definition: metric.definition,
        kind: 'samples',
        samples: single(context.maxSeriesBudget),
      };
    }
    return metric;
  });
  const staleSeconds = stale ? Math.max(0, (context.nowMs - snapshot.readAtMs) / 1000) : 0;
  return renderExposition(format, {
    activityFamilies: context.activityFamilies,
    activity: snapshot.activity.blocks,
    metrics: [
      ...fleet,
      { definition: GATEWAY_METRICS.stale, kind: 'samples', samples: single(stale ? 1 : 0) },
      { definition: GATEWAY_METRICS.staleSeconds, kind: 'samples', samples: single(staleSeconds) },
    ],
  });
}
