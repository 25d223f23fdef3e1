export {
  discoverRepos,
  type DiscoveredRepo,
  type DiscoverReposRequest,
  type RepoDiscovery,
} from './discover-repos.js';
export { StatsNotReadyError } from './collect-loc.js';
export { toMissingReason, type MissingReason } from './missing-reason.js';
export type { LocOptions, LocTruncation, ScrapeOptions, ScrapeWindow } from './scrape-context.js';
export {
  scrapeRepo,
  type CollectorRun,
  type MissingResource,
  type PendingHistory,
  type RepoScrapeOutcome,
  type ScrapeRepoDeps,
  type ScrapeRepoRequest,
} from './scrape-repo.js';
export {
  isCoveredByNextScrape,
  toIncrementalBackfillNeeds,
  toUncoveredResources,
} from './backfill-coverage.js';
export {
  ARCHIVAL_CLOCK_MARGIN_MS,
  recomputeSeries,
  syncOrgRepos,
  type SyncOrgReposDeps,
  type SyncOrgReposResult,
} from './sync-org-repos.js';
export {
  detectRepoChanges,
  FINGERPRINT_SETTLE_MS,
  storeFingerprintAfterScrape,
  toFingerprintAfterScrape,
  toRepoFingerprint,
  type ChangedRepo,
  type ChangeReason,
  type DetectRepoChangesRequest,
  type RepoChanges,
} from './detect-repo-changes.js';
export {
  budgetBoundSeconds,
  INTERVAL_CHOICES_MS,
  planOrgCost,
  REQUEST_COSTS,
  type BudgetName,
  type InstallationLimits,
  type OrgActivity,
  type OrgCostPlan,
  type PhaseCost,
  type PlanConfig,
  type SteadyState,
} from './plan/org-cost-plan.js';
export { probeOrgActivity, type OrgProbe } from './plan/probe-org-activity.js';
export { readsHistoryInBackground } from './first-read.js';
export {
  planCommentReconciles,
  type CommentReconcile,
  type CommentReconcilePlan,
  type PlanCommentReconcilesRequest,
} from './plan-comment-reconciles.js';
export {
  checkUserLogins,
  type CheckUserLoginsRequest,
  type CheckUserLoginsResult,
} from './check-user-logins.js';
