import { type Logger, toErrorMessage } from '@gse/logging';
import {
  readBackfillQueueStats,
  type AmqpConnection,
  type BackfillConsumerObserver,
  type BackfillPublisherObserver,
  type BackfillStateStore,
  type BackfillTopology,
} from '@gse/queues';
import { FLEET_METRICS, type FleetTelemetry } from '@gse/telemetry';

export const SERVICE_NAME = 'backfill-worker';

/** The consumer's counts as fleet counters (processed by result, retried, dead-lettered). */
export function toConsumerObserver(telemetry: FleetTelemetry): BackfillConsumerObserver {
  return {
    processed: (org, result) => {
      telemetry.increment(FLEET_METRICS.backfillProcessed, { org, result });
    },
    retried: (org, reason) => {
      telemetry.increment(FLEET_METRICS.backfillRetried, { org, reason });
    },
    deadLettered: (org, reason) => {
      telemetry.increment(FLEET_METRICS.backfillDeadLettered, { org, reason });
    },
  };
}

/** The publisher's confirmed windows as `gh_exporter_backfill_jobs_enqueued_total{org,reason}`. */
export function toPublisherObserver(telemetry: FleetTelemetry): BackfillPublisherObserver {
  return {
    enqueued: (org, reason, count) => {
      telemetry.increment(FLEET_METRICS.backfillEnqueued, { org, reason }, count);
    },
  };
}

/** `gh_exporter_amqp_blocked{service="backfill-worker"}`: RabbitMQ blocks its publishes. */
export function reportAmqpBlocked(telemetry: FleetTelemetry, blocked: boolean): void {
  telemetry.set(FLEET_METRICS.amqpBlocked, { service: SERVICE_NAME }, blocked ? 1 : 0);
}

/** `gh_exporter_dependency_health{dependency, service="backfill-worker"}`. */
export function reportDependency(
  telemetry: FleetTelemetry,
  dependency: 'amqp' | 'redis' | 'github',
  healthy: boolean,
): void {
  telemetry.set(
    FLEET_METRICS.dependencyHealth,
    { dependency, service: SERVICE_NAME },
    healthy ? 1 : 0,
  );
}

/**
 * Refreshes the depth and oldest-message age of every backfill queue every `intervalMs`
 * (`readBackfillQueueStats`); skipped while RabbitMQ is away. Every worker replica writes the
 * same values, so any one of them keeps the gauges current.
 */
export function startQueueStatsLoop(options: {
  readonly connection: AmqpConnection;
  readonly topology: BackfillTopology;
  readonly state: BackfillStateStore;
  readonly telemetry: FleetTelemetry;
  readonly logger: Logger;
  readonly intervalMs: number;
  readonly now?: () => number;
}): { refresh(): Promise<void>; stop(): Promise<void> } {
  const now = options.now ?? Date.now;
  let running: Promise<void> | undefined;

  async function refreshOnce(): Promise<void> {
    if (!options.connection.connected) return;
    const stats = await readBackfillQueueStats({
      connection: options.connection,
      topology: options.topology,
      state: options.state,
      nowMs: now(),
    });
    for (const entry of stats) {
      const labels = { queue: entry.queue };
      options.telemetry.set(FLEET_METRICS.backfillQueueMessages, labels, entry.messages);
      options.telemetry.set(
        FLEET_METRICS.backfillQueueOldestMessageAge,
        labels,
        entry.oldestMessageAgeSeconds,
      );
    }
  }

  const refresh = (): Promise<void> => {
    running ??= refreshOnce().finally(() => {
      running = undefined;
    });
    return running;
  };

  const timer = setInterval(() => {
    refresh().catch((error: unknown) => {
      options.logger.warn('backfill queue stats not refreshed', {
        error: toErrorMessage(error),
      });
    });
  }, options.intervalMs);
  timer.unref();

  return {
    refresh,
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
