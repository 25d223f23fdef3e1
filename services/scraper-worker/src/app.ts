import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';

import type { Config } from '@gse/config';
import {
  createFleetBackfillOutbox,
  createFleetScrapeDeps,
  createOrgGitHubClients,
  openFleetRedis,
  openFleetScrapeQueues,
  recordBudgetWait,
  recordGitHubRequest,
} from '@gse/fleet-adapters';
import { createCopilotWorker, toCopilotFleetOptions } from '@gse/fleet-adapters';
import { createService, type Service, type ServiceDeps, type ServiceScope } from '@gse/lifecycle';
import {
  createScrapeWorker,
  decodeOrgScrapeJob,
  decodeRepoScrapeJob,
  SCRAPE_QUEUES,
} from '@gse/queues';
import { createOrgRepoListStore, createOrgRepoSync, createUserLoginChecks } from '@gse/store';
import type { Worker } from 'bullmq';

import { toJobProcessor } from './job-adapter.js';
import { failLostJob, isLostJob } from './lost-job.js';
import { createOrgCycleTracker } from './org-cycle-tracker.js';
import { createOrgScrapeSlots } from './org-scrape-slots.js';
import { processOrgJob } from './process-org-job.js';
import { processRepoJob } from './process-repo-job.js';
import type { WorkerContext } from './worker-context.js';
import { toErrorMessage } from '@gse/logging';

/**
 * Composition root of the scraper worker: BullMQ workers for org cycles (repo discovery,
 * fan-out) and repo scrapes, with their Redis ports, GitHub clients and telemetry; its
 * probe server (`/livez` `/readyz` `/metrics`) on `services.scraper_worker.listen_addr`.
 *
 * On stop: not ready, then the workers take no new job and in-flight jobs get until the
 * drain deadline (`services.shutdown_timeout` less a margin) to finish; then whatever still
 * runs is aborted and handed back to the queue for another worker; then queues, store,
 * telemetry and Redis close.
 */
export function createScraperWorker({ config, logger }: ServiceDeps<Config>): Service {
  return createService({
    logger,
    probe: config.services.scraperWorker.listenAddr,
    shutdownTimeoutMs: config.services.shutdownTimeoutMs,
    start: (scope) => startScraperWorker(config, scope),
  });
}

/** What the stop keeps for closing the queues and the rest once in-flight jobs are handled. */
const HAND_BACK_MARGIN_MS = 5000;

