import type { OrgConfig } from '@gse/config';
import type { Logger } from '@gse/logging';
import {
  createRedisInstallationSemaphore,
  type RedisInstallationSemaphore,
  type RedisSemaphoreLease,
} from '@gse/store';
import type { Redis } from 'ioredis';

/** `per_org_concurrency` slots: repo scrapes (and discoveries) of an org in flight, fleet-wide. */
export interface OrgScrapeSlots {
  /** Resolves holding one of the org's slots; rejects with `signal.reason` if it aborts first. */
  acquire(org: OrgConfig, signal: AbortSignal): Promise<RedisSemaphoreLease>;
}

/**
 * BullMQ's per-group concurrency is a Pro feature, and a worker's `concurrency` is per
 * process; so each org gets the fleet's Redis semaphore design (leases that expire unless
 * renewed) under its own key prefix, capped at its `per_org_concurrency`. A slot held by a
 * killed worker comes back after `leaseMs`, when its job is handed back as stalled too.
 */
export function createOrgScrapeSlots(options: {
  readonly redis: Redis;
  /** `orgScrapeSlotsPrefix` of the store's key builder. */
  readonly keyPrefix: string;
  readonly orgs: readonly OrgConfig[];
  /** Match `bullmq.lock_duration`: a dead holder's slot and its job come back together. */
  readonly leaseMs: number;
  readonly logger: Logger;
}): OrgScrapeSlots {
  const semaphores = new Map<string, RedisInstallationSemaphore>(
    options.orgs.map((org) => [
      org.org,
      createRedisInstallationSemaphore({
        redis: options.redis,
        keyPrefix: options.keyPrefix,
        maxConcurrent: org.perOrgConcurrency,
        leaseMs: options.leaseMs,
        logger: options.logger.child({ org: org.org }),
      }),
    ]),
  );
  return {
    acquire(org, signal) {
      const semaphore = semaphores.get(org.org);
      if (!semaphore) throw new Error(`no scrape slots for org ${org.org}`);
      return semaphore.acquire(org.installationId, signal);
    },
  };
}
