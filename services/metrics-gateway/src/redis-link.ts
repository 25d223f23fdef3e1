import { type Logger, toErrorMessage } from '@gse/logging';
import type { Redis } from 'ioredis';

/**
 * The gateway's view of its Redis connection: whether commands can run now, and if not,
 * why, in words an operator can act on. Commands are not even tried while the connection
 * is down, so a scrape answers from the last good render at once instead of waiting out
 * ioredis's reconnect backoff (up to 5 s a try) inside Prometheus's scrape timeout.
 */
export interface RedisLink {
  readonly redis: Redis;
  /** Undefined when commands can run; else the connection state and its last error. */
  unavailableReason(): string | undefined;
  /**
   * Resolves once commands can run. While a connection attempt is under way (at start) it
   * waits for it, up to `signal`; while Redis is known to be down (waiting to reconnect, or
   * closed) it rejects at once with {@link unavailableReason}.
   */
  whenUsable(signal: AbortSignal): Promise<void>;
  /** Starts connecting (and reconnecting for ever); resolves at once either way. */
  open(): void;
  /** Closes the connection; idempotent. */
  close(): Promise<void>;
}

// ioredis states of a connection attempt in progress, before it is known to work or fail.
const CONNECTING = new Set(['wait', 'connecting', 'connect']);

export function createRedisLink(redis: Redis, logger: Logger): RedisLink {
  let lastError: string | undefined;
  let wasReady = false;
  redis.on('error', (error: Error) => {
    // ioredis repeats the same error on every reconnect attempt: log changes only.
    if (error.message !== lastError) {
      logger.warn('redis connection error', { error: error.message });
    }
    lastError = error.message;
  });
  redis.on('ready', () => {
    if (wasReady || lastError !== undefined) logger.info('redis connection ready again');
    wasReady = true;
    lastError = undefined;
  });
  let closing: Promise<void> | undefined;
  const describeState = (): string =>
    lastError === undefined
      ? `redis connection is ${redis.status}`
      : `redis connection is ${redis.status} (${lastError})`;

  return {
    redis,
    unavailableReason() {
      return redis.status === 'ready' ? undefined : describeState();
    },
    async whenUsable(signal) {
      if (redis.status === 'ready') return;
      if (!CONNECTING.has(redis.status)) throw new Error(describeState());
      await new Promise<void>((resolve, reject) => {
        const settle = (error?: Error): void => {
          redis.off('ready', onReady);
          redis.off('error', onError);
          signal.removeEventListener('abort', onAbort);
          if (error) reject(error);
          else resolve();
        };
        const onReady = (): void => {
          settle();
        };
        const onError = (error: Error): void => {
          settle(new Error(`redis connection is ${redis.status} (${error.message})`));
        };
        const onAbort = (): void => {
          settle(signal.reason as Error);
        };
        redis.once('ready', onReady);
        redis.once('error', onError);
        signal.addEventListener('abort', onAbort, { once: true });
      });
    },
    open() {
      // A failed first attempt is reported by the 'error' listener; ioredis keeps retrying.
      redis.connect().catch((error: unknown) => {
        lastError ??= toErrorMessage(error);
      });
    },
    close() {
      closing ??= (async () => {
        if (redis.status === 'ready') await redis.quit();
        else redis.disconnect();
      })();
      return closing;
    },
  };
}
