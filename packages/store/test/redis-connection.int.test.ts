import { describe, expect, it } from 'vitest';

import { createRedisConnection } from '../src/index.js';

const standalone = {
  redisMode: 'standalone' as const,
  redisAddr: { host: '127.0.0.1', port: 6379 },
  redisMasterSet: '',
  redisSentinelAddrs: [],
  redisPassword: undefined,
  redisDb: 0,
};

describe('createRedisConnection', () => {
  it('connects to standalone Redis under its connection name', async () => {
    const redis = createRedisConnection(standalone, {
      connectionName: 'store-test',
      role: 'request',
    });
    await redis.connect();
    expect(await redis.client('GETNAME')).toBe('store-test');
    await redis.quit();
  });

  it('fails a command of a request connection instead of hanging when Redis is away', async () => {
    const redis = createRedisConnection(
      { ...standalone, redisAddr: { host: '127.0.0.1', port: 1 } },
      { connectionName: 'store-test', role: 'request' },
    );
    redis.on('error', () => undefined);
    await expect(redis.ping()).rejects.toThrow();
    redis.disconnect();
  });
});
