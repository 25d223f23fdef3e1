import { toActivityScope } from '@gse/activity';
import type { Config } from '@gse/config';
import { createService, type Service, type ServiceDeps } from '@gse/lifecycle';
import { COPILOT_QUEUE, createScrapeQueues, toBackfillTopology } from '@gse/queues';
import {
  readStatusInputs,
  toStatusReport,
  type StatusContext,
  type StatusSources,
} from '@gse/status';
import {
  createInstanceHeartbeat,
  createRedisConnection,
  createRedisRequestBudget,
} from '@gse/store';
import { Queue } from 'bullmq';

import { createAdminServer } from './admin-server.js';
import { createGatewayHealth } from './gateway-health.js';
import {
  createGatewayProcessMetrics,
  type GatewayProcessMetrics,
} from './gateway-process-metrics.js';
import { createMetricsSnapshotReader, type MetricsSnapshot } from './metrics-snapshot.js';
import { createPublicServer } from './public-server.js';
import { createRedisLink } from './redis-link.js';
import { createSnapshotCache, SnapshotUnavailableError } from './snapshot-cache.js';

/** Tuning a deployment never needs; tests and the benchmark set them. */
export interface MetricsGatewayOptions {
  /** A Redis read pass running longer than this is abandoned (10 s: Prometheus's default scrape timeout). */
  readonly readTimeoutMs?: number;
  /** After a failed pass, the next one is tried on the first scrape after this (the refresh interval, at most 5 s). */
  readonly retryAfterFailureMs?: number;
  /** Repos per Redis call of a read pass (100). */
  readonly batchRepos?: number;
  /** Redis calls in flight during a read pass (2). */
  readonly concurrency?: number;
}

const DEFAULT_READ_TIMEOUT_MS = 10_000;
const MAX_RETRY_AFTER_FAILURE_MS = 5_000;

/**
 * Composition root of the metrics gateway: the probe server on
 * `services.metrics_gateway.listen_addr` (its own process metrics), and the public endpoint
 * on `server.listen_addr`: `/metrics` rendered from Redis (every business series and the
 * fleet telemetry, the same body on every replica), `/livez`, `/readyz`, `/healthz`; and,
 * when `services.admin.listen_addr` is set, the admin listener: the status page,
 * `/status.json` and Bull Board (docs/operations.md).
 */
