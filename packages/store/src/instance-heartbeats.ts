import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';

import { type Logger, toErrorMessage } from '@gse/logging';
import type { Redis } from 'ioredis';

import { createStoreKeys } from './store-keys.js';

/** What one service instance says about itself on each heartbeat. */
export interface InstanceHeartbeat {
  /** e.g. `scraper-worker`. */
  readonly service: string;
  /** Unique per process: `<hostname>-<8 hex>` (the pod name in Kubernetes). */
  readonly instance: string;
  readonly startedAtMs: number;
  readonly beatAtMs: number;
  /** Numbers the service adds (the backfill-worker: `unacked`, the deliveries it holds). */
  readonly counts: Readonly<Record<string, number>>;
}

export interface InstanceHeartbeatOptions {
  readonly redis: Redis;
  readonly keyPrefix: string;
  readonly service: string;
  readonly logger: Logger;
  /** How often the instance beats (5 s); its key lives three intervals. */
  readonly intervalMs?: number;
  readonly now?: () => number;
}

/** A running heartbeat: beats at once, then every interval, until `close()`. */
export interface InstanceHeartbeatWriter {
  readonly instance: string;
  /** Sets the numbers every later beat carries (replacing the previous ones). */
  setCounts(counts: () => Readonly<Record<string, number>>): void;
  /** Writes one beat now. */
  beat(): Promise<void>;
  /**
   * Stops beating and, when Redis answers, deletes the key so the instance leaves the list at
   * once (else it expires within its TTL). Idempotent.
   */
  close(): Promise<void>;
}

const DEFAULT_INTERVAL_MS = 5000;
/** A key outlives two missed beats, so one slow Redis round trip does not hide an instance. */
const TTL_INTERVALS = 3;
/** ioredis states in which the connection is known to be down (not merely still connecting). */
const REDIS_AWAY = new Set(['reconnecting', 'close', 'end']);

/**
 * Each instance's heartbeat: a key with a TTL (`instanceHeartbeat`) plus its id in the
 * `instances` index, so a reader finds the live ones without a SCAN of the keyspace. Each
 * beat also drops index entries whose key has expired (an instance that died).
 */
export function createInstanceHeartbeat(
  options: InstanceHeartbeatOptions,
): InstanceHeartbeatWriter {
  const { redis, logger, service } = options;
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const ttlMs = intervalMs * TTL_INTERVALS;
  const keys = createStoreKeys(options.keyPrefix);
  const instance = `${hostname()}-${randomUUID().slice(0, 8)}`;
  const startedAtMs = now();
  let counts: () => Readonly<Record<string, number>> = () => ({});
  let closed = false;

  async function beat(): Promise<void> {
    const beatAtMs = now();
    const record: InstanceHeartbeat = {
      service,
      instance,
      startedAtMs,
      beatAtMs,
      counts: counts(),
    };
    await redis
      .multi()
      .set(keys.instanceHeartbeat(instance), JSON.stringify(record), 'PX', ttlMs)
      .zadd(keys.instances, beatAtMs, instance)
      .zremrangebyscore(keys.instances, '-inf', beatAtMs - ttlMs)
      .exec();
  }

  const tick = (): void => {
    // While Redis is known to be away a beat could only fail (or, on a worker's connection,
    // queue up until it is back): the instance reappears with the first beat after.
    if (REDIS_AWAY.has(redis.status)) return;
    beat().catch((error: unknown) => {
      logger.warn('instance heartbeat not written', { error: toErrorMessage(error) });
    });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  tick();

  return {
    instance,
    setCounts: (read) => {
      counts = read;
    },
    beat,
    close: async () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      // Only a Redis that answers now is asked: shutdown must not wait for one that does
      // not, and the key expires within its TTL anyway. A beat still on its way was sent
      // first on the same connection, so it cannot bring the key back after the delete.
      if (redis.status !== 'ready') return;
      await redis
        .multi()
        .del(keys.instanceHeartbeat(instance))
        .zrem(keys.instances, instance)
        .exec();
    },
  };
}

/**
 * The heartbeats of every instance seen within its TTL, by service then instance. A record
 * that is not a heartbeat (written by hand, or by another version) is left out.
 */
export async function readInstanceHeartbeats(
  redis: Redis,
  keyPrefix: string,
): Promise<InstanceHeartbeat[]> {
  const keys = createStoreKeys(keyPrefix);
  const ids = await redis.zrange(keys.instances, 0, '-1');
  if (ids.length === 0) return [];
  const stored = await redis.mget(ids.map((id) => keys.instanceHeartbeat(id)));
  return stored
    .flatMap((json) => {
      const beat = json === null ? undefined : decodeInstanceHeartbeat(json);
      return beat ? [beat] : [];
    })
    .sort((a, b) => a.service.localeCompare(b.service) || a.instance.localeCompare(b.instance));
}

/** Reads a stored heartbeat; `undefined` when it is not one. */
export function decodeInstanceHeartbeat(json: string): InstanceHeartbeat | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const { service, instance, startedAtMs, beatAtMs, counts } = record;
  if (typeof service !== 'string' || typeof instance !== 'string') return undefined;
  if (!Number.isFinite(startedAtMs) || !Number.isFinite(beatAtMs)) return undefined;
  if (typeof counts !== 'object' || counts === null || Array.isArray(counts)) return undefined;
  const numbers = Object.entries(counts as Record<string, unknown>);
  if (!numbers.every(([, count]) => Number.isFinite(count))) return undefined;
  return {
    service,
    instance,
    startedAtMs: startedAtMs as number,
    beatAtMs: beatAtMs as number,
    counts: Object.fromEntries(numbers) as Record<string, number>,
  };
}
