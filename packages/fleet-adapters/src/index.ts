export { recordBudgetWait, recordGitHubRequest } from './github-request-telemetry.js';
export {
  recordCollectorRuns,
  recordRepoScrape,
  recordRepoScrapeFailure,
  removeRepoTelemetry,
  type ScrapeSource,
} from './scrape-outcome-telemetry.js';
export {
  createOrgGitHubClients,
  type OrgGitHubClients,
  type OrgGitHubClientsOptions,
  type OrgInstallation,
} from './org-github-clients.js';
export { openFleetRedis, type FleetRedis, type FleetRedisOptions } from './fleet-redis.js';
export {
  createFleetScrapeDeps,
  toScrapeOptions,
  type FleetScrapeDeps,
} from './fleet-scrape-deps.js';
export { openFleetScrapeQueues } from './fleet-scrape-queues.js';
export {
  createFleetBackfillOutbox,
  toBackfillOutboxObserver,
  type FleetBackfillOutboxOptions,
} from './fleet-backfill-outbox.js';
export {
  COPILOT_REPORT_LAG_DAYS,
  createCopilotFleetBackfillHandler,
  createCopilotSchedule,
  createCopilotWorker,
  toCopilotFleetOptions,
  toCopilotScopes,
  type CopilotFleetConfig,
  type CopilotFleetOptions,
  type CopilotSchedule,
  type CopilotSettings,
} from './fleet-copilot.js';
