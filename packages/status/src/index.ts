export { readStatusInputs, type StatusSources } from './read-status-inputs.js';
export { formatSeconds, renderStatusPage } from './render-status-page.js';
export {
  toStatusReport,
  type BackfillQueueStatus,
  type InstanceStatus,
  type OrgStatus,
  type RateLimitStatus,
  type StatusContext,
  type StatusInputs,
  type StatusReport,
} from './status-report.js';
