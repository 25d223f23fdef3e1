import type { Config } from '@gse/config';
import { createCopilotFleetBackfillHandler, toCopilotFleetOptions } from '@gse/fleet-adapters';
import {
  createFleetScrapeDeps,
  createOrgGitHubClients,
  openFleetRedis,
  recordBudgetWait,
  recordGitHubRequest,
} from '@gse/fleet-adapters';
import { decodeOrgHealth } from '@gse/github';
import {
  createService,
  type CheckResult,
  type Service,
  type ServiceDeps,
  type ServiceScope,
} from '@gse/lifecycle';
import {
  createBackfillConsumer,
  createBackfillPublisher,
  type BackfillConsumer,
} from '@gse/queues';
import {
  createHistoryPendingStore,
  createOrgRepoSync,
  createRedisBackfillState,
  createStoreKeys,
} from '@gse/store';

import { createBackfillProcessor } from './backfill-processor.js';
import {
  reportAmqpBlocked,
  reportDependency,
  SERVICE_NAME,
  startQueueStatsLoop,
  toConsumerObserver,
  toPublisherObserver,
} from './backfill-telemetry.js';

/** Intervals a test may shorten; production uses the defaults. */
export interface BackfillWorkerTuning {
  /** How often the queue depth and age gauges are refreshed (5 s). */
  readonly queueStatsIntervalMs?: number;
  /**
   * How often the worker publishes the Redis outbox (windows the scraper workers and the
   * scheduler stored) and the overflow the per-org cap allows again into the main queue (5 s).
   */
  readonly sweepIntervalMs?: number;
  /** How long RabbitMQ has to confirm a sweep's messages before they wait for the next (10 s). */
  readonly confirmTimeoutMs?: number;
  /** How often fleet telemetry goes to Redis (1 s). */
  readonly telemetryFlushIntervalMs?: number;
  /** Wait before handing a message back after RabbitMQ refused a publish (1 s). */
  readonly republishBackoffMs?: number;
  /** Longest wait between RabbitMQ reconnection attempts (5 s). */
  readonly amqpMaxReconnectDelayMs?: number;
  /** The scrapes' clock (default: Redis's `TIME`, the window anchor every process shares). */
  readonly now?: () => number;
}

/**
 * Composition root of the backfill worker, the fleet's only RabbitMQ client: Redis (ledger,
 * backfill state, fleet telemetry), the GitHub clients, the publisher of the outbox and the
 * consumer of the main backfill queue,
 * with its probe server (`/livez` `/readyz` `/metrics`) on `services.backfill_worker.listen_addr`.
 * With `backfill.enabled: false` only the probe server runs.
 */
export function createBackfillWorker(
  { config, logger }: ServiceDeps<Config>,
  tuning: BackfillWorkerTuning = {},
): Service {
  return createService({
    logger,
    probe: config.services.backfillWorker.listenAddr,
    shutdownTimeoutMs: config.services.shutdownTimeoutMs,
    start: async (scope) => {
      if (!config.backfill.enabled) {
        logger.info('backfill disabled; not consuming');
        return;
      }
      await startWorker(config, scope, tuning);
    },
  });
}

