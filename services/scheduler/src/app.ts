import type { Config } from '@gse/config';
import {
  createLeaderElection,
  createLeaderLock,
  LeadershipEndedError,
  type LeaderElection,
  type Leadership,
} from '@gse/leader';
import {
  createFleetBackfillOutbox,
  createOrgGitHubClients,
  openFleetRedis,
  openFleetScrapeQueues,
  recordBudgetWait,
  recordGitHubRequest,
} from '@gse/fleet-adapters';
import { createService, type Service, type ServiceDeps, type ServiceScope } from '@gse/lifecycle';
import { createCopilotSchedule, toCopilotFleetOptions } from '@gse/fleet-adapters';
import { createHistoryPendingStore } from '@gse/store';

import { runLeaderDuties } from './leader-duties.js';
import type { SchedulerContext } from './scheduler-context.js';
import { toErrorMessage } from '@gse/logging';

/**
 * Composition root of the scheduler: campaigns for the leader lock and, while leading,
 * schedules org cycles into BullMQ, probes GitHub per org, runs retention GC and publishes
 * the fleet's gauges; its probe server (`/livez` `/readyz` `/metrics`) on
 * `services.scheduler.listen_addr`.
 *
 * On stop: not ready, then the term ends (the duties stop, the leader lock is released so
 * another replica takes over at once), then queues, telemetry and Redis close.
 */
export function createScheduler({ config, logger }: ServiceDeps<Config>): Service {
  return createService({
    logger,
    probe: config.services.scheduler.listenAddr,
    shutdownTimeoutMs: config.services.shutdownTimeoutMs,
    start: (scope) => startScheduler(config, scope),
  });
}

async function startScheduler(config: Config, scope: ServiceScope): Promise<void> {
  const { logger } = scope;
  // Fail fast: a renewal or a schedule write must not wait out a Redis outage unseen.
  const { redis, keys, telemetry } = openFleetRedis({
    store: config.store,
    service: 'scheduler',
    role: 'request',
    scope,
  });
  const queues = openFleetScrapeQueues({ bullmq: config.bullmq, redis, scope });
  // Missed windows go to the Redis outbox only; the backfill worker publishes them, so
  // RabbitMQ (away, or blocking publishers in an alarm) can never hold this service up.
  const backfill = createFleetBackfillOutbox({
    backfill: config.backfill,
    redis,
    keyPrefix: config.store.keyPrefix,
    telemetry,
    logger,
  });
  const copilot = config.copilot.enabled
    ? createCopilotSchedule(
        toCopilotFleetOptions(config, {
          redis,
          telemetry,
          logger,
          signal: scope.signal,
        }),
        {
          connection: redis,
          prefix: config.bullmq.prefix,
          jobAttempts: config.bullmq.jobAttempts,
          keepCompletedMs: config.bullmq.keepCompletedMs,
          keepFailedMs: config.bullmq.keepFailedMs,
        },
      )
    : undefined;
  if (copilot) scope.defer('copilot queue', () => copilot.close());
  const context: SchedulerContext = {
    config,
    copilot,
    redis,
    keys,
    queues,
    backfill,
    historyPending: createHistoryPendingStore({ redis, keyPrefix: config.store.keyPrefix }),
    telemetry,
    // The probe must reach GitHub every time (no ETags), is one observation of the state
    // machine (no retries), and is free (only an exhausted window holds it).
    probeClients: await createOrgGitHubClients({
      github: config.github,
      rateLimit: { ...config.rateLimit, minRemainingThreshold: 0 },
      retry: { ...config.retry, maxAttempts: 1 },
      priority: 'scheduled',
      conditionalRequests: false,
      redis,
      keyPrefix: config.store.keyPrefix,
      onRequest: (report) => {
        recordGitHubRequest(telemetry, report);
      },
      onBudgetWait: (report) => {
        recordBudgetWait(telemetry, report);
      },
      logger,
      signal: scope.signal,
    }).all(),
    logger,
    now: Date.now,
  };

  const election = config.leaderElection.enabled
    ? createLeaderElection({
        lock: createLeaderLock({
          redis,
          lockKey: keys.leaderLock,
          fencingKey: keys.leaderFencingToken,
          leaseDurationMs: config.leaderElection.leaseDurationMs,
        }),
        renewDeadlineMs: config.leaderElection.renewDeadlineMs,
        retryPeriodMs: config.leaderElection.retryPeriodMs,
        onElected: (leadership) => runLeaderDuties(context, leadership),
        logger,
      })
    : createSoleLeader(context);
  scope.defer('leader election', () => election.stop());
  scope.readiness.register('leader election', () =>
    election.isCampaigning()
      ? { ok: true }
      : { ok: false, reason: 'the leader election loop is not running' },
  );
  election.start();
}

/**
 * `leader_election.enabled: false`: this replica leads unconditionally for as long as it
 * runs (the operator runs exactly one), with fencing token 0 and unfenced writes.
 */
function createSoleLeader(context: SchedulerContext): LeaderElection {
  const ended = new AbortController();
  const ownerId = 'sole-scheduler';
  let duties: Promise<void> | undefined;
  let running = false;
  const leadership: Leadership = {
    ownerId,
    fencingToken: 0,
    signal: ended.signal,
    hsetIfLeader: async (key, fields) => {
      await context.redis.hset(key, fields);
      return true;
    },
  };
  return {
    ownerId,
    start() {
      if (duties || ended.signal.aborted) return;
      running = true;
      duties = runLeaderDuties(context, leadership)
        .catch((error: unknown) => {
          context.logger.error('leader duties failed', {
            error: toErrorMessage(error),
          });
        })
        .finally(() => {
          running = false;
        });
    },
    async stop() {
      ended.abort(new LeadershipEndedError('election stopping'));
      await duties;
    },
    isCampaigning: () => running,
    current: () => (running ? leadership : undefined),
  };
}
