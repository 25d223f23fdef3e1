export { recordGitHubRequest } from './github-request-telemetry.js';
export { recordCollectorRuns } from './scrape-collector-telemetry.js';
export {
  createOrgGitHubClients,
  type OrgGitHubClients,
  type OrgGitHubClientsOptions,
  type OrgInstallation,
} from './org-github-clients.js';
export { openFleetRedis, type FleetRedis, type FleetRedisOptions } from './fleet-redis.js';
export {
  createFleetBackfillOutbox,
  toBackfillOutboxObserver,
  type FleetBackfillOutboxOptions,
} from './fleet-backfill-outbox.js';
