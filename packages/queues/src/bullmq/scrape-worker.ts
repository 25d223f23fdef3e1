import { Worker, type Processor } from 'bullmq';
import type { Redis } from 'ioredis';

import type { ScrapeQueueName } from './scrape-jobs.js';

export interface ScrapeWorkerOptions {
  /**
   * Shared with the caller, who closes it; it must have `maxRetriesPerRequest: null` so a
   * worker waits out a Redis restart instead of failing jobs (BullMQ checks). The worker
   * opens its own blocking duplicate and closes that.
   */
  readonly connection: Redis;
  /** `bullmq.prefix`. */
  readonly prefix: string;
  /** Shown on the jobs it takes (`CLIENT LIST`, the job's `processedBy`). */
  readonly name: string;
  /** `bullmq.worker_concurrency`: jobs of this queue run at once in this process. */
  readonly concurrency: number;
  /** `bullmq.stalled_interval`: how often to look for jobs whose worker died. */
  readonly stalledIntervalMs: number;
  /** `bullmq.max_stalled_count`: stalls a job survives before it fails. */
  readonly maxStalledCount: number;
  /** `bullmq.lock_duration`: a job whose lock is not renewed this long is stalled. */
  readonly lockDurationMs: number;
}

/**
 * A BullMQ worker for one scrape queue, consuming at once. A process killed mid-job leaves
 * its jobs locked; after `lockDurationMs` another worker's stalled check (every
 * `stalledIntervalMs`) hands them back to the queue, up to `maxStalledCount` times.
 */
export function createScrapeWorker<T, R>(
  queue: ScrapeQueueName,
  processor: Processor<T, R>,
  options: ScrapeWorkerOptions,
): Worker<T, R> {
  return new Worker<T, R>(queue, processor, {
    connection: options.connection,
    prefix: options.prefix,
    name: options.name,
    concurrency: options.concurrency,
    stalledInterval: options.stalledIntervalMs,
    maxStalledCount: options.maxStalledCount,
    lockDuration: options.lockDurationMs,
  });
}
