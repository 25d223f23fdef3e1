export {
  BACKFILL_RESOURCES,
  COPILOT_BACKFILL_RESOURCES,
  isCopilotBackfillResource,
  type BackfillProducer,
  type BackfillRequest,
  type BackfillResource,
  type CopilotBackfillResource,
} from './backfill-request.js';
export {
  COPILOT_QUEUE,
  decodeOrgScrapeJob,
  decodeRepoScrapeJob,
  SCRAPE_QUEUES,
  toOrgScrapeJobId,
  toOrgDeduplicationId,
  toRepoDeduplicationId,
  toRepoScrapeJobId,
  type OrgScrapeJob,
  type RepoScrapeJob,
  type ScrapeQueueName,
} from './bullmq/scrape-jobs.js';
export { toDueSlotStartMs, toSlotStartMs, toSlotWindow } from './bullmq/scrape-slots.js';
export {
  createScrapeQueues,
  type QueueDepth,
  type ScrapeQueues,
  type ScrapeQueuesOptions,
} from './bullmq/scrape-queues.js';
export { createScrapeWorker, type ScrapeWorkerOptions } from './bullmq/scrape-worker.js';
export {
  AmqpUnavailableError,
  createAmqpConnection,
  type AmqpConnection,
  type AmqpConnectionOptions,
} from './amqp/amqp-connection.js';
export {
  createBackfillConsumer,
  type BackfillConsumer,
  type BackfillConsumerOptions,
} from './amqp/backfill-consumer.js';
export type {
  BackfillConsumerObserver,
  BackfillHandler,
  BackfillHandlerContext,
  BackfillOutcome,
} from './amqp/backfill-delivery.js';
export {
  listDeadLetters,
  publishBackfillMessages,
  requeueDeadLetters,
  type BackfillOperationsContext,
  type DeadLetter,
} from './amqp/backfill-operations.js';
export { readBackfillQueueStats, type BackfillQueueStats } from './amqp/backfill-queue-stats.js';
export {
  drainLegacyBackfillQueues,
  type LegacyDrainSummary,
} from './amqp/legacy-backfill-queues.js';
export {
  BACKFILL_TOPOLOGY_SUFFIX,
  backfillQueues,
  declareBackfillTopology,
  DEFAULT_DELIVERY_LIMIT,
  toBackfillTopology,
  type AmqpNames,
  type BackfillTopology,
  type RetryQueue,
} from './amqp/backfill-topology.js';
export {
  DEAD_LETTER_HEADERS,
  parseDeadLetterHeaders,
  type DeadLetterInfo,
} from './amqp/dead-letter-headers.js';
export { alignToGrid, coalesceBackfillRequests } from './backfill-coalesce.js';
export {
  decideBackfillFailure,
  type BackfillFailureDecision,
  type DeadLetterReason,
} from './backfill-ladder.js';
export { resolveBackfillRepo, type BackfillRepoTarget } from './backfill-repo.js';
export {
  BACKFILL_MESSAGE_TYPE,
  BACKFILL_MESSAGE_VERSION,
  decodeBackfillMessage,
  encodeBackfillMessage,
  toBackfillCoveringDigests,
  toBackfillDedupDigest,
  toBackfillRepoIdentity,
  type BackfillMessage,
  type DecodedBackfillMessage,
} from './backfill-message.js';
export {
  createBackfillOutbox,
  HISTORY_BACKFILL_REASON,
  type BackfillOutbox,
  type BackfillOutboxObserver,
  type BackfillOutboxOptions,
  type BackfillOutboxSettings,
  type BackfillOutboxSummary,
} from './backfill-outbox.js';
export {
  createBackfillPublisher,
  type BackfillPublisher,
  type BackfillPublisherObserver,
  type BackfillPublisherOptions,
  type BackfillPublisherSettings,
  type BackfillSweepSummary,
} from './backfill-publisher.js';
export type {
  BackfillAdmission,
  BackfillAdmissionEntry,
  BackfillLimits,
  BackfillPending,
  BackfillStateStore,
  QueueMove,
} from './backfill-state.js';
