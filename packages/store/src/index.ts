export {
  createActivityStore,
  StoreConflictError,
  type ActivityStore,
  type ActivityStoreOptions,
  type LedgerRange,
  type ReconcileEventsResult,
  type RecordEventsResult,
  type RefreshSeriesResult,
} from './activity-store.js';
export {
  createRedisCopilotDayStore,
  type CopilotDayStore,
  type CopilotDayStoreOptions,
  type CopilotWindow,
} from './copilot-day-store.js';
export {
  createRedisEtagCache,
  type RedisEtagCache,
  type RedisEtagCacheOptions,
} from './etag-cache.js';
export {
  createRedisInstallationSemaphore,
  type RedisInstallationSemaphore,
  type RedisInstallationSemaphoreOptions,
  type RedisSemaphoreLease,
  type SemaphoreLogger,
} from './installation-semaphore.js';
export {
  createRedisRequestBudget,
  type PrimaryBudgetSnapshot,
  type RedisRequestBudget,
  type RedisRequestBudgetOptions,
  type RequestBudgetDraw,
  type RequestBudgetAnswer,
  type RequestBudgetPriority,
  type RequestBudgetResource,
  type RequestBudgetUsage,
} from './request-budget.js';
export {
  createRedisInstallationTokenCache,
  StoredTokenError,
  type RedisInstallationTokenCache,
  type RedisInstallationTokenCacheOptions,
  type SharedInstallationToken,
} from './installation-token-cache.js';
export {
  createRedisLocFallbackBudget,
  toLocBudgetRenewalMs,
  type LocBudgetDecision,
  type LocFallbackBudget,
  type LocFallbackBudgetOptions,
} from './loc-fallback-budget.js';
export {
  createRedisConnection,
  type RedisConnectionOptions,
  type RedisConnectionRole,
} from './redis-connection.js';
export {
  createRepoCheckpointStore,
  type RepoChangeState,
  type RepoCheckpoints,
  type RepoCheckpointStore,
} from './repo-checkpoints.js';
export { createUserLoginChecks, type LoginCheck, type UserLoginChecks } from './user-logins.js';
export { createHistoryPendingStore, type HistoryPendingStore } from './history-pending.js';
export { createOrgRepoListStore, type ListedRepo, type OrgRepoListStore } from './org-repo-list.js';
export {
  createOrgRepoSync,
  type AdmittedRepo,
  type OrgRepoSync,
  type OrgRepoSyncResult,
  type RepoNameLookup,
} from './org-repo-sync.js';
export { decodeUserActivity, encodeUserActivity, SERIES_CODEC_VERSION } from './series-codec.js';
export {
  createStoreKeys,
  parseRepoId,
  toRepoId,
  type RepoRef,
  type StoreKeys,
} from './store-keys.js';
export {
  createRedisBackfillState,
  type BackfillStateLimits,
  type RedisBackfillState,
  type StoredBackfillMessage,
} from './backfill-state.js';
export {
  createRetentionGc,
  type RetentionGc,
  type RetentionGcOptions,
  type RetentionGcResult,
} from './retention-gc.js';
export {
  readActivitySeries,
  type ActivitySeriesSnapshot,
  type CorruptSeries,
  type ReadActivitySeriesOptions,
  type RepoSeriesBlock,
} from './activity-series-reader.js';
export {
  createInstanceHeartbeat,
  decodeInstanceHeartbeat,
  readInstanceHeartbeats,
  type InstanceHeartbeat,
  type InstanceHeartbeatOptions,
  type InstanceHeartbeatWriter,
} from './instance-heartbeats.js';
