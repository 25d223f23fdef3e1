import { ACTIVITY_METRICS, type ActivityMetric } from '@gse/activity';

import { COPILOT_METRIC_FAMILIES } from './copilot-metrics.js';
import { FLEET_METRICS } from './fleet-metrics.js';
import { defineGauge, type MetricDefinition } from './metric-definition.js';

/**
 * The gateway's own families in the public body, computed at each render and never stored.
 * They read the same on every replica that can reach Redis (0), so replicas still return
 * identical bodies; they differ only on a replica that serves its last good render because
 * it cannot read Redis.
 */
export const GATEWAY_METRICS = {
  stale: defineGauge({
    name: 'gh_exporter_gateway_stale',
    help: '1 while this gateway serves its last good render because Redis cannot be read, else 0.',
    labels: [],
  }),
  staleSeconds: defineGauge({
    name: 'gh_exporter_gateway_stale_seconds',
    help: 'Age of the render served while stale (0 while fresh).',
    labels: [],
    unit: 'seconds',
  }),
} as const;

/** Every family of the public `/metrics`, grouped by where the gateway takes its samples. */
export interface MetricCatalog {
  /**
   * Business gauges labelled exactly `org`, `repo`, `user`: one value per series field of
   * the ledger's series (`ACTIVITY_METRICS` of `@gse/activity`, where a family is declared).
   */
  readonly activity: readonly ActivityMetric[];
  /**
   * Families any process writes as labelled samples with `FleetTelemetry` (`FLEET_METRICS`):
   * counters, gauges and histograms with any label set. A family with labels other than
   * `org`, `repo`, `user` (Copilot's usage, say) is declared here and needs no gateway change.
   */
  readonly stored: readonly MetricDefinition[];
  /** Computed by the gateway at each render ({@link GATEWAY_METRICS}). */
  readonly gateway: readonly MetricDefinition[];
}

/**
 * The metric catalog: every family the fleet exposes (name, help, type, unit, label names),
 * in exposition order. The gateway renders, and `docs/metrics.md` lists, exactly these.
 */
export const METRIC_CATALOG: MetricCatalog = {
  activity: ACTIVITY_METRICS,
  stored: [...Object.values(FLEET_METRICS), ...COPILOT_METRIC_FAMILIES],
  gateway: Object.values(GATEWAY_METRICS),
};
