import { Redis, type RedisOptions } from 'ioredis';

/** The `store.redis_*` settings, as the config package hands them out. */
export interface RedisConnectionOptions {
  readonly redisMode: 'standalone' | 'sentinel';
  readonly redisAddr: { readonly host: string; readonly port: number };
  readonly redisMasterSet: string;
  readonly redisSentinelAddrs: readonly { readonly host: string; readonly port: number }[];
  readonly redisPassword: string | undefined;
  readonly redisDb: number;
}

export interface RedisConnectionRole {
  /** Shown in `CLIENT LIST` (e.g. `scraper-worker`), to tell the fleet's connections apart. */
  readonly connectionName: string;
  /**
   * `worker`: commands wait while Redis is away and run once it is back (BullMQ workers and
   * blocking consumers need this: `maxRetriesPerRequest: null`). `request`: a command fails
   * after a few reconnect attempts, so an HTTP handler can answer instead of hanging.
   */
  readonly role: 'worker' | 'request';
}

const MAX_RECONNECT_DELAY_MS = 5_000;

/**
 * An ioredis client for standalone Redis or Sentinel. It reconnects forever with capped
 * exponential backoff; callers report health from its `ready`/`end` events and commands.
 */
export function createRedisConnection(
  options: RedisConnectionOptions,
  role: RedisConnectionRole,
): Redis {
  const common: RedisOptions = {
    connectionName: role.connectionName,
    password: options.redisPassword,
    db: options.redisDb,
    lazyConnect: true,
    maxRetriesPerRequest: role.role === 'worker' ? null : 2,
    retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 6), MAX_RECONNECT_DELAY_MS),
  };
  return options.redisMode === 'sentinel'
    ? new Redis({
        ...common,
        sentinels: options.redisSentinelAddrs.map(({ host, port }) => ({ host, port })),
        name: options.redisMasterSet,
        sentinelPassword: options.redisPassword,
      })
    : new Redis({ ...common, host: options.redisAddr.host, port: options.redisAddr.port });
}
