import {
  type CopilotScopeRef,
  type CopilotSyncDeps,
  createCopilotBackfillHandler,
  syncCopilotScope,
  toCopilotBackfillRequest,
} from '@gse/copilot';
import type { Config } from '@gse/config';
import type {
  BudgetWaitObserver,
  GitHubClient,
  GitHubRequestObserver,
  RetryOptions,
} from '@gse/github';
import type { Logger } from '@gse/logging';
import { COPILOT_QUEUE, type BackfillHandler, type BackfillProducer } from '@gse/queues';
import { createRedisCopilotDayStore } from '@gse/store';
import type { FleetTelemetry } from '@gse/telemetry';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

import { recordBudgetWait, recordGitHubRequest } from './github-request-telemetry.js';
import { createOrgGitHubClients, type OrgInstallation } from './org-github-clients.js';

/** `copilot.*` of the fleet config. */
export type CopilotSettings = Config['copilot'];

/** What every process reading Copilot reports shares with the rest of the fleet. */
export interface CopilotFleetOptions {
  readonly copilot: CopilotSettings;
  readonly github: {
    readonly orgs: readonly OrgInstallation[];
    readonly apiBaseUrl: string;
    readonly requestTimeoutMs: number;
  };
  readonly rateLimit: Parameters<typeof createOrgGitHubClients>[0]['rateLimit'];
  readonly retry: RetryOptions;
  readonly redis: Redis;
  /** `store.key_prefix`. */
  readonly keyPrefix: string;
  readonly telemetry: FleetTelemetry;
  readonly onRequest: GitHubRequestObserver;
  readonly onBudgetWait: BudgetWaitObserver;
  readonly logger: Logger;
  readonly signal: AbortSignal;
  readonly now?: () => number;
}

/** The slices of the fleet config Copilot reads (`Config` of `@gse/config` fits). */
export interface CopilotFleetConfig {
  readonly copilot: CopilotSettings;
  readonly github: CopilotFleetOptions['github'];
  readonly rateLimit: CopilotFleetOptions['rateLimit'];
  readonly retry: RetryOptions;
  readonly store: { readonly keyPrefix: string };
}

/**
 * The options of every Copilot part from the fleet config and the process's adapters; its
 * GitHub requests are reported like every other (`recordGitHubRequest`).
 */
export function toCopilotFleetOptions(
  config: CopilotFleetConfig,
  adapters: Pick<CopilotFleetOptions, 'redis' | 'telemetry' | 'logger' | 'signal' | 'now'>,
): CopilotFleetOptions {
  return {
    copilot: config.copilot,
    github: config.github,
    rateLimit: config.rateLimit,
    retry: config.retry,
    keyPrefix: config.store.keyPrefix,
    onRequest: (report) => {
      recordGitHubRequest(adapters.telemetry, report);
    },
    onBudgetWait: (report) => {
      recordBudgetWait(adapters.telemetry, report);
    },
    ...adapters,
  };
}

/** GitHub documents no number; operators see about two days (docs/github-limitations.md). */
export const COPILOT_REPORT_LAG_DAYS = 2;

interface CopilotJob {
  readonly scope: 'org' | 'enterprise';
  readonly id: string;
  readonly slotStartMs: number;
}

/** The scopes the config reads: every org (with an org report on), the enterprise. */
export function toCopilotScopes(options: CopilotFleetOptions): CopilotScopeRef[] {
  const { copilot } = options;
  if (!copilot.enabled) return [];
  return [
    ...(copilot.orgReports.length > 0
      ? options.github.orgs.map((org) => ({ scope: 'org' as const, id: org.org }))
      : []),
    ...(copilot.enterprise ? [{ scope: 'enterprise' as const, id: copilot.enterprise.slug }] : []),
  ];
}

/**
 * The App client of a scope: the org's installation, or the enterprise's own App (the
 * enterprise is never looked up as an org). Made on first use; shares the fleet's tokens and
 * request slots through Redis.
 */
function createCopilotClients(
  options: CopilotFleetOptions,
): (target: CopilotScopeRef) => Promise<GitHubClient> | undefined {
  const { enterprise } = options.copilot;
  // `copilot.request_timeout` bounds the report-link requests, as in the Go exporter.
  const github = { ...options.github, requestTimeoutMs: options.copilot.requestTimeoutMs };
  const shared = {
    rateLimit: options.rateLimit,
    retry: options.retry,
    // Report links are fresh each time (signed, expiring): a 304 would carry none.
    conditionalRequests: false,
    redis: options.redis,
    keyPrefix: options.keyPrefix,
    onRequest: options.onRequest,
    onBudgetWait: options.onBudgetWait,
    // Copilot's daily reports are the schedule's work: they may spend the whole budget.
    priority: 'scheduled' as const,
    logger: options.logger,
    signal: options.signal,
  };
  const orgs = createOrgGitHubClients({ ...shared, github });
  const enterprises = createOrgGitHubClients({
    ...shared,
    github: { ...github, orgs: enterprise ? [{ ...enterprise, org: enterprise.slug }] : [] },
  });
  return (target) => {
    const clients = target.scope === 'org' ? orgs : enterprises;
    const installation = clients.installationOf(target.id);
    return installation ? clients.clientOf(installation) : undefined;
  };
}

