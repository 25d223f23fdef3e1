import type { CollectorRun } from '@gse/scrape';
import { FLEET_METRICS, type FleetTelemetry } from '@gse/telemetry';

/**
 * Each collector of one repo scrape as node_exporter reports its collectors: whether the
 * resource was read (`gh_exporter_scrape_collector_success{org,resource}`, the latest read
 * wins) and how long it took (`…_duration_seconds`). A resource that was not due or not
 * asked for leaves its series as they were.
 */
export function recordCollectorRuns(
  telemetry: FleetTelemetry,
  org: string,
  runs: readonly CollectorRun[],
): void {
  for (const run of runs) {
    const labels = { org, resource: run.resource };
    telemetry.set(FLEET_METRICS.collectorSuccess, labels, run.success ? 1 : 0);
    telemetry.observe(FLEET_METRICS.collectorDuration, labels, run.durationMs / 1000);
  }
}
