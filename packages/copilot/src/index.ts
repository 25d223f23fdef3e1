export {
  toCopilotUsage,
  type CopilotScope,
  type CopilotUsage,
  type CopilotUsageOptions,
} from './aggregate-copilot-usage.js';
export { toCopilotAggregateLine, type CopilotDayTotals } from './copilot-aggregate-record.js';
export {
  AGGREGATE_USER_LABEL,
  toCopilotAggregateUsage,
  type CopilotAggregateOptions,
} from './copilot-aggregate-usage.js';
export type { CopilotSample } from './copilot-sample-sums.js';
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
  toCopilotUserLine,
  type CopilotRecord,
  type ParsedCopilotFile,
} from './copilot-record.js';
export {
  CopilotDownloadError,
  readCopilotReport,
  type CopilotReport,
  type CopilotReportKind,
  type CopilotReportReading,
  type CopilotReportRequest,
} from './copilot-report-client.js';
export { toCopilotUserLabel, type CopilotUserLabelMode } from './copilot-user-label.js';
export {
  backfillCopilotDays,
  publishCopilotScope,
  syncCopilotScope,
  syncLatestCopilotReport,
  toCopilotBackfillRequest,
  toCopilotTargetOf,
  type CopilotFailure,
  type CopilotScopeRef,
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
