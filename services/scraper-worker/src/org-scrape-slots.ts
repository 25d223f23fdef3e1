import type { OrgConfig } from '@gse/config';
import { type Logger, toErrorMessage } from '@gse/logging';
import type { ScrapeQueues } from '@gse/queues';
import {
  createRedisInstallationSemaphore,
  type RedisInstallationSemaphore,
  type RedisSemaphoreLease,
  type StoreKeys,
} from '@gse/store';
import type { Redis } from 'ioredis';

import { TryLaterError } from './job-adapter.js';

/** `per_org_concurrency` slots: repo scrapes (and discoveries) of an org in flight, fleet-wide. */
export interface OrgScrapeSlots {
  /**
   * One of the org's slots if one is free now; else throws a {@link TryLaterError}, so the
   * job goes back to the queue (delayed) instead of holding a worker slot while it waits,
   * and the worker takes other orgs' jobs meanwhile. Releasing the slot wakes the org's
   * longest-deferred job, so a freed slot does not sit idle until a delay runs out.
   */
  take(org: OrgConfig): Promise<RedisSemaphoreLease>;
  /** Records a job of `org` deferred by {@link take}, for the next release to wake. */
  deferred(
    org: string,
    queue: keyof Pick<ScrapeQueues, 'orgs' | 'repos'>,
    jobId: string,
  ): Promise<void>;
}

// Longer than any deferral (60 s) by far: the registry of an org nobody scrapes any more goes.
const DEFERRED_TTL_MS = 3_600_000;

/**
 * BullMQ's per-group concurrency is a Pro feature, and a worker's `concurrency` is per
 * process; so each org gets the fleet's Redis semaphore design (leases that expire unless
 * renewed) under its own key prefix, capped at its `per_org_concurrency`. A slot held by a
 * killed worker comes back after `leaseMs`, when its job is handed back as stalled too.
 */
export function createOrgScrapeSlots(options: {
  readonly redis: Redis;
  readonly keys: StoreKeys;
  readonly queues: Pick<ScrapeQueues, 'orgs' | 'repos'>;
  readonly orgs: readonly OrgConfig[];
  /** Match `bullmq.lock_duration`: a dead holder's slot and its job come back together. */
  readonly leaseMs: number;
  readonly logger: Logger;
}): OrgScrapeSlots {
  const { redis, keys, queues, logger } = options;
  const semaphores = new Map<string, RedisInstallationSemaphore>(
    options.orgs.map((org) => [
      org.org,
      createRedisInstallationSemaphore({
        redis,
        keyPrefix: keys.orgScrapeSlotsPrefix,
        maxConcurrent: org.perOrgConcurrency,
        leaseMs: options.leaseMs,
        logger: logger.child({ org: org.org }),
      }),
    ]),
  );

  async function wakeDeferred(org: string): Promise<void> {
    const [member] = await redis.zpopmin(keys.orgDeferredJobs(org));
    if (member === undefined) return;
    const [queue, jobId = ''] = member.split('|');
    const job = await (queue === 'orgs' ? queues.orgs : queues.repos).getJob(jobId);
    // Gone, or already promoted by its delay, or running: nothing to wake.
    await job?.promote().catch(() => undefined);
  }

  return {
    async take(org) {
      const semaphore = semaphores.get(org.org);
      if (!semaphore) throw new Error(`no scrape slots for org ${org.org}`);
      const lease = await semaphore.tryAcquire(org.installationId);
      if (!lease) throw new TryLaterError(`every per_org_concurrency slot of ${org.org} is busy`);
      return {
        async release() {
          await lease.release();
          await wakeDeferred(org.org).catch((error: unknown) => {
            // Its own delay brings the job back anyway.
            logger.warn('deferred scrape job not woken', {
              org: org.org,
              error: toErrorMessage(error),
            });
          });
        },
      };
    },
    async deferred(org, queue, jobId) {
      const key = keys.orgDeferredJobs(org);
      await redis
        .multi()
        .zadd(key, Date.now(), `${queue}|${jobId}`)
        .pexpire(key, DEFERRED_TTL_MS)
        .exec();
    },
  };
}