function toSyncDeps(
  options: CopilotFleetOptions,
): Omit<CopilotSyncDeps, 'client' | 'logger' | 'signal'> {
  const { copilot } = options;
  return {
    store: createRedisCopilotDayStore({ redis: options.redis, keyPrefix: options.keyPrefix }),
    telemetry: options.telemetry,
    options: {
      breakdowns: copilot.breakdowns,
      emitDayLabel: copilot.emitDayLabel,
      userLabelMode: copilot.userLabelMode,
      userLabelSalt: copilot.userLabelSalt,
      maxRecordsPerReport: copilot.maxRecordsPerReport,
      maxUsersPerReport: copilot.maxUsersPerReport,
      downloadTimeoutMs: copilot.downloadTimeoutMs,
      lagDays: COPILOT_REPORT_LAG_DAYS,
      reports: { org: copilot.orgReports, enterprise: copilot.enterprise?.reports ?? [] },
      pullRequests: copilot.pullRequests,
      refreshUnchanged: copilot.refreshUnchanged,
    },
    ...(options.now ? { now: options.now } : {}),
  };
}

export interface CopilotScheduleOptions {
  /** A fail-fast connection is fine: a producer. Shared, closed by the caller. */
  readonly connection: Redis;
  /** `bullmq.prefix`. */
  readonly prefix: string;
  readonly jobAttempts: number;
  readonly keepCompletedMs: number;
  readonly keepFailedMs: number;
}

/** The leader's side: one job per scope per `copilot.scrape_interval` slot. */
export interface CopilotSchedule {
  /** Adds the current slot's jobs; ids repeat within a slot, so BullMQ collapses repeats. */
  tick(): Promise<void>;
  close(): Promise<void>;
}

export function createCopilotSchedule(
  options: CopilotFleetOptions,
  queue: CopilotScheduleOptions,
): CopilotSchedule {
  const targets = toCopilotScopes(options);
  const now = options.now ?? Date.now;
  const jobs = new Queue<CopilotJob>(COPILOT_QUEUE, {
    connection: queue.connection,
    prefix: queue.prefix,
    defaultJobOptions: {
      attempts: queue.jobAttempts,
      backoff: { type: 'exponential', delay: 1000 },
      removeOnComplete: { age: Math.ceil(queue.keepCompletedMs / 1000) },
      removeOnFail: { age: Math.ceil(queue.keepFailedMs / 1000) },
    },
  });
  return {
    async tick() {
      const intervalMs = options.copilot.scrapeIntervalMs;
      const slotStartMs = Math.floor(now() / intervalMs) * intervalMs;
      await jobs.addBulk(
        targets.map((target) => ({
          name: 'copilot-report',
          data: { ...target, slotStartMs },
          // BullMQ ids must not contain ':'; slugs and logins cannot.
          opts: { jobId: `copilot-${target.scope}-${target.id}-${slotStartMs}` },
        })),
      );
    },
    close: () => jobs.close(),
  };
}

export interface CopilotWorkerOptions {
  /** A worker's connection (`maxRetriesPerRequest: null`). Shared, closed by the caller. */
  readonly connection: Redis;
  readonly prefix: string;
  readonly lockDurationMs: number;
  /** Where failed reads go as backfill requests (the Redis outbox). */
  readonly backfill: BackfillProducer;
}

/**
 * The scraper worker's side: runs each scheduled read of a scope (its aggregate and users
 * reports, then one publication), and hands each failed report's days to backfill (the job
 * itself then succeeds: the backfill owns the retries).
 */
export function createCopilotWorker(
  options: CopilotFleetOptions,
  worker: CopilotWorkerOptions,
): { close(): Promise<void> } {
  const clientOf = createCopilotClients(options);
  const deps = toSyncDeps(options);
  const running = new Worker<CopilotJob>(
    COPILOT_QUEUE,
    async (job) => {
      const scope: CopilotScopeRef = { scope: job.data.scope, id: job.data.id };
      const client = clientOf(scope);
      if (!client) {
        options.logger.warn('copilot scope not configured here; job skipped', { ...scope });
        return;
      }
      const logger = options.logger.child({ scope: scope.scope, org: scope.id, jobId: job.id });
      const { failures } = await syncCopilotScope(
        { ...deps, client: await client, logger, signal: options.signal },
        scope,
      );
      if (failures.length > 0) {
        await worker.backfill.request(
          failures.map(({ target, failure }) => toCopilotBackfillRequest(target, failure)),
        );
        for (const { target, failure } of failures) {
          logger.warn('copilot report handed to backfill', {
            report: target.report,
            reason: failure.reason,
          });
        }
      }
    },
    {
      connection: worker.connection,
      prefix: worker.prefix,
      concurrency: 1,
      lockDuration: worker.lockDurationMs,
    },
  );
  running.on('error', (error) => {
    options.logger.warn('copilot worker error', { error: error.message });
  });
  return { close: () => running.close() };
}

/** The backfill worker's side: the handler of the `copilot_*` messages (users and aggregate). */
export function createCopilotFleetBackfillHandler(options: CopilotFleetOptions): BackfillHandler {
  return createCopilotBackfillHandler({
    ...toSyncDeps(options),
    clientOf: createCopilotClients(options),
    signal: options.signal,
  });
}
