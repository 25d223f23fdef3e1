import type { QueueDepth } from '@gse/queues';
import { createStoreKeys, readInstanceHeartbeats } from '@gse/store';
import { FLEET_METRICS, readFleetTelemetry, type StoredSample } from '@gse/telemetry';
import type { Redis } from 'ioredis';

import type { StatusInputs } from './status-report.js';

const STATUS_METRICS = [
  FLEET_METRICS.scrapeLastEnd,
  FLEET_METRICS.scrapeLag,
  FLEET_METRICS.orgRepos,
  FLEET_METRICS.githubRateLimitRemaining,
  FLEET_METRICS.githubRateLimitLimit,
  FLEET_METRICS.githubRateLimitReset,
  FLEET_METRICS.backfillProcessed,
  FLEET_METRICS.backfillQueueMessages,
  FLEET_METRICS.backfillQueueOldestMessageAge,
] as const;

export interface StatusSources {
  readonly redis: Redis;
  /** `store.key_prefix`. */
  readonly keyPrefix: string;
  /** The scrape queues' depths as BullMQ counts them (`ScrapeQueues.readDepths`). */
  readonly readQueueDepths: (nowMs: number) => Promise<QueueDepth[]>;
  /** Series per org of the latest render. */
  readonly seriesByOrg: () => Promise<ReadonlyMap<string, number>>;
}

/** Reads what the status page shows: the telemetry, org health, leader, heartbeats, queues. */
export async function readStatusInputs(
  sources: StatusSources,
  nowMs: number,
): Promise<StatusInputs> {
  const { redis, keyPrefix } = sources;
  const keys = createStoreKeys(keyPrefix);
  const [metrics, orgHealth, holder, fencingToken, instances, bullmq, seriesByOrg] =
    await Promise.all([
      readFleetTelemetry(redis, (name) => keys.telemetryMetric(name), STATUS_METRICS),
      redis.hgetall(keys.orgHealth),
      redis.get(keys.leaderLock),
      redis.get(keys.leaderFencingToken),
      readInstanceHeartbeats(redis, keyPrefix),
      sources.readQueueDepths(nowMs),
      sources.seriesByOrg(),
    ]);
  const samples = (position: number): readonly StoredSample[] => {
    const metric = metrics[position];
    return metric?.kind === 'samples' ? metric.samples : [];
  };
  return {
    readAtMs: nowMs,
    leader: { holder: holder ?? undefined, fencingToken: fencingToken ?? undefined },
    orgHealth,
    cycleEnds: samples(0),
    lag: samples(1),
    orgRepos: samples(2),
    rateLimitRemaining: samples(3),
    rateLimitLimit: samples(4),
    rateLimitReset: samples(5),
    backfillProcessed: samples(6),
    backfillMessages: samples(7),
    backfillOldestAge: samples(8),
    instances,
    bullmq,
    seriesByOrg,
  };
}
