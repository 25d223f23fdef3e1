export * from './dataset/index.js';
export * from './ground-truth.js';
export type * from './model.js';
export {
  createGitHubSimulator,
  type GitHubSimulator,
  type GitHubSimulatorOptions,
  type SimAppCredentials,
  type SimEnterpriseCredentials,
  type WrittenAppKey,
} from './server/simulator.js';
export type { SimControl, SimRepoSummary } from './server/sim-control.js';
export type {
  AddIssueCommentInput,
  AddReviewCommentInput,
  AddReviewInput,
  OpenPullInput,
} from './server/event-input.js';
export type {
  ErrorBurstFault,
  FaultScope,
  FaultsSnapshot,
  LatencyFault,
  MalformedFault,
  OutageFault,
  PermissionFault,
  SecondaryLimitFault,
} from './server/faults.js';
export type {
  EndpointCounter,
  InstallationCounter,
  KindCounter,
  SecondaryHitCause,
  SimCounters,
} from './server/request-counters.js';
export {
  DEFAULT_SIM_LIMITS,
  MAX_REST_PRIMARY_PER_HOUR,
  parseSimLimits,
  type InstallationLimitsState,
  type SimLimits,
  type SimLimitsReport,
} from './server/sim-limits.js';
export type { RateLimitState } from './server/rate-limiter.js';
export { ControlInputError } from './server/control-input.js';
export {
  COPILOT_SIM_FIELDS,
  copilotRecordOf,
  copilotRecordsOf,
  createCopilotWorld,
  latestReportDay,
  parseCopilotDay,
  reportDays,
  STANDARD_COPILOT_ENTERPRISE,
  toCopilotDay,
  type CopilotEnterprise,
  type CopilotSeat,
  type CopilotUserRecord,
  type CopilotWorld,
  type CopilotWorldOptions,
} from './copilot/copilot-world.js';
export {
  COPILOT_SIM_PULL_REQUEST_FIELDS,
  copilotDayTotalsOf,
  copilotDayTotalsOfDays,
  type CopilotDayTotalsRecord,
} from './copilot/copilot-aggregate-world.js';
export {
  copilotAggregateGroundTruth,
  copilotGroundTruth,
  type CopilotExpectedSample,
  type CopilotGroundTruthOptions,
} from './copilot/copilot-ground-truth.js';
export type {
  CopilotDownloadCounters,
  CopilotReportHost,
  CopilotReportRef,
} from './copilot/copilot-report-host.js';