async function startWorker(
  config: Config,
  scope: ServiceScope,
  tuning: BackfillWorkerTuning,
): Promise<void> {
  const { logger } = scope;
  const keyPrefix = config.store.keyPrefix;
  const { redis, telemetry, heartbeat } = openFleetRedis({
    store: config.store,
    service: SERVICE_NAME,
    role: 'worker',
    scope,
    ...(tuning.telemetryFlushIntervalMs === undefined
      ? {}
      : { telemetryFlushIntervalMs: tuning.telemetryFlushIntervalMs }),
  });

  const state = createRedisBackfillState({ redis, keyPrefix });
  const scrape = createFleetScrapeDeps({ config, redis, scope });
  // A backfill re-reads a window exactly and lists an org's repos in full: an ETag another
  // process stored for the same URL would answer 304, with no stored body to go with it.
  // It leaves the schedule its reserve of each installation's budget.
  const clients = createOrgGitHubClients({
    github: config.github,
    rateLimit: config.rateLimit,
    scheduleReserve: config.backfill.rateLimitReserve,
    retry: config.retry,
    priority: 'background',
    conditionalRequests: false,
    redis,
    keyPrefix,
    onRequest: (report) => {
      recordGitHubRequest(telemetry, report);
    },
    onBudgetWait: (report) => {
      recordBudgetWait(telemetry, report);
    },
    logger,
    signal: scope.signal,
  });

  const amqpHealth = { publisher: false, consumer: false };
  const onAmqpChange = (side: keyof typeof amqpHealth) => (connected: boolean) => {
    amqpHealth[side] = connected;
    reportDependency(telemetry, 'amqp', amqpHealth.publisher && amqpHealth.consumer);
  };
  const amqp = { ...config.amqp };
  const reconnect =
    tuning.amqpMaxReconnectDelayMs === undefined
      ? {}
      : { maxReconnectDelayMs: tuning.amqpMaxReconnectDelayMs };
  reportAmqpBlocked(telemetry, false);
  const publisher = createBackfillPublisher({
    amqp,
    backfill: config.backfill,
    state,
    logger,
    connectionName: `${SERVICE_NAME} publisher`,
    observer: toPublisherObserver(telemetry),
    onConnectionChange: onAmqpChange('publisher'),
    // Blocked is not a readiness failure: the worker still consumes and acks, and a broker-wide
    // alarm taking every replica out of service would only stall rollouts. It is a metric, an
    // alert and the gateway's /healthz instead (docs/decisions/0011-amqp-only-in-the-backfill-worker.md).
    onBlockedChange: (blocked) => {
      reportAmqpBlocked(telemetry, blocked);
    },
    sweepIntervalMs: tuning.sweepIntervalMs ?? 5000,
    ...(tuning.confirmTimeoutMs === undefined ? {} : { confirmTimeoutMs: tuning.confirmTimeoutMs }),
    ...reconnect,
  });
  scope.defer('backfill publisher', () => publisher.close());
  await publisher.start();

  const consumer: BackfillConsumer = createBackfillConsumer({
    amqp,
    backfill: config.backfill,
    state,
    handler: createBackfillProcessor({
      clients,
      scrape,
      repoNames: createOrgRepoSync({ redis, keyPrefix }),
      historyPending: createHistoryPendingStore({ redis, keyPrefix }),
      telemetry,
      orgHealth: async (org) =>
        decodeOrgHealth(await redis.hget(createStoreKeys(keyPrefix).orgHealth, org)),
      signal: scope.signal,
      ...(tuning.now ? { now: tuning.now } : {}),
      ...(config.copilot.enabled
        ? {
            copilot: createCopilotFleetBackfillHandler(
              toCopilotFleetOptions(config, {
                redis,
                telemetry,
                logger,
                signal: scope.signal,
                ...(tuning.now ? { now: tuning.now } : {}),
              }),
            ),
          }
        : {}),
    }),
    logger,
    connectionName: SERVICE_NAME,
    observer: toConsumerObserver(telemetry),
    onConnectionChange: onAmqpChange('consumer'),
    signal: scope.signal,
    ...reconnect,
    ...(tuning.republishBackoffMs === undefined
      ? {}
      : { republishBackoffMs: tuning.republishBackoffMs }),
  });

  scope.readiness.register('amqp', (): CheckResult =>
    publisher.connected && consumer.connected
      ? { ok: true }
      : { ok: false, reason: 'RabbitMQ not connected' },
  );
  // Consumers last: on stop, intake ends first and in-flight messages are handed back.
  await consumer.start();
  scope.defer('backfill consumer', () => consumer.close());
  // RabbitMQ tells a client a queue's ready messages, not its unacked ones: each worker
  // reports the deliveries it holds, and the status page adds them up.
  heartbeat.setCounts(() => ({ unacked: consumer.inFlight }));
  // Reads over the consumer's connection: stopped before it closes.
  const stats = startQueueStatsLoop({
    connection: consumer.connection,
    topology: consumer.topology,
    state,
    telemetry,
    logger,
    intervalMs: tuning.queueStatsIntervalMs ?? 5000,
  });
  scope.defer('backfill queue stats', () => stats.stop());
}
