export {
  toCopilotUsage,
  type CopilotSample,
  type CopilotScope,
  type CopilotUsage,
  type CopilotUsageOptions,
} from './aggregate-copilot-usage.js';
export {
  copilotWindowEnding,
  daysBetween,
  latestCopilotDay,
  toBackfillDays,
  toCopilotDay,
  toDayWindowMs,
} from './copilot-days.js';
export {
  parseCopilotNdjson,
  toCopilotRecord,
  type CopilotRecord,
  type ParsedCopilotFile,
} from './copilot-record.js';
export {
  CopilotDownloadError,
  readCopilotReport,
  type CopilotReport,
  type CopilotReportRequest,
} from './copilot-report-client.js';
export { toCopilotUserLabel, type CopilotUserLabelMode } from './copilot-user-label.js';
export {
  backfillCopilotDays,
  publishCopilotScope,
  syncLatestCopilotReport,
  toCopilotBackfillRequest,
  type CopilotSyncDeps,
  type CopilotSyncOptions,
  type CopilotSyncOutcome,
  type CopilotTarget,
} from './sync-copilot-scope.js';
export {
  createCopilotBackfillHandler,
  toCopilotTarget,
  type CopilotBackfillDeps,
} from './copilot-backfill-handler.js';
