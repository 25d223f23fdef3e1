import { toTraceCarrier } from '@gse/tracing';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

import {
  SCRAPE_QUEUES,
  toOrgDeduplicationId,
  toOrgScrapeJobId,
  toRepoDeduplicationId,
  toRepoScrapeJobId,
  type OrgScrapeJob,
  type RepoScrapeJob,
  type ScrapeQueueName,
} from './scrape-jobs.js';

export interface ScrapeQueuesOptions {
  /**
   * Shared with the caller, who closes it. Producers may use a fail-fast connection; a
   * worker's needs `maxRetriesPerRequest: null` (BullMQ refuses anything else for workers).
   */
  readonly connection: Redis;
  /** `bullmq.prefix`: every queue key starts with it. */
  readonly prefix: string;
  /** `bullmq.job_attempts`: attempts per job, the first included. */
  readonly jobAttempts: number;
  /** `bullmq.keep_completed`: also how long a finished job's id keeps a re-add collapsing. */
  readonly keepCompletedMs: number;
  /** `bullmq.keep_failed`. */
  readonly keepFailedMs: number;
  /** Delay before the first retry, doubling with each one. Default 1000 ms. */
  readonly retryBackoffMs?: number;
}

/** A queue's jobs by state, and how long its oldest waiting job has waited. */
export interface QueueDepth {
  readonly queue: ScrapeQueueName;
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly failed: number;
  /** 0 when nothing waits. */
  readonly oldestWaitingAgeMs: number;
}

/** The producer side of the scrape queues. */
export interface ScrapeQueues {
  readonly orgs: Queue<OrgScrapeJob>;
  readonly repos: Queue<RepoScrapeJob>;
  /**
   * Adds an org cycle under its deterministic id, carrying the active span's context:
   * `duplicate` when a job with that id is
   * already queued, running or kept after finishing (`keep_completed`); `collapsed` when a
   * cycle of an earlier slot of the org still waits or runs (BullMQ deduplication by
   * {@link toOrgDeduplicationId}, released when that job finishes). Either way nothing is
   * added, so an org queue that falls behind stops growing.
   */
  addOrgJob(job: OrgScrapeJob): Promise<'added' | 'duplicate' | 'collapsed'>;
  /**
   * Adds repo jobs under their deterministic ids (an id already present collapses), each
   * carrying the active span's context, at most
   * one pending per repo: a repo whose job of an earlier cycle still waits or runs is not
   * added again (BullMQ deduplication by {@link toRepoDeduplicationId}, released when that
   * job finishes) and comes back in `collapsed`, so a queue that falls behind stops growing.
   */
  addRepoJobs(
    jobs: readonly RepoScrapeJob[],
  ): Promise<{ readonly collapsed: readonly RepoScrapeJob[] }>;
  /** Both queues' depths; `nowMs` dates the oldest waiting job. */
  readDepths(nowMs: number): Promise<QueueDepth[]>;
  /** Closes both queues (not the connection). Idempotent. */
  close(): Promise<void>;
}

const DEFAULT_RETRY_BACKOFF_MS = 1000;

/** Opens the org and repo queues on a shared connection, with the fleet's job options. */
export function createScrapeQueues(options: ScrapeQueuesOptions): ScrapeQueues {
  const { connection, prefix } = options;
  const defaultJobOptions = {
    attempts: options.jobAttempts,
    backoff: { type: 'exponential', delay: options.retryBackoffMs ?? DEFAULT_RETRY_BACKOFF_MS },
    // KeepJobs ages are in seconds.
    removeOnComplete: { age: Math.ceil(options.keepCompletedMs / 1000) },
    removeOnFail: { age: Math.ceil(options.keepFailedMs / 1000) },
  };
  const orgs = new Queue<OrgScrapeJob>(SCRAPE_QUEUES.orgs, {
    connection,
    prefix,
    defaultJobOptions,
  });
  const repos = new Queue<RepoScrapeJob>(SCRAPE_QUEUES.repos, {
    connection,
    prefix,
    defaultJobOptions,
  });
  let closing: Promise<void> | undefined;

  async function depthOf(queue: Queue, name: ScrapeQueueName, nowMs: number): Promise<QueueDepth> {
    const [counts, oldest] = await Promise.all([
      queue.getJobCounts('wait', 'prioritized', 'active', 'delayed', 'failed'),
      queue.getJobs(['wait'], 0, 0, true),
    ]);
    const createdAtMs = oldest[0]?.timestamp;
    return {
      queue: name,
      waiting: (counts['wait'] ?? 0) + (counts['prioritized'] ?? 0),
      active: counts['active'] ?? 0,
      delayed: counts['delayed'] ?? 0,
      failed: counts['failed'] ?? 0,
      oldestWaitingAgeMs: createdAtMs === undefined ? 0 : Math.max(0, nowMs - createdAtMs),
    };
  }

  return {
    orgs,
    repos,
    async addOrgJob(job) {
      const jobId = toOrgScrapeJobId(job);
      // Only the answer depends on this read: the add itself collapses on the id either way.
      if (await orgs.getJob(jobId)) return 'duplicate';
      const added = await orgs.add(SCRAPE_QUEUES.orgs, withActiveTrace(job), {
        jobId,
        deduplication: { id: toOrgDeduplicationId(job) },
      });
      // A deduplicated add answers with the pending job's id instead of the one asked for.
      return added.id === jobId ? 'added' : 'collapsed';
    },
    async addRepoJobs(jobs) {
      if (jobs.length === 0) return { collapsed: [] };
      const ids = jobs.map((job) => toRepoScrapeJobId(job));
      const added = await repos.addBulk(
        jobs.map((job, index) => ({
          name: SCRAPE_QUEUES.repos,
          data: withActiveTrace(job),
          opts: { jobId: ids[index], deduplication: { id: toRepoDeduplicationId(job) } },
        })),
      );
      // A deduplicated add answers with the pending job's id instead of the one asked for.
      return { collapsed: jobs.filter((_, index) => added[index]?.id !== ids[index]) };
    },
    readDepths: (nowMs) =>
      Promise.all([
        depthOf(orgs, SCRAPE_QUEUES.orgs, nowMs),
        depthOf(repos, SCRAPE_QUEUES.repos, nowMs),
      ]),
    close() {
      closing ??= Promise.all([orgs.close(), repos.close()]).then(() => undefined);
      return closing;
    },
  };
}

/** The job with the active span's context in its data, so the worker's span continues the trace. */
function withActiveTrace<T extends { readonly trace?: unknown }>(job: T): T {
  const trace = toTraceCarrier();
  return trace === undefined ? job : { ...job, trace };
}