async function startScraperWorker(config: Config, scope: ServiceScope): Promise<void> {
  const { logger } = scope;
  // Workers wait out a Redis restart (BullMQ needs maxRetriesPerRequest: null).
  const { redis, keys, telemetry } = openFleetRedis({
    store: config.store,
    service: 'scraper-worker',
    role: 'worker',
    scope,
  });
  const scrape = createFleetScrapeDeps({ config, redis, scope });
  const queues = openFleetScrapeQueues({ bullmq: config.bullmq, redis, scope });

  // Aborted at the drain deadline: every GitHub wait and request, every slot wait and
  // every scrape in flight gives up, and its job goes back to the queue.
  const handBack = new AbortController();
  const clients = await createOrgGitHubClients({
    github: config.github,
    rateLimit: config.rateLimit,
    retry: config.retry,
    priority: 'scheduled',
    conditionalRequests: true,
    redis,
    keyPrefix: config.store.keyPrefix,
    onRequest: (report) => {
      recordGitHubRequest(telemetry, report);
    },
    onBudgetWait: (report) => {
      recordBudgetWait(telemetry, report);
    },
    logger,
    signal: handBack.signal,
  }).all();
  // Missed windows go to the Redis outbox only; the backfill worker publishes them, so
  // RabbitMQ (away, or blocking publishers in an alarm) can never hold this service up.
  const backfill = createFleetBackfillOutbox({
    backfill: config.backfill,
    redis,
    keyPrefix: config.store.keyPrefix,
    telemetry,
    logger,
  });
  const context: WorkerContext = {
    orgs: new Map(config.github.orgs.map((org) => [org.org, org])),
    clients,
    slots: createOrgScrapeSlots({
      redis,
      keys,
      queues,
      orgs: config.github.orgs,
      leaseMs: config.bullmq.lockDurationMs,
      logger,
    }),
    queues,
    cycles: createOrgCycleTracker({ redis, keys }),
    backfill,
    telemetry,
    redis,
    keys,
    repoLists: createOrgRepoListStore({ redis, keyPrefix: config.store.keyPrefix }),
    repoSync: createOrgRepoSync({ redis, keyPrefix: config.store.keyPrefix }),
    scrape,
    changeDetection: {
      mode: config.github.changeDetection,
      quietRepoRereadIntervalMs: config.github.quietRepoRereadIntervalMs,
      fallbacksLogged: new Set(),
    },
    loginChecks: {
      checks: createUserLoginChecks({ redis, keyPrefix: config.store.keyPrefix }),
      intervalMs: config.github.loginCheckIntervalMs,
    },
    now: Date.now,
  };

  const workerName = `scraper-worker-${hostname()}-${randomUUID().slice(0, 8)}`;
  const workerOptions = {
    connection: redis,
    prefix: config.bullmq.prefix,
    // Unique per process: a job's `processedBy` then says which process ran it.
    name: workerName,
    concurrency: config.bullmq.workerConcurrency,
    stalledIntervalMs: config.bullmq.stalledIntervalMs,
    maxStalledCount: config.bullmq.maxStalledCount,
    lockDurationMs: config.bullmq.lockDurationMs,
  };
  const adapter = { logger, signal: handBack.signal };
  // Consumers last: everything a job needs is open.
  const workers: Worker[] = [
    createScrapeWorker(
      SCRAPE_QUEUES.orgs,
      toJobProcessor({
        ...adapter,
        decode: decodeOrgScrapeJob,
        logContext: (job) => ({ org: job.org, slotStartMs: job.slotStartMs }),
        handle: (job, run) => processOrgJob(job, run, context),
        onDeferred: (job, jobId) => context.slots.deferred(job.org, 'orgs', jobId),
      }),
      workerOptions,
    ),
    createScrapeWorker(
      SCRAPE_QUEUES.repos,
      toJobProcessor({
        ...adapter,
        decode: decodeRepoScrapeJob,
        logContext: (job) => ({ org: job.org, repo: job.repo, slotStartMs: job.slotStartMs }),
        handle: (job, run) => processRepoJob(job, run, context),
        onDeferred: (job, jobId) => context.slots.deferred(job.org, 'repos', jobId),
      }),
      workerOptions,
    ),
  ];
  if (config.copilot.enabled) {
    const copilot = createCopilotWorker(
      toCopilotFleetOptions(config, {
        redis,
        telemetry,
        logger,
        signal: handBack.signal,
      }),
      {
        connection: redis,
        prefix: config.bullmq.prefix,
        lockDurationMs: config.bullmq.lockDurationMs,
        backfill,
      },
    );
    scope.defer('copilot worker', () => copilot.close());
  }
  for (const worker of workers) {
    // BullMQ names a worker after its queue.
    const queue = worker.name;
    worker.on('error', (error) => {
      logger.warn('bullmq worker error', { queue, error: error.message });
    });
    worker.on('failed', (job, error) => {
      logger.warn('job failed', { queue, jobId: job?.id, error: error.message });
      if (!isLostJob(job)) return;
      failLostJob(queue, job, context, logger).catch((failure: unknown) => {
        logger.error('scrape job lost, and handing its window to backfill failed', {
          queue,
          jobId: job.id,
          error: toErrorMessage(failure),
        });
      });
    });
  }
  logger.info('scrape workers consuming', { worker: workerName });
  scope.defer('scrape workers', () =>
    drainWorkers(workers, handBack, config.services.shutdownTimeoutMs, logger),
  );
  scope.readiness.register('workers', () =>
    workers.every((worker) => worker.isRunning())
      ? { ok: true }
      : { ok: false, reason: 'a BullMQ worker is not running' },
  );
}

/**
 * Stops intake and lets in-flight jobs finish until the drain deadline, then hands back
 * what still runs (the abort makes each job return to the queue) and waits for that.
 */
async function drainWorkers(
  workers: readonly Worker[],
  handBack: AbortController,
  shutdownTimeoutMs: number,
  logger: ServiceScope['logger'],
): Promise<void> {
  const drainMs = Math.max(
    0,
    shutdownTimeoutMs - Math.min(HAND_BACK_MARGIN_MS, shutdownTimeoutMs / 2),
  );
  const timer = setTimeout(() => {
    logger.warn('in-flight jobs still running at the drain deadline: handing them back', {
      drainMs,
    });
    handBack.abort(new Error('the worker is stopping: job handed back'));
  }, drainMs);
  try {
    await Promise.all(workers.map((worker) => worker.close()));
  } finally {
    clearTimeout(timer);
  }
}
