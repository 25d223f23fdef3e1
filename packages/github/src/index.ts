export { abortableSleep, type Sleep } from './abortable-sleep.js';
export { computeBackoffMs, type RetryOptions } from './backoff.js';
export { classifyGitHubError } from './classify-github-error.js';
export type {
  CachedInstallationToken,
  EtagCache,
  InstallationSemaphore,
  InstallationTokenCache,
  SemaphoreLease,
} from './client-ports.js';
export {
  createGitHubClient,
  type Decode,
  type GetRoute,
  type GitHubClient,
  type GitHubClientOptions,
  type JsonResult,
  type Page,
  type RouteParams,
} from './github-client.js';
export type { GitHubErrorDecision } from './github-error-decision.js';
export { GitHubNetworkError, GitHubRequestError, GitHubResponseError } from './github-errors.js';
export type { GitHubRequestObserver, GitHubRequestReport } from './github-request-report.js';
export type { RateLimitOptions } from './rate-limit-gate.js';
