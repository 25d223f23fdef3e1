import type { ServiceScope } from '@gse/lifecycle';
import {
  createBackfillProducer,
  type BackfillProducerObserver,
  type BackfillProducerOptions,
  type BackfillQueueProducer,
} from '@gse/queues';
import { createRedisBackfillState } from '@gse/store';
import { FLEET_METRICS, type FleetTelemetry } from '@gse/telemetry';
import type { Redis } from 'ioredis';

export interface FleetBackfillProducerOptions extends Pick<
  BackfillProducerOptions,
  'amqp' | 'backfill' | 'sweepIntervalMs' | 'maxReconnectDelayMs'
> {
  readonly redis: Redis;
  /** `store.key_prefix`: dedup, cap, overflow and outbox state live there. */
  readonly keyPrefix: string;
  readonly telemetry: FleetTelemetry;
  readonly scope: Pick<ServiceScope, 'logger' | 'defer'>;
  /** The producing service, e.g. `scraper-worker`: RabbitMQ connection name and health label. */
  readonly service: string;
  /** Default: `gh_exporter_dependency_health{dependency="amqp",service}`. */
  readonly onConnectionChange?: (connected: boolean) => void;
}

/** The producer's counts as fleet counters: enqueued, deduped and capped by org and reason. */
export function toBackfillProducerObserver(telemetry: FleetTelemetry): BackfillProducerObserver {
  return {
    enqueued: (org, reason, count) => {
      telemetry.increment(FLEET_METRICS.backfillEnqueued, { org, reason }, count);
    },
    deduped: (org, reason, count) => {
      telemetry.increment(FLEET_METRICS.backfillDeduped, { org, reason }, count);
    },
    capped: (org, reason, count) => {
      telemetry.increment(FLEET_METRICS.backfillCapped, { org, reason }, count);
    },
  };
}

/**
 * Starts the backfill producer of a fleet service and defers its close: windows go to the
 * Redis outbox first and to RabbitMQ with publisher confirms, so neither a RabbitMQ outage
 * nor a crash loses one. Returns at once; RabbitMQ may come later.
 */
export async function startFleetBackfillProducer(
  options: FleetBackfillProducerOptions,
): Promise<BackfillQueueProducer> {
  const { telemetry, service, scope } = options;
  const producer = createBackfillProducer({
    amqp: options.amqp,
    backfill: options.backfill,
    state: createRedisBackfillState({ redis: options.redis, keyPrefix: options.keyPrefix }),
    logger: scope.logger,
    connectionName: service,
    observer: toBackfillProducerObserver(telemetry),
    onConnectionChange:
      options.onConnectionChange ??
      ((connected) => {
        telemetry.set(
          FLEET_METRICS.dependencyHealth,
          { dependency: 'amqp', service },
          connected ? 1 : 0,
        );
      }),
    ...(options.sweepIntervalMs === undefined ? {} : { sweepIntervalMs: options.sweepIntervalMs }),
    ...(options.maxReconnectDelayMs === undefined
      ? {}
      : { maxReconnectDelayMs: options.maxReconnectDelayMs }),
  });
  scope.defer(`backfill producer (${service})`, () => producer.close());
  await producer.start();
  return producer;
}
