import type { ServiceScope } from '@gse/lifecycle';
import {
  createInstanceHeartbeat,
  createRedisConnection,
  createStoreKeys,
  type InstanceHeartbeatWriter,
  type RedisConnectionOptions,
  type StoreKeys,
} from '@gse/store';
import { createFleetTelemetry, FLEET_METRICS, type FleetTelemetry } from '@gse/telemetry';
import type { Redis } from 'ioredis';

import { closeRedis, connectRedis, pingRedis } from './redis-readiness.js';

/** A service's Redis: the connection, the key builder and the fleet telemetry writer on it. */
export interface FleetRedis {
  readonly redis: Redis;
  readonly keys: StoreKeys;
  readonly telemetry: FleetTelemetry;
  /** This process's heartbeat (the status page's instance list). */
  readonly heartbeat: InstanceHeartbeatWriter;
}

export interface FleetRedisOptions {
  /** `store.*`: the connection and `key_prefix`. */
  readonly store: RedisConnectionOptions & { readonly keyPrefix: string };
  /** The service, e.g. `scheduler`: connection name and dependency-health label. */
  readonly service: string;
  /** See `createRedisConnection`: workers wait out a restart, request handlers fail fast. */
  readonly role: 'worker' | 'request';
  readonly scope: Pick<ServiceScope, 'logger' | 'defer' | 'readiness'>;
  /** How often telemetry is sent (1 s); tests shorten it. */
  readonly telemetryFlushIntervalMs?: number;
}

/**
 * Opens a service's Redis the one way every service does: connects in the background (a
 * Redis that is down at start is retried and `/readyz` says so), registers the `redis`
 * readiness check, reports `gh_exporter_dependency_health{dependency="redis"}`, beats the
 * instance heartbeat, and defers stopping the heartbeat, closing telemetry, then the connection.
 */
export function openFleetRedis(options: FleetRedisOptions): FleetRedis {
  const { scope, service } = options;
  const keys = createStoreKeys(options.store.keyPrefix);
  const redis = createRedisConnection(options.store, {
    connectionName: service,
    role: options.role,
  });
  scope.defer('redis', () => closeRedis(redis));
  scope.readiness.register('redis', () => pingRedis(redis));
  const telemetry = createFleetTelemetry({
    redis,
    keyOf: (metricName) => keys.telemetryMetric(metricName),
    logger: scope.logger,
    ...(options.telemetryFlushIntervalMs === undefined
      ? {}
      : { flushIntervalMs: options.telemetryFlushIntervalMs }),
  });
  scope.defer('fleet telemetry', () => telemetry.close());
  const reportHealth = (healthy: boolean) => (): void => {
    telemetry.set(
      FLEET_METRICS.dependencyHealth,
      { dependency: 'redis', service },
      healthy ? 1 : 0,
    );
  };
  redis.on('ready', reportHealth(true));
  redis.on('close', reportHealth(false));
  connectRedis(redis, scope.logger);
  const heartbeat = createInstanceHeartbeat({
    redis,
    keyPrefix: options.store.keyPrefix,
    service,
    logger: scope.logger,
  });
  scope.defer('instance heartbeat', () => heartbeat.close());
  return { redis, keys, telemetry, heartbeat };
}
