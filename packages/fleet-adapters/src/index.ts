export { recordGitHubRequest } from './github-request-telemetry.js';
export {
  createOrgGitHubClients,
  type OrgGitHubClients,
  type OrgGitHubClientsOptions,
  type OrgInstallation,
} from './org-github-clients.js';
export { closeRedis, connectRedis, pingRedis } from './redis-readiness.js';
export {
  createFleetBackfillProducer,
  toBackfillProducerObserver,
  type FleetBackfillProducerOptions,
} from './fleet-backfill-producer.js';
