import { SCRAPE_RESOURCES } from '@gse/activity';
import type { CollectorRun, RepoScrapeOutcome } from '@gse/scrape';
import { FLEET_METRICS, type FleetTelemetry } from '@gse/telemetry';

/** Where a repo scrape came from: the scheduled cycle or a backfill message. */
export type ScrapeSource = 'schedule' | 'backfill';

/** The ledger-write `source` label of each scrape source. */
const STORE_WRITE_SOURCE: Readonly<Record<ScrapeSource, string>> = {
  schedule: 'scrape',
  backfill: 'backfill',
};

/**
 * Everything one finished repo scrape reports, whoever ran it: the scrape by result, the
 * ledger writes, each collector, and what the series refresh refused or dated.
 */
export function recordRepoScrape(
  telemetry: FleetTelemetry,
  scrape: { readonly org: string; readonly repo: string; readonly source: ScrapeSource },
  outcome: RepoScrapeOutcome,
): void {
  const { org, repo, source } = scrape;
  telemetry.increment(FLEET_METRICS.repoScrapes, { org, source, result: outcome.status });
  recordCollectorRuns(telemetry, org, outcome.collectors);
  const writeSource = STORE_WRITE_SOURCE[source];
  telemetry.increment(
    FLEET_METRICS.storeWrites,
    { source: writeSource, result: 'added' },
    outcome.added,
  );
  telemetry.increment(
    FLEET_METRICS.storeWrites,
    { source: writeSource, result: 'duplicate' },
    outcome.duplicates,
  );
  if (outcome.series) {
    const refused = outcome.series.refusedByBudget.length;
    if (refused > 0) telemetry.increment(FLEET_METRICS.seriesRefused, { org }, refused);
    telemetry.set(
      FLEET_METRICS.repoLastSuccessfulScrape,
      { org, repo },
      Math.floor(outcome.series.scrapedAtMs / 1000),
    );
  }
  // Transitions only: a refusal lasts until GitHub answers again, however many cycles.
  for (const resource of outcome.newlyRefused) {
    telemetry.set(FLEET_METRICS.repoResourceRefused, { org, repo, resource }, 1);
  }
  if (outcome.noLongerRefused.length > 0) {
    telemetry.remove(
      FLEET_METRICS.repoResourceRefused,
      outcome.noLongerRefused.map((resource) => ({ org, repo, resource })),
    );
  }
  // Set on each LOC refresh only: a refresh waits for a spent budget to renew, and the
  // gauge keeps saying the week is truncated until then.
  if (outcome.collectors.some((run) => run.resource === 'loc' && run.success)) {
    telemetry.set(
      FLEET_METRICS.locFallbackIncomplete,
      { org, repo },
      outcome.locTruncation ? 1 : 0,
    );
  }
}

/**
 * Drops the per-repo gauges of repos that are gone (retention GC removed them): each
 * gauge's hash would otherwise keep a field for every repo that ever existed.
 */
export function removeRepoTelemetry(
  telemetry: FleetTelemetry,
  repos: readonly { readonly org: string; readonly repo: string }[],
): void {
  if (repos.length === 0) return;
  telemetry.remove(FLEET_METRICS.repoLastSuccessfulScrape, repos);
  telemetry.remove(FLEET_METRICS.locFallbackIncomplete, repos);
  telemetry.remove(
    FLEET_METRICS.repoResourceRefused,
    repos.flatMap((repo) => SCRAPE_RESOURCES.map((resource) => ({ ...repo, resource }))),
  );
}

/** A repo scrape that threw (not GitHub: Redis or the worker) instead of finishing. */
export function recordRepoScrapeFailure(
  telemetry: FleetTelemetry,
  scrape: { readonly org: string; readonly source: ScrapeSource },
): void {
  telemetry.increment(FLEET_METRICS.repoScrapes, { ...scrape, result: 'failed' });
}

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
