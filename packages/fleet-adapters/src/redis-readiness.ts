import type { CheckResult } from '@gse/lifecycle';
import { type Logger, toErrorMessage } from '@gse/logging';
import type { Redis } from 'ioredis';

/**
 * Starts connecting without waiting: a Redis that is down at start is retried in the
 * background (the connection's retry strategy) and `/readyz` says so meanwhile.
 */
export function connectRedis(redis: Redis, logger: Logger): void {
  redis.connect().catch((error: unknown) => {
    logger.warn('redis not reachable yet; reconnecting', {
      error: toErrorMessage(error),
    });
  });
}

/** Readiness: the connection is up and Redis answers PING. */
export async function pingRedis(redis: Redis): Promise<CheckResult> {
  // A command on a connection that is down would wait in the offline queue; say so at once.
  if (redis.status !== 'ready') return { ok: false, reason: `redis connection ${redis.status}` };
  await redis.ping();
  return { ok: true };
}

/** Closes the connection: QUIT when connected, else stop reconnecting at once. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit();
  else redis.disconnect();
}
