import { GitHubNetworkError, GitHubRequestError, GitHubResponseError } from '@gse/github';

import { StatsNotReadyError } from './collect-loc.js';

/**
 * Why a resource could not be read; a label of the backfill and telemetry metrics, so a
 * small closed set:
 * - `github_unavailable`: network errors, 5xx, timeouts (retrying later may succeed)
 * - `rate_limited`: primary or secondary limit still in the way after waiting
 * - `github_rejected`: a permanent refusal (401 after renewal, 403, 404, 422)
 * - `malformed_response`: GitHub's answer did not have the promised shape
 * - `stats_computing`: `/stats/contributors` kept answering 202
 *
 * A spent LOC fallback budget is none of these: the LOC refresh completes truncated, says so
 * (`RepoScrapeOutcome.locTruncation`) and is retried when the budget renews.
 */
export type MissingReason =
  | 'github_unavailable'
  | 'rate_limited'
  | 'github_rejected'
  | 'malformed_response'
  | 'stats_computing';

/** The reason for a GitHub-side failure, or `undefined` for anything else (rethrow it). */
export function toMissingReason(error: unknown): MissingReason | undefined {
  if (error instanceof StatsNotReadyError) return 'stats_computing';
  if (error instanceof GitHubResponseError) return 'malformed_response';
  if (error instanceof GitHubNetworkError) return 'github_unavailable';
  if (error instanceof GitHubRequestError) {
    switch (error.decision.kind) {
      case 'retry':
        return 'github_unavailable';
      case 'wait-primary':
      case 'wait-secondary':
        return 'rate_limited';
      case 'renew-token':
      case 'permanent':
        return 'github_rejected';
    }
  }
  return undefined;
}