export function createMetricsGateway(
  { config, logger }: ServiceDeps<Config>,
  options: MetricsGatewayOptions = {},
): Service {
  const { store } = config;
  let processMetrics: GatewayProcessMetrics | undefined;
  return createService({
    logger,
    probe: config.services.metricsGateway.listenAddr,
    shutdownTimeoutMs: config.services.shutdownTimeoutMs,
    start: async ({ readiness, registry, defer }) => {
      // The registry outlives a run (start, stop, start): its metrics are created once.
      const metrics = (processMetrics ??= createGatewayProcessMetrics(registry));
      const link = createRedisLink(
        createRedisConnection(store, { connectionName: 'metrics-gateway', role: 'request' }),
        logger,
      );
      defer('redis connection', () => link.close());
      link.open();

      const snapshots = createSnapshotCache({
        read: createMetricsSnapshotReader({
          link,
          keyPrefix: store.keyPrefix,
          ...(options.batchRepos === undefined ? {} : { batchRepos: options.batchRepos }),
          ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
        }),
        maxAgeMs: store.metricRefreshIntervalMs,
        retryAfterFailureMs:
          options.retryAfterFailureMs ??
          Math.min(store.metricRefreshIntervalMs, MAX_RETRY_AFTER_FAILURE_MS),
        readTimeoutMs: options.readTimeoutMs ?? DEFAULT_READ_TIMEOUT_MS,
        onReadPass: (outcome) => {
          metrics.recordReadPass(outcome);
          if (outcome.result === 'failure') {
            logger.warn('redis read pass failed; serving the last good render', {
              durationMs: outcome.durationMs,
              error: outcome.error instanceof Error ? outcome.error.message : String(outcome.error),
            });
            return;
          }
          const snapshot = outcome.snapshot;
          if (!snapshot) return;
          const { activity } = snapshot;
          if (activity.corruptSeriesCount > 0 || snapshot.malformedFleetSamples > 0) {
            logger.warn('corrupt series left out of the render', {
              corruptSeries: activity.corruptSeriesCount,
              malformedFleetSamples: snapshot.malformedFleetSamples,
              examples: activity.corruptSeries.map((series) => ({
                org: series.org,
                repo: series.repo,
                user: series.user,
              })),
            });
          }
          logger.debug('redis read pass done', {
            durationMs: outcome.durationMs,
            series: activity.seriesCount,
            repos: activity.blocks.length,
          });
        },
      });
      defer('metrics snapshots', () => {
        snapshots.close();
      });

      const health = createGatewayHealth({
        link,
        keyPrefix: store.keyPrefix,
        orgs: config.github.orgs,
        budgets: {
          budget: createRedisRequestBudget({
            redis: link.redis,
            keyPrefix: store.keyPrefix,
            pointsPerWindow: {
              rest: config.rateLimit.restPointsPerMinute,
              graphql: config.rateLimit.graphqlPointsPerMinute,
            },
            scheduledReserve: config.rateLimit.scheduledPointsReserve,
          }),
          installations: config.github.orgs,
        },
        backfillEnabled: config.backfill.enabled,
        leaderElectionEnabled: config.leaderElection.enabled,
        snapshots,
      });
      readiness.register('render', () => health.checkRender());
      metrics.watchStaleness(() => health.isStale());

      const server = createPublicServer({
        listen: config.server.listenAddr,
        tls: config.server.tls,
        readiness,
        health,
        snapshots,
        auth: config.server.auth,
        maxSeriesBudget: store.maxSeriesBudget,
        activityFamilies: toActivityScope(config.github.optionalResources).metrics,
        processMetrics: metrics,
        logger,
      });
      defer('public http server', () => server.close());
      await server.listen();

      const heartbeat = createInstanceHeartbeat({
        redis: link.redis,
        keyPrefix: store.keyPrefix,
        service: 'metrics-gateway',
        logger,
      });
      defer('instance heartbeat', () => heartbeat.close());

      const { admin } = config.services;
      if (admin.listenAddr === undefined) return;
      const queues = createScrapeQueues({
        connection: link.redis,
        prefix: config.bullmq.prefix,
        jobAttempts: config.bullmq.jobAttempts,
        keepCompletedMs: config.bullmq.keepCompletedMs,
        keepFailedMs: config.bullmq.keepFailedMs,
      });
      defer('scrape queues', () => queues.close());
      // Bull Board shows the Copilot reads too where they are scheduled.
      const copilotQueue = config.copilot.enabled
        ? new Queue(COPILOT_QUEUE, { connection: link.redis, prefix: config.bullmq.prefix })
        : undefined;
      if (copilotQueue) defer('copilot queue', () => copilotQueue.close());
      const topology = toBackfillTopology(config.amqp, config.backfill.requeueDelaysMs);
      const statusContext: StatusContext = {
        orgs: config.github.orgs,
        backfillQueues: {
          main: topology.mainQueue,
          retry: topology.retryQueues.map((queue) => queue.name),
          dlq: topology.dlq,
        },
      };
      const statusSources: StatusSources = {
        redis: link.redis,
        keyPrefix: store.keyPrefix,
        readQueueDepths: (nowMs) => queues.readDepths(nowMs),
        // The render /metrics shares (one read pass per refresh interval).
        seriesByOrg: async () => {
          try {
            return toSeriesByOrg((await snapshots.acquire()).snapshot);
          } catch (error) {
            // No read pass has succeeded yet: no series are known.
            if (error instanceof SnapshotUnavailableError) return new Map();
            throw error;
          }
        },
      };
      const adminServer = createAdminServer({
        listen: admin.listenAddr,
        auth: admin.auth,
        bullBoardReadOnly: admin.bullBoardReadOnly,
        queues: [queues.orgs, queues.repos, ...(copilotQueue ? [copilotQueue] : [])],
        status: async () =>
          toStatusReport(await readStatusInputs(statusSources, Date.now()), statusContext),
        logger,
      });
      defer('admin http server', () => adminServer.close());
      await adminServer.listen();
    },
  });
}

/** Series per org in a render: each repo's user series added up. */
function toSeriesByOrg(snapshot: MetricsSnapshot): Map<string, number> {
  const byOrg = new Map<string, number>();
  for (const block of snapshot.activity.blocks) {
    byOrg.set(block.org, (byOrg.get(block.org) ?? 0) + block.users.length);
  }
  return byOrg;
}
