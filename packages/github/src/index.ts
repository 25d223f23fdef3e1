export { abortableSleep, type Sleep } from './abortable-sleep.js';
export { computeBackoffMs, type RetryOptions } from './backoff.js';
export { classifyGitHubError } from './classify-github-error.js';
export type {
  BudgetAnswer,
  BudgetDraw,
  BudgetPriority,
  BudgetResource,
  CachedInstallationToken,
  EtagCache,
  InstallationSemaphore,
  InstallationTokenCache,
  PrimaryBudgetView,
  RequestBudget,
  SemaphoreLease,
} from './client-ports.js';
export { etagKeyOf, type RepoIdentity } from './etag-key.js';
export {
  createGitHubClient,
  type Decode,
  type GetRoute,
  type GitHubClient,
  type GitHubClientOptions,
  type JsonResult,
  type Page,
  type PaginateOptions,
  type RouteParams,
} from './github-client.js';
export type { GitHubErrorDecision } from './github-error-decision.js';
export {
  GitHubGraphqlUnsupportedError,
  GitHubNetworkError,
  GitHubRequestError,
  GitHubResponseError,
  type GraphqlUnsupportedReason,
} from './github-errors.js';
export type {
  BudgetWaitObserver,
  BudgetWaitReport,
  GitHubRequestObserver,
  GitHubRequestReport,
} from './github-request-report.js';
export type { RateLimitOptions } from './rate-limit-gate.js';
export { toSecondaryPoints } from './secondary-points.js';
export {
  decodeCommitDetail,
  decodeCommitList,
  decodeContributorStats,
  decodeCommentList,
  decodeOrgActivity,
  decodePullList,
  decodeRateLimits,
  decodeRepoChanges,
  decodeReviewList,
  decodeUserById,
} from './collectors/github-decoders.js';
export type {
  CommitDetail,
  CommitListItem,
  ContributorStats,
  Comment,
  PullListItem,
  RateLimits,
  Review,
  UserById,
} from './collectors/github-payloads.js';
export {
  DELETED_ACCOUNT_LOGIN,
  toAccountSightings,
  toCommitEvent,
  toCommitSightings,
  toCommentEvent,
  toPullEvents,
  toReviewEvent,
  toWeeklyLoc,
} from './collectors/to-activity-events.js';
export {
  decodeOrgHealth,
  encodeOrgHealth,
  HEALTHY_ORG,
  isScrapingAllowed,
  toNextOrgHealth,
  type HealthObservation,
  type OrgHealth,
  type OrgHealthPolicy,
} from './github-health.js';
export {
  ORG_ACTIVITY_QUERY,
  toOrgActivityVariables,
  type OrgActivityData,
  type OrgActivityVariables,
} from './graphql/org-activity-query.js';
export {
  REPO_CHANGES_QUERY,
  type RepoChangesData,
  type RepoChangesNode,
  type RepoChangesVariables,
} from './graphql/repo-changes-query.js';
