import { GitHubNetworkError, GitHubRequestError, GitHubResponseError } from '@gse/github';

import { LocBudgetExhaustedError } from './collect-commit-loc.js';
import { StatsNotReadyError } from './collect-loc.js';

/**
 * Why a resource could not be read; a label of the backfill and telemetry metrics, so a
 * small closed set:
 * - `github_unavailable`: network errors, 5xx, timeouts (retrying later may succeed)
 * - `rate_limited`: primary or secondary limit still in the way after waiting
 * - `github_rejected`: a permanent refusal (401 after renewal, 403, 404, 422)
 * - `malformed_response`: GitHub's answer did not have the promised shape
 * - `stats_computing`: `/stats/contributors` kept answering 202
 * - `loc_budget_exhausted`: the LOC fallback's fleet-wide budget ran out (LOC truncated)
 */
export type MissingReason =
  | 'github_unavailable'
  | 'rate_limited'
  | 'github_rejected'
  | 'malformed_response'
  | 'stats_computing'
  | 'loc_budget_exhausted';

/** The reason for a GitHub-side failure, or `undefined` for anything else (rethrow it). */
export function toMissingReason(error: unknown): MissingReason | undefined {
  if (error instanceof StatsNotReadyError) return 'stats_computing';
  if (error instanceof LocBudgetExhaustedError) return 'loc_budget_exhausted';
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
