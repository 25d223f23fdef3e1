import { SCRAPE_CATALOG } from '@gse/activity';
import type { BudgetWaitReport, GitHubRequestReport } from '@gse/github';
import { FLEET_METRICS, type FleetTelemetry } from '@gse/telemetry';

const TOKEN_MINT_ENDPOINT = 'POST /app/installations/{installation_id}/access_tokens';
/** Only the LOC fallback reads single commits (`collect-commit-loc.ts` in `@gse/scrape`). */
const COMMIT_DETAIL_ENDPOINT = SCRAPE_CATALOG.loc.endpoints.commitDetail;

/**
 * Turns every GitHub request the clients report into fleet telemetry: requests by
 * endpoint and status, the installation's rate-limit gauges, secondary-limit hits, and
 * commit details read by the LOC fallback.
 */
export function recordGitHubRequest(telemetry: FleetTelemetry, report: GitHubRequestReport): void {
  const { org, status } = report;
  telemetry.increment(FLEET_METRICS.githubRequests, {
    org,
    endpoint: report.endpoint,
    status: status === undefined ? 'no_response' : String(status),
    counted: String(report.counted),
  });
  // A secondary limit answers 403/429 while the primary window still has requests left;
  // exhaustion reads remaining 0 (docs/github-limitations.md).
  if ((status === 403 || status === 429) && (report.rateLimitRemaining ?? 0) > 0) {
    telemetry.increment(FLEET_METRICS.githubSecondaryLimitHits, { org });
  }
  if (report.endpoint === COMMIT_DETAIL_ENDPOINT && status === 200) {
    telemetry.increment(FLEET_METRICS.locFallbackCommits, { org });
  }
  // A token mint is counted against the App (its JWT), not the installation's window.
  if (report.endpoint === TOKEN_MINT_ENDPOINT) return;
  const installation = { org, installation_id: String(report.installationId) };
  if (report.rateLimitRemaining !== undefined) {
    telemetry.set(FLEET_METRICS.githubRateLimitRemaining, installation, report.rateLimitRemaining);
  }
  if (report.rateLimitLimit !== undefined) {
    telemetry.set(FLEET_METRICS.githubRateLimitLimit, installation, report.rateLimitLimit);
  }
  if (report.rateLimitResetUnixSeconds !== undefined) {
    telemetry.set(
      FLEET_METRICS.githubRateLimitReset,
      installation,
      report.rateLimitResetUnixSeconds,
    );
  }
}

/** Counts a request's wait for the fleet's per-minute budget: refusals and seconds waited. */
export function recordBudgetWait(telemetry: FleetTelemetry, report: BudgetWaitReport): void {
  const labels = { org: report.org, resource: report.resource, priority: report.priority };
  telemetry.increment(FLEET_METRICS.githubBudgetDenied, labels, report.denials);
  telemetry.increment(FLEET_METRICS.githubBudgetWaitSeconds, labels, report.waitedMs / 1000);
}
