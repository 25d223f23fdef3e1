import type { Logger } from '@gse/logging';
import {
  createBackfillOutbox,
  type BackfillOutbox,
  type BackfillOutboxObserver,
  type BackfillOutboxSettings,
} from '@gse/queues';
import { createRedisBackfillState } from '@gse/store';
import { FLEET_METRICS, type FleetTelemetry } from '@gse/telemetry';
import type { Redis } from 'ioredis';

export interface FleetBackfillOutboxOptions {
  readonly backfill: BackfillOutboxSettings;
  readonly redis: Redis;
  /** `store.key_prefix`: dedup, cap, overflow and outbox state live there. */
  readonly keyPrefix: string;
  readonly telemetry: FleetTelemetry;
  readonly logger: Logger;
}

/** The outbox's counts as fleet counters: deduped and capped by org and reason. */
export function toBackfillOutboxObserver(telemetry: FleetTelemetry): BackfillOutboxObserver {
  return {
    deduped: (org, reason, count) => {
      telemetry.increment(FLEET_METRICS.backfillDeduped, { org, reason }, count);
    },
    capped: (org, reason, count) => {
      telemetry.increment(FLEET_METRICS.backfillCapped, { org, reason }, count);
    },
  };
}

/**
 * The backfill outbox of the scraper worker and the scheduler: missing windows go to Redis
 * only (the backfill worker publishes them to RabbitMQ), so neither service opens an AMQP
 * connection nor waits on RabbitMQ (docs/decisions/0011-amqp-only-in-the-backfill-worker.md).
 */
export function createFleetBackfillOutbox(options: FleetBackfillOutboxOptions): BackfillOutbox {
  return createBackfillOutbox({
    backfill: options.backfill,
    state: createRedisBackfillState({ redis: options.redis, keyPrefix: options.keyPrefix }),
    logger: options.logger,
    observer: toBackfillOutboxObserver(options.telemetry),
  });
}
